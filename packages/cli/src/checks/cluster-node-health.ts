import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';

/** `cluster.node-health`: no node flagged `fail` or `fail?`. */
export const clusterNodeHealth: DeploymentCheck = {
  kind: 'deployment',
  id: 'cluster.node-health',
  title: 'No failed cluster node',
  doc: {
    checks: "CLUSTER NODES flags and link state, as the URL's node sees them",
    verdicts: 'pass none flagged; fail any `fail` or `fail?` (pfail) node',
    fix: 'restart or replace the failed node; CLUSTER FORGET it once gone for good',
  },
  run(ctx) {
    const t = ctx.topology;
    if (t.mode !== 'cluster' || !t.cluster) return [];
    const failing = t.cluster.nodes.filter((n) => n.failing);
    if (failing.length === 0) return [pass(`${t.cluster.nodes.length} nodes, none flagged fail or pfail`, 'no node in fail or pfail')];
    return failing.map(
      (n): Verdict => ({
        ...verdict(
          'fail',
          `${n.role} flagged ${n.failing}${n.linkState === 'disconnected' ? ', link disconnected' : ''} (seen from ${t.cluster?.source})`,
          'no node in fail or pfail',
          'restart or replace it; once it is gone for good, CLUSTER FORGET its id on every node',
        ),
        node: n.address,
      }),
    );
  },
};
