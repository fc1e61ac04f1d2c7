import { formatBytes, infoRefused, type NodeCheck, nodeEngine, pass, type Verdict, verdict } from '../check.js';
import { settingFix } from '../engine.js';
import { infoNumber } from '../info.js';
import type { Profile } from '../report.js';

/** The verdict on used memory against maxmemory (pure). */
export function judgeMemoryUsage(
  used: number,
  maxmemory: number,
  systemMemory: number | undefined,
  profile: Profile,
  t: { readonly warnPct: number; readonly failPct: number },
  fix: string,
): Verdict {
  const expected = `maxmemory set, used < ${t.warnPct}% of it`;
  if (maxmemory === 0) {
    const of = systemMemory ? ` (${((used / systemMemory) * 100).toFixed(1)}% of the host's ${formatBytes(systemMemory)})` : '';
    return verdict(
      'warn',
      `${formatBytes(used)} used, no maxmemory${of}: Redis grows until the kernel's OOM killer ends it`,
      expected,
      `set maxmemory to what this host can spare (admin guide: 8–9 GB of 10 GB free): ${fix}`,
    );
  }
  const pct = (used / maxmemory) * 100;
  const observed = `${formatBytes(used)} of ${formatBytes(maxmemory)} (${pct.toFixed(1)}%)`;
  if (profile === 'cache') return pass(observed, 'any (a cache fills up by design)');
  if (pct < t.warnPct) return pass(observed, expected);
  return verdict(
    pct < t.failPct ? 'warn' : 'fail',
    `${observed}: at 100% writes fail with OOM`,
    expected,
    `raise maxmemory or free memory (redis-cli --memkeys finds the big keys): ${fix}`,
  );
}

/** `memory.usage`: how close used memory is to maxmemory. */
export const memoryUsage: NodeCheck = {
  kind: 'node',
  id: 'memory.usage',
  title: 'Memory used / maxmemory',
  doc: {
    checks: 'INFO `used_memory` against `maxmemory` (and `total_system_memory` when no limit is set)',
    verdicts:
      'pass < 80%; warn < 90%; fail above; warn when maxmemory is 0 (OOM killer instead of clean OOM errors); cache: any fill passes. Thresholds `warnPct`, `failPct`',
    fix: 'raise maxmemory or free memory (CONFIG SET maxmemory <bytes>)',
    answers: 'immich#861 (distro maxmemory 256MB), emailengine#92, bull#416',
  },
  judge(node, ctx) {
    const used = infoNumber(node.info, 'used_memory');
    if (used === undefined) return node.infoError ? infoRefused(node, 'used < 80% of maxmemory') : undefined;
    const max = infoNumber(node.info, 'maxmemory') ?? 0;
    // Room for the dataset to grow by half before warning again.
    const suggested = max > 0 ? `${Math.ceil(Math.max(max * 1.5, used / 0.7) / 1048576)}mb` : '<bytes>';
    return judgeMemoryUsage(
      used,
      max,
      infoNumber(node.info, 'total_system_memory') || undefined,
      ctx.profile,
      ctx.thresholds['memory.usage'],
      settingFix(nodeEngine(node, ctx).provider, 'maxmemory', suggested),
    );
  },
};
