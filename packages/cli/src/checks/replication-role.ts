import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { reachableData, type Topology } from '../topology.js';

/** The verdict on the role of the node writes go to (pure). */
export function judgeRole(t: Topology): Verdict[] {
  if (t.mode === 'standalone') {
    const entry = reachableData(t).find((n) => n.address === t.entry);
    if (!entry) return [];
    if (entry.info.role === 'master') return [{ ...pass('master', 'master (writable)'), node: entry.address }];
    const primary = `${entry.info.master_host}:${entry.info.master_port}`;
    return [
      {
        ...verdict(
          'fail',
          `${entry.info.role ?? 'unknown'} of ${primary}: every write answers READONLY`,
          'master (writable)',
          `point the URL at the primary ${primary}, or use redis-sentinel:// so the client follows the primary; if nobody made this node a replica, it was taken over (redis/redis#10990): REPLICAOF NO ONE, set a password`,
        ),
        node: entry.address,
      },
    ];
  }
  if (t.mode === 'sentinel' && t.primary) {
    const primary = t.dataNodes.find((n) => n.address === t.primary);
    if (!primary?.reachable) return [];
    if (primary.info.role === 'master')
      return [{ ...pass('Sentinel’s primary answers role master', 'master (writable)'), node: primary.address }];
    return [
      {
        ...verdict(
          'fail',
          `Sentinel names ${primary.address} but it answers role ${primary.info.role ?? 'unknown'}: a failover in progress, or sentinels with a stale view`,
          'master (writable)',
          'run the doctor again in a minute; if it persists, compare SENTINEL MASTER on each sentinel and the node’s INFO replication',
        ),
        node: primary.address,
      },
    ];
  }
  return [];
}

/** `replication.role`: the URL lands on a writable primary. */
export const replicationRole: DeploymentCheck = {
  kind: 'deployment',
  id: 'replication.role',
  title: 'URL reaches a writable primary',
  doc: {
    checks: "INFO `role` of the URL's node (standalone) or of the primary Sentinel names",
    verdicts: 'pass master; fail replica (every write answers READONLY)',
    fix: 'point the URL at the primary, or use redis-sentinel://',
    answers: 'bullmq#1928, bull#1947, StackExchange.Redis#2264; redis/redis#10990 (hijacked open Redis)',
  },
  run: (ctx) => judgeRole(ctx.topology),
};
