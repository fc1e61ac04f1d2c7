import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import type { ClusterNode } from '../cluster-nodes.js';

/** The verdict per master on whether it has a healthy replica (pure). */
export function judgeClusterReplicas(nodes: readonly ClusterNode[]): Verdict[] {
  const masters = nodes.filter((n) => n.role === 'master' && n.slots.length > 0);
  return masters.map((m): Verdict => {
    const replicas = nodes.filter((n) => n.masterId === m.id && !n.failing);
    const expected = 'at least one healthy replica';
    if (replicas.length)
      return {
        ...pass(`${replicas.length} replica${replicas.length === 1 ? '' : 's'} (${replicas.map((r) => r.address).join(', ')})`, expected),
        node: m.address,
      };
    return {
      ...verdict(
        'fail',
        'no healthy replica: if this master fails, its slots go down with it',
        expected,
        `add a replica: redis-cli --cluster add-node <new> ${m.address} --cluster-slave --cluster-master-id ${m.id}`,
      ),
      node: m.address,
    };
  });
}

/** `cluster.replicas`: every master with slots has a replica. */
export const clusterReplicas: DeploymentCheck = {
  kind: 'deployment',
  id: 'cluster.replicas',
  title: 'A replica per master',
  doc: {
    checks: 'CLUSTER NODES: replicas (not failing) of each master that serves slots',
    verdicts: 'pass ≥ 1 each; fail a master without one (its slots go down with it)',
    fix: 'redis-cli --cluster add-node <new> <master> --cluster-slave',
    answers: 'redis-doctor cluster.master_without_replica',
  },
  run(ctx) {
    const t = ctx.topology;
    if (t.mode !== 'cluster' || !t.cluster) return [];
    return judgeClusterReplicas(t.cluster.nodes);
  },
};
