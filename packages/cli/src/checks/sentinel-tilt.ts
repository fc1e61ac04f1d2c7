import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { reachableSentinels } from '../topology.js';

/** `sentinel.tilt`: a sentinel in TILT mode acts on nothing. */
export const sentinelTilt: DeploymentCheck = {
  kind: 'deployment',
  id: 'sentinel.tilt',
  title: 'Sentinel not in TILT',
  doc: {
    checks: 'INFO `sentinel_tilt` on every sentinel',
    verdicts: 'pass 0; fail 1 (the sentinel distrusts its clock — a pause or a time jump — and takes part in no failover for 30 s)',
    fix: "find what stalled the sentinel's host (CPU steal, swap, a paused VM) or stepped its clock",
    answers: 'redis_exporter sentinel_tilt',
  },
  run(ctx) {
    if (ctx.topology.mode !== 'sentinel') return [];
    return reachableSentinels(ctx.topology).map((s): Verdict => {
      const tilt = s.info.sentinel_tilt;
      if (tilt === undefined)
        return {
          ...verdict(
            'skip',
            'INFO refused or without sentinel_tilt',
            '0',
            'let the doctor run INFO on the sentinels: ACL SETUSER <user> +info',
          ),
          node: s.address,
        };
      if (tilt === '0') return { ...pass('not in TILT', '0'), node: s.address };
      return {
        ...verdict(
          'fail',
          `in TILT${s.info.sentinel_tilt_since_seconds ? ` for ${s.info.sentinel_tilt_since_seconds} s` : ''}: it takes part in no failover`,
          '0',
          "find what stalled the sentinel's host (CPU steal, swap, a paused VM) or stepped its clock; it leaves TILT after 30 s of normal timing",
        ),
        node: s.address,
      };
    });
  },
};
