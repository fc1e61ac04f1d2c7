import { isPrimary, type NodeCheck, pass, verdict } from '../check.js';
import { infoNumber } from '../info.js';

/** `replication.full-resyncs`: full syncs beyond the first per replica. */
export const fullResyncs: NodeCheck = {
  kind: 'node',
  id: 'replication.full-resyncs',
  title: 'Full resyncs',
  doc: {
    checks: 'INFO `sync_full`, `sync_partial_err` against `connected_slaves` on each primary',
    verdicts:
      'pass ≤ 3 per replica since start; warn above (a replica that keeps resyncing, often a backlog or output buffer too small). Threshold `perReplica`',
    fix: 'raise repl-backlog-size and check client-output-buffer-limit replica',
    answers: 'redis/redis#4697, #2315',
  },
  judge(node, ctx) {
    const replicas = infoNumber(node.info, 'connected_slaves') ?? 0;
    if (!isPrimary(node) || replicas === 0) return undefined;
    const full = infoNumber(node.info, 'sync_full') ?? 0;
    const partialErr = infoNumber(node.info, 'sync_partial_err') ?? 0;
    const limit = ctx.thresholds['replication.full-resyncs'].perReplica * replicas;
    const observed = `${full} full syncs, ${partialErr} failed partial syncs for ${replicas} replica${replicas === 1 ? '' : 's'}`;
    const expected = `≤ ${limit} full syncs since start`;
    if (full <= limit) return pass(observed, expected);
    return verdict(
      'warn',
      `${observed}: replicas keep falling back to a full copy`,
      expected,
      'raise repl-backlog-size (e.g. CONFIG SET repl-backlog-size 64mb) and make the replica output-buffer limit larger than the backlog',
    );
  },
};
