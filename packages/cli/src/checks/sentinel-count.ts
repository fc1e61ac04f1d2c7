import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { reachableSentinels, type Topology } from '../topology.js';

/**
 * How many sentinels the deployment has: the most any sentinel knows of (`num-other-sentinels`
 * + 1, which keeps counting a dead one until SENTINEL RESET), or the most found from the URL.
 */
export function sentinelCount(t: Topology): { known: number; answering: number } {
  const answering = reachableSentinels(t);
  let known = t.sentinels.length;
  for (const s of answering) {
    const others = Number(s.view.master?.['num-other-sentinels']);
    if (Number.isFinite(others)) known = Math.max(known, others + 1);
  }
  return { known, answering: answering.length };
}

/** The verdict on how many sentinels there are (pure). */
export function judgeSentinelCount(known: number): Verdict {
  const expected = '≥ 3 and odd';
  if (known < 3) {
    return verdict(
      'fail',
      `${known} sentinel${known === 1 ? '' : 's'}: losing one leaves no majority to authorise a failover`,
      expected,
      'run 3 (or 5) sentinels on independent hosts',
    );
  }
  if (known % 2 === 0)
    return verdict(
      'warn',
      `${known} sentinels: an even count tolerates no more failures than one less`,
      expected,
      `run ${known + 1} or ${known - 1} sentinels`,
    );
  return pass(`${known} sentinels`, expected);
}

/** `sentinel.count`: at least three, and odd. */
export const sentinelCountCheck: DeploymentCheck = {
  kind: 'deployment',
  id: 'sentinel.count',
  title: 'Sentinel count',
  doc: {
    checks: 'sentinels found from the URL and SENTINEL SENTINELS, and `num-other-sentinels` + 1 in SENTINEL MASTER',
    verdicts: 'pass ≥ 3 and odd; warn even; fail < 3',
    fix: 'run 3 or 5 sentinels on independent hosts',
    answers: 'Sentinel docs: "at least three Sentinel instances"',
  },
  run(ctx) {
    if (ctx.topology.mode !== 'sentinel') return [];
    return [judgeSentinelCount(sentinelCount(ctx.topology).known)];
  },
};
