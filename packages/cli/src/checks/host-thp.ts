import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { atLeast } from '../engine.js';
import { readHostFile, selectedChoice } from '../host-facts.js';
import { reachableData } from '../topology.js';

/** The verdict on transparent huge pages (pure): Redis ≥ 6.2 turns THP off for itself. */
export function judgeThp(mode: string, redisVersion: string | undefined): Verdict {
  const expected = 'madvise or never';
  if (mode !== 'always') return pass(mode, expected);
  if (redisVersion && atLeast(redisVersion, 6, 2))
    return pass('always, but Redis ≥ 6.2 turns it off for itself (disable-thp yes)', expected);
  return verdict(
    'warn',
    'always: latency spikes and memory blow-up after fork',
    expected,
    'echo madvise > /sys/kernel/mm/transparent_hugepage/enabled (and in the boot configuration)',
  );
}

/** `host.thp`: transparent huge pages on the Redis host. */
export const hostThp: DeploymentCheck = {
  kind: 'deployment',
  id: 'host.thp',
  title: 'Host: transparent huge pages',
  doc: {
    checks: '/sys/kernel/mm/transparent_hugepage/enabled of this host (loopback target or --host-checks)',
    verdicts: 'pass madvise / never, or always with Redis ≥ 6.2 (disable-thp); warn always on older Redis',
    fix: 'echo madvise > /sys/kernel/mm/transparent_hugepage/enabled',
    answers: 'Redis latency guide; LATENCY DOCTOR',
  },
  async run(ctx) {
    if (!ctx.hostChecks) return [];
    const text = await readHostFile('/sys/kernel/mm/transparent_hugepage/enabled');
    const mode = text ? selectedChoice(text) : undefined;
    if (!mode) return [];
    return [judgeThp(mode, reachableData(ctx.topology)[0]?.info.redis_version)];
  },
};
