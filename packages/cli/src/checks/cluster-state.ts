import { type NodeCheck, pass, verdict } from '../check.js';

/** `cluster.state`: every node says `cluster_state:ok`. */
export const clusterState: NodeCheck = {
  kind: 'node',
  id: 'cluster.state',
  title: 'Cluster state ok',
  doc: {
    checks: 'CLUSTER INFO `cluster_state` on every cluster node',
    verdicts: 'pass ok; fail anything else (the node refuses queries)',
    fix: 'CLUSTER INFO and CLUSTER NODES on the node: find the unassigned or failed slots and the unreachable nodes',
    answers: 'redis_exporter redis-mixin alerts',
  },
  judge(node) {
    if (node.info.cluster_enabled !== '1') return undefined;
    const ci = node.clusterInfo;
    if (!ci) return verdict('skip', 'CLUSTER INFO refused', 'ok', 'let the doctor run it: ACL SETUSER <user> +cluster|info +cluster|nodes');
    const state = ci.cluster_state ?? 'unknown';
    if (state === 'ok') return pass(`ok (${ci.cluster_known_nodes ?? '?'} nodes known, epoch ${ci.cluster_current_epoch ?? '?'})`, 'ok');
    return verdict(
      'fail',
      `${state}: the node refuses queries (${ci.cluster_slots_ok ?? '?'} slots ok, ${ci.cluster_slots_pfail ?? '?'} pfail, ${ci.cluster_slots_fail ?? '?'} fail)`,
      'ok',
      'find the unassigned or failed slots and the unreachable nodes (CLUSTER NODES); restart or replace the failed master, or CLUSTER FAILOVER a replica',
    );
  },
};
