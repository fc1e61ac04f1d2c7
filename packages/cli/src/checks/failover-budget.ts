import { type DeploymentCheck, formatMs, pass, type Verdict, verdict } from '../check.js';
import type { Profile } from '../report.js';
import { reachableSentinels } from '../topology.js';

/** The verdict on Sentinel's failover time against the lock lease (pure). */
export function judgeFailoverBudget(
  downAfterMs: number,
  profile: Profile,
  t: { readonly lockTtlMs: number; readonly electionMs: number },
  masterName: string,
): Verdict {
  const estimate = downAfterMs + t.electionMs;
  const observed = `down-after-milliseconds ${downAfterMs} + ~${formatMs(t.electionMs)} election ≈ ${formatMs(estimate)} to a new primary; lock lease ${formatMs(t.lockTtlMs)}`;
  // A holder renews at a third of the lease, so two renewals may fail before it runs out.
  const renewable = (t.lockTtlMs * 2) / 3;
  const expected = `failover < ${formatMs(renewable)} (two thirds of the lease)`;
  if (profile === 'cache' || estimate < renewable) return pass(observed, expected);
  const suggested = Math.max(1000, Math.floor(renewable - t.electionMs - 1000));
  return verdict(
    estimate < t.lockTtlMs ? 'warn' : 'fail',
    `${observed}: ${estimate < t.lockTtlMs ? 'holders cannot renew in time' : 'every lease expires before the new primary takes writes'}`,
    expected,
    `SENTINEL SET ${masterName} down-after-milliseconds ${suggested} on every sentinel, or lengthen the leases (lockTtlMs threshold)`,
  );
}

/** `sentinel.failover-budget`: a failover finishes within a lock's lease. */
export const failoverBudget: DeploymentCheck = {
  kind: 'deployment',
  id: 'sentinel.failover-budget',
  title: 'Failover time vs lock lease',
  doc: {
    checks:
      "`down-after-milliseconds` in SENTINEL MASTER plus ~2 s of election and promotion, against the lock lease (30 s, @coordis/lock's default)",
    verdicts:
      "pass < ⅔ of the lease (holders renew at ⅓); warn < the lease; fail ≥ the lease (Redis' default 30 s down-after fails); cache: passes. Thresholds `lockTtlMs`, `electionMs`",
    fix: 'SENTINEL SET <name> down-after-milliseconds 5000, or longer leases',
  },
  run(ctx) {
    const t = ctx.topology;
    if (t.mode !== 'sentinel') return [];
    const m = reachableSentinels(t).find((s) => s.view.master?.['down-after-milliseconds'])?.view.master;
    if (!m) return [];
    return [
      judgeFailoverBudget(
        Number(m['down-after-milliseconds']),
        ctx.profile,
        ctx.thresholds['sentinel.failover-budget'],
        t.masterName ?? '',
      ),
    ];
  },
};
