import { type DeploymentCheck, pass, verdict } from '../check.js';
import { coveredSlots } from '../cluster-nodes.js';
import { infoNumber } from '../info.js';
import { reachableData } from '../topology.js';

/** `cluster.slots`: all 16384 slots assigned and served. */
export const clusterSlots: DeploymentCheck = {
  kind: 'deployment',
  id: 'cluster.slots',
  title: 'All 16384 slots served',
  doc: {
    checks:
      'CLUSTER INFO `cluster_slots_assigned`, `cluster_slots_ok`, `cluster_slots_pfail`, `cluster_slots_fail`; CLUSTER NODES slot ranges',
    verdicts: 'pass 16384 assigned and ok; fail fewer (keys in the missing slots cannot be read or written)',
    fix: 'assign the missing slots (redis-cli --cluster fix) or fail over the master that serves them',
  },
  run(ctx) {
    const t = ctx.topology;
    if (t.mode !== 'cluster') return [];
    const entry = reachableData(t).find((n) => n.address === t.entry) ?? reachableData(t)[0];
    const ci = entry?.clusterInfo;
    const covered = t.cluster ? coveredSlots(t.cluster.nodes.filter((n) => n.role === 'master')) : undefined;
    const assigned = ci ? infoNumber(ci, 'cluster_slots_assigned') : covered;
    const ok = ci ? infoNumber(ci, 'cluster_slots_ok') : covered;
    if (assigned === undefined || ok === undefined)
      return [
        verdict(
          'skip',
          'CLUSTER INFO and CLUSTER NODES refused',
          '16384 assigned and ok',
          'let the doctor run them: ACL SETUSER <user> +cluster|info +cluster|nodes',
        ),
      ];
    const pfail = ci ? (infoNumber(ci, 'cluster_slots_pfail') ?? 0) : 0;
    const fail = ci ? (infoNumber(ci, 'cluster_slots_fail') ?? 0) : 0;
    const observed = `${assigned} assigned, ${ok} ok, ${pfail} pfail, ${fail} fail`;
    if (assigned === 16384 && ok === 16384) return [pass(observed, '16384 assigned and ok')];
    return [
      verdict(
        'fail',
        `${observed}: keys in the other slots cannot be read or written`,
        '16384 assigned and ok',
        'assign the missing slots (redis-cli --cluster fix <node>) or fail over the master that serves the failed ones',
      ),
    ];
  },
};
