import { isPrimary, type NodeCheck, nodeEngine, pass, verdict } from '../check.js';
import { configAnswer } from '../config-facts.js';
import { settingFix } from '../engine.js';
import { infoNumber } from '../info.js';

/** `replication.min-replicas`: whether a cut-off primary stops accepting writes. */
export const minReplicas: NodeCheck = {
  kind: 'node',
  id: 'replication.min-replicas',
  title: 'min-replicas-to-write',
  doc: {
    checks:
      'CONFIG `min-replicas-to-write`, `min-replicas-max-lag` on a primary with replicas (INFO `min_slaves_good_slaves` when CONFIG is refused)',
    verdicts:
      'pass ≥ 1; warn 0 (a primary cut off from its replicas keeps acknowledging writes that the failover then discards); cache: passes',
    fix: 'CONFIG SET min-replicas-to-write 1 and min-replicas-max-lag 10',
    answers: 'Sentinel docs: bounding the writes a partitioned primary loses',
  },
  judge(node, ctx) {
    const replicas = infoNumber(node.info, 'connected_slaves') ?? 0;
    if (!isPrimary(node) || replicas === 0) return undefined;
    const expected = '≥ 1';
    const a = configAnswer(node.config, 'min-replicas-to-write');
    let n: number | undefined;
    if (a.state === 'value') n = Number(a.value);
    // INFO lists min_slaves_good_slaves only when min-replicas-to-write is set.
    else if (node.info.min_slaves_good_slaves !== undefined) n = 1;
    if (n === undefined) {
      return verdict(
        'skip',
        `CONFIG GET min-replicas-to-write refused${a.state === 'denied' ? ` (${a.reason})` : ''}`,
        expected,
        settingFix(nodeEngine(node, ctx).provider, 'min-replicas-to-write', '1'),
      );
    }
    const lag = configAnswer(node.config, 'min-replicas-max-lag');
    const observed = `${n}${lag.state === 'value' ? ` (max lag ${lag.value} s)` : ''}`;
    if (n >= 1 || ctx.profile === 'cache') return pass(observed, ctx.profile === 'cache' ? 'optional for a cache' : expected);
    return verdict(
      'warn',
      `${observed}: a primary cut off from its replicas keeps acknowledging writes a failover then discards`,
      expected,
      `${settingFix(nodeEngine(node, ctx).provider, 'min-replicas-to-write', '1')} (and min-replicas-max-lag 10)`,
    );
  },
};
