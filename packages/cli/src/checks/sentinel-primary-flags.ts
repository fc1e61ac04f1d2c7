import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { reachableSentinels } from '../topology.js';

/** `sentinel.primary-flags`: what each sentinel thinks of the primary right now. */
export const sentinelPrimaryFlags: DeploymentCheck = {
  kind: 'deployment',
  id: 'sentinel.primary-flags',
  title: 'Primary seen healthy',
  doc: {
    checks: '`flags` in SENTINEL MASTER on every sentinel',
    verdicts: 'pass `master`; fail `s_down`, `o_down`, `disconnected`, `failover_in_progress`',
    fix: 'find why this sentinel cannot reach the primary (network, auth-pass, announced address)',
  },
  run(ctx) {
    if (ctx.topology.mode !== 'sentinel') return [];
    return reachableSentinels(ctx.topology).flatMap((s): Verdict[] => {
      const flags = s.view.master?.flags;
      if (flags === undefined) return [];
      if (flags === 'master') return [{ ...pass('master', 'master'), node: s.address }];
      return [
        {
          ...verdict(
            'fail',
            `${flags}`,
            'master',
            'find why this sentinel cannot reach the primary: network path, sentinel auth-pass, the address the primary announces',
          ),
          node: s.address,
        },
      ];
    });
  },
};
