import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { reachableSentinels } from '../topology.js';

/** `sentinel.ckquorum`: SENTINEL CKQUORUM on every sentinel. */
export const sentinelCkquorum: DeploymentCheck = {
  kind: 'deployment',
  id: 'sentinel.ckquorum',
  title: 'Quorum reachable (CKQUORUM)',
  doc: {
    checks: 'SENTINEL CKQUORUM <name> on every sentinel that answers',
    verdicts: 'pass OK; fail NOQUORUM / cannot authorise a failover',
    fix: 'start the missing sentinels and let them reach each other (port 26379 both ways); SENTINEL RESET <name> after removing dead ones',
    answers: 'redis_exporter sentinel_master_ckquorum_status (one exporter per sentinel, #963)',
  },
  run(ctx) {
    if (ctx.topology.mode !== 'sentinel') return [];
    return reachableSentinels(ctx.topology).map((s): Verdict => {
      const q = s.view.ckquorum;
      if (!q) return { ...verdict('error', 'no CKQUORUM answer', 'OK', 'run the doctor again'), node: s.address };
      if (q.ok) return { ...pass(q.message, 'OK'), node: s.address };
      const fix = /NOPERM/.test(q.message)
        ? 'let the doctor run it: ACL SETUSER <user> +sentinel|ckquorum on the sentinels'
        : 'start the missing sentinels and let them reach each other (port 26379 both ways); SENTINEL RESET <name> after removing dead ones';
      return { ...verdict(/NOPERM/.test(q.message) ? 'skip' : 'fail', q.message, 'OK', fix), node: s.address };
    });
  },
};
