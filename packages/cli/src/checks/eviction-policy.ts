import { type NodeCheck, nodeEngine, pass, type Verdict, verdict } from '../check.js';
import { settingFix } from '../engine.js';
import { infoNumber } from '../info.js';
import type { Profile } from '../report.js';

/** The verdict on a `maxmemory-policy` for a profile (pure: INFO `maxmemory_policy` and `maxmemory`). */
export function judgeEvictionPolicy(policy: string, maxmemory: number, profile: Profile, fix: (value: string) => string): Verdict {
  const observed = `${policy}${maxmemory > 0 ? '' : ' (maxmemory 0: no limit)'}`;
  const volatile = policy.startsWith('volatile-');
  const allkeys = policy.startsWith('allkeys-');
  if (profile === 'cache') {
    if (policy === 'noeviction') {
      return verdict(
        'warn',
        observed,
        'an allkeys-* or volatile-* policy',
        `${fix('allkeys-lru')} — a full cache under noeviction refuses writes`,
      );
    }
    return pass(observed, 'an allkeys-* or volatile-* policy');
  }
  const expected = 'noeviction';
  if (policy === 'noeviction') return pass(observed, expected);
  if (allkeys)
    return verdict(
      'fail',
      `${observed}: under memory pressure Redis deletes any key, jobs and locks included`,
      expected,
      fix('noeviction'),
    );
  if (volatile) {
    if (profile === 'coordination') {
      return maxmemory > 0
        ? verdict(
            'fail',
            `${observed}: evicts keys with a TTL first — exactly coordis' locks, leases and rate-limit counters`,
            expected,
            fix('noeviction'),
          )
        : verdict(
            'warn',
            `${observed}: harmless only while no maxmemory is set; once it is, keys with a TTL (locks, limits) go first`,
            expected,
            fix('noeviction'),
          );
    }
    return verdict(
      'warn',
      `${observed}: queue data rarely carries TTLs, but job locks do, and users lost jobs this way (bullmq#1046)`,
      expected,
      fix('noeviction'),
    );
  }
  return verdict('warn', `${observed}: not a policy this doctor knows`, expected, fix('noeviction'));
}

/** `memory.eviction-policy`: what Redis deletes when memory runs out. */
export const evictionPolicy: NodeCheck = {
  kind: 'node',
  id: 'memory.eviction-policy',
  title: 'Eviction policy',
  doc: {
    checks: 'INFO `maxmemory_policy` (no CONFIG needed), with `maxmemory`',
    verdicts:
      'coordination: pass `noeviction`; fail `allkeys-*`; fail `volatile-*` when maxmemory is set (coordis keys carry TTLs), warn without. queue: `volatile-*` warn. cache: inverted — `noeviction` warns, any evicting policy passes',
    fix: 'CONFIG SET maxmemory-policy noeviction (parameter group / portal line on managed services)',
    answers: 'bullmq#1046, #1827, #2215; managed defaults volatile-lru (gitlab-environment-toolkit#833)',
  },
  judge(node, ctx) {
    const policy = node.info.maxmemory_policy;
    const provider = nodeEngine(node, ctx).provider;
    const fix = (value: string) => settingFix(provider, 'maxmemory-policy', value);
    if (policy === undefined) {
      return verdict(
        'skip',
        node.infoError ? `INFO refused (${node.infoError})` : 'INFO shows no maxmemory_policy',
        'noeviction',
        'check maxmemory-policy by hand (CONFIG GET maxmemory-policy)',
      );
    }
    if (policy === '') {
      return verdict(
        'skip',
        'the policy is not exposed (Redis Enterprise)',
        'noeviction',
        'set the eviction policy to noeviction in the database configuration (Redis Cloud / Enterprise console)',
      );
    }
    return judgeEvictionPolicy(policy, infoNumber(node.info, 'maxmemory') ?? 0, ctx.profile, fix);
  },
};
