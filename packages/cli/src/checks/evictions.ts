import { infoRefused, type NodeCheck, pass, verdict } from '../check.js';
import { infoNumber } from '../info.js';

/** `memory.evictions`: keys Redis already deleted to make room. */
export const evictions: NodeCheck = {
  kind: 'node',
  id: 'memory.evictions',
  title: 'Evictions since start',
  doc: {
    checks: 'INFO `evicted_keys` (since start or CONFIG RESETSTAT)',
    verdicts: 'pass 0; fail > 0 (coordination, queue); cache: any count passes',
    fix: 'find what filled memory (INFO memory, redis-cli --memkeys), raise maxmemory, set noeviction; CONFIG RESETSTAT once fixed',
    answers: 'EmailEngine "Redis eviction detected"; AWS: evictions should never happen for non-cache data',
  },
  judge(node, ctx) {
    const n = infoNumber(node.info, 'evicted_keys');
    if (n === undefined) return node.infoError ? infoRefused(node, '0 evicted keys') : undefined;
    const observed = `${n} key${n === 1 ? '' : 's'} evicted`;
    if (ctx.profile === 'cache') return pass(observed, 'any (a cache evicts by design)');
    if (n === 0) return pass(observed, '0 evicted keys');
    return verdict(
      'fail',
      `${observed}: locks, jobs or counters may already be gone`,
      '0 evicted keys',
      'find what filled memory (INFO memory, redis-cli --memkeys), raise maxmemory and set maxmemory-policy noeviction; CONFIG RESETSTAT once fixed',
    );
  },
};
