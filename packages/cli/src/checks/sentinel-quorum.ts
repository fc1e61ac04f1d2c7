import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { reachableSentinels } from '../topology.js';
import { sentinelCount } from './sentinel-count.js';

/** `sentinel.quorum`: the configured quorum against the number of sentinels. */
export const sentinelQuorum: DeploymentCheck = {
  kind: 'deployment',
  id: 'sentinel.quorum',
  title: 'Quorum setting',
  doc: {
    checks: '`quorum` in SENTINEL MASTER against the number of sentinels',
    verdicts:
      'pass 2 ≤ quorum ≤ count; warn quorum 1 with several sentinels (one sentinel alone declares the primary down); fail quorum > count (never reached)',
    fix: 'SENTINEL SET <name> quorum <majority> on every sentinel',
    answers: 'Sentinel docs: quorum detects, the majority authorises',
  },
  run(ctx) {
    const t = ctx.topology;
    if (t.mode !== 'sentinel') return [];
    const { known } = sentinelCount(t);
    const majority = Math.floor(known / 2) + 1;
    return reachableSentinels(t).flatMap((s): Verdict[] => {
      const q = Number(s.view.master?.quorum);
      if (!Number.isFinite(q)) return [];
      const observed = `quorum ${q} of ${known} sentinels`;
      const expected = `2 ≤ quorum ≤ ${known} (a majority: ${majority})`;
      const fix = `SENTINEL SET ${t.masterName} quorum ${majority} on every sentinel`;
      if (q > known) return [{ ...verdict('fail', `${observed}: never reached, no failover can start`, expected, fix), node: s.address }];
      if (q === 1 && known > 1)
        return [{ ...verdict('warn', `${observed}: one sentinel's view alone marks the primary down`, expected, fix), node: s.address }];
      return [{ ...pass(observed, expected), node: s.address }];
    });
  },
};
