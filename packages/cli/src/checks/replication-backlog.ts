import { configRefused, formatBytes, isPrimary, type NodeCheck, pass, type Verdict, verdict } from '../check.js';
import { configAnswer } from '../config-facts.js';
import { infoNumber } from '../info.js';

/** The replica class's hard limit in `client-output-buffer-limit`, in bytes (0: none). */
export function replicaHardLimit(value: string): number | undefined {
  const parts = value.trim().split(/\s+/);
  for (let i = 0; i + 3 < parts.length; i += 4) {
    if (parts[i] === 'slave' || parts[i] === 'replica') return parseSize(parts[i + 1] as string);
  }
  return undefined;
}

function parseSize(text: string): number {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(text);
  if (!m) return Number(text);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return n * (mult[unit] ?? 1);
}

/** The verdict on the replica output-buffer hard limit against the backlog (pure). */
export function judgeBacklog(hardLimit: number, backlog: number): Verdict {
  const observed = `replica output-buffer hard limit ${hardLimit === 0 ? 'none' : formatBytes(hardLimit)}, repl-backlog-size ${formatBytes(backlog)}`;
  const expected = 'hard limit 0 or ≥ repl-backlog-size';
  if (hardLimit === 0 || hardLimit >= backlog) return pass(observed, expected);
  return verdict(
    'warn',
    `${observed}: a replica that catches up from the backlog is dropped by its own output buffer, and resyncs in a loop`,
    expected,
    `CONFIG SET client-output-buffer-limit "replica ${backlog * 2} ${backlog} 60" (at least the backlog)`,
  );
}

/** `replication.backlog`: replica output-buffer limit against the replication backlog. */
export const replicationBacklog: NodeCheck = {
  kind: 'node',
  id: 'replication.backlog',
  title: 'Replica buffer vs backlog',
  doc: {
    checks: 'CONFIG `client-output-buffer-limit` (replica class) against INFO `repl_backlog_size`, on a primary with replicas',
    verdicts: 'pass hard limit 0 or ≥ the backlog; warn below (partial sync succeeds, then the replica is disconnected)',
    fix: 'raise the replica output-buffer limit above repl-backlog-size',
    answers: 'redis/redis#4697; redis.conf note from redis/redis PR #9166',
  },
  judge(node, ctx) {
    const replicas = infoNumber(node.info, 'connected_slaves') ?? 0;
    if (!isPrimary(node) || replicas === 0) return undefined;
    const a = configAnswer(node.config, 'client-output-buffer-limit');
    if (a.state !== 'value') return configRefused(node, ctx, 'client-output-buffer-limit', 'hard limit 0 or ≥ repl-backlog-size');
    const hard = replicaHardLimit(a.value);
    const backlog = infoNumber(node.info, 'repl_backlog_size');
    if (hard === undefined || backlog === undefined) return undefined;
    return judgeBacklog(hard, backlog);
  },
};
