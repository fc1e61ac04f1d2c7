import { formatHostPort } from '../address.js';
import { isReplica, type NodeCheck, pass, verdict } from '../check.js';
import type { Topology } from '../topology.js';

/** Every address the topology knows a data node by: dialled, announced by Sentinel, listed by the cluster. */
export function knownDataAddresses(t: Topology): Set<string> {
  const known = new Set(t.dataNodes.map((n) => n.address));
  for (const s of t.sentinels) {
    if (!s.reachable) continue;
    const m = s.view.master;
    if (m?.ip && m.port) known.add(formatHostPort(m.ip, Number(m.port)));
    for (const r of s.view.replicas) if (r.ip && r.port) known.add(formatHostPort(r.ip, Number(r.port)));
  }
  for (const n of t.cluster?.nodes ?? []) known.add(n.address);
  return known;
}

/** `replication.foreign-primary`: a replica of a host outside the topology. */
export const foreignPrimary: NodeCheck = {
  kind: 'node',
  id: 'replication.foreign-primary',
  title: 'Replicas follow a known primary',
  doc: {
    checks: "INFO `master_host`/`master_port` of each replica against the topology's nodes (Sentinel and Cluster)",
    verdicts: "pass a known node; fail anything else (an open Redis made a replica of an attacker's host)",
    fix: 'REPLICAOF the right primary (or NO ONE), set a password, close the port',
    answers: 'redis/redis#10990',
  },
  judge(node, ctx) {
    if (!isReplica(node) || ctx.topology.mode === 'standalone') return undefined;
    const primary = formatHostPort(node.info.master_host ?? '?', Number(node.info.master_port));
    if (knownDataAddresses(ctx.topology).has(primary)) return pass(`replica of ${primary}`, 'a primary of this topology');
    return verdict(
      'fail',
      `replica of ${primary}, which is not a node of this ${ctx.topology.mode} topology`,
      'a primary of this topology',
      `if nobody set this up the node was taken over (redis/redis#10990): REPLICAOF the right primary, set a password and close the port`,
    );
  },
};
