import { formatHostPort } from '../address.js';
import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import type { SentinelFacts } from '../topology.js';
import { reachableSentinels } from '../topology.js';

/** The verdict on whether sentinels agree on the primary and its config-epoch (pure). */
export function judgeAgreement(sentinels: readonly SentinelFacts[], masterName: string): Verdict {
  const views = sentinels.map((s) => {
    const m = s.view.master;
    return {
      address: s.address,
      primary: m?.ip && m.port ? formatHostPort(m.ip, Number(m.port)) : undefined,
      epoch: m?.['config-epoch'],
      error: s.view.masterError,
    };
  });
  const expected = 'every sentinel names the same primary at the same config-epoch';
  const unaware = views.filter((v) => !v.primary);
  const primaries = new Set(views.filter((v) => v.primary).map((v) => v.primary));
  const epochs = new Set(views.filter((v) => v.primary).map((v) => v.epoch));
  const listing = views
    .map((v) => `${v.address} → ${v.primary ?? `none (${v.error ?? 'unknown'})`}${v.epoch !== undefined ? ` @${v.epoch}` : ''}`)
    .join('; ');
  if (unaware.length === 0 && primaries.size === 1 && epochs.size === 1) {
    return pass(
      `${views.length} sentinel${views.length === 1 ? '' : 's'} name ${[...primaries][0]} at config-epoch ${[...epochs][0]}`,
      expected,
    );
  }
  return verdict(
    'fail',
    `disagreement: ${listing}`,
    expected,
    `check the odd one out: SENTINEL MASTER ${masterName} on it; if its config is stale, SENTINEL RESET ${masterName} there (or SENTINEL REMOVE + MONITOR with the right primary)`,
  );
}

/** `sentinel.agreement`: one primary, one config-epoch, across all sentinels. */
export const sentinelAgreement: DeploymentCheck = {
  kind: 'deployment',
  id: 'sentinel.agreement',
  title: 'Sentinels agree',
  doc: {
    checks: 'SENTINEL MASTER <name> on every sentinel: `ip`, `port`, `config-epoch`',
    verdicts: 'pass all the same; fail any sentinel naming another primary or epoch, or not monitoring the name',
    fix: 'SENTINEL RESET <name> (or REMOVE + MONITOR) on the sentinel with the stale view',
    answers: 'redis/redis#12798 (a sentinel back with an old view); redis-doctor sentinel.master_disagreement',
  },
  run(ctx) {
    if (ctx.topology.mode !== 'sentinel') return [];
    const s = reachableSentinels(ctx.topology);
    return s.length ? [judgeAgreement(s, ctx.topology.masterName ?? '')] : [];
  },
};
