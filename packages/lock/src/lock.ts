import type { RedisKey } from 'ioredis';
import { LeasedKey, type LockContext } from './leased-key.js';
import type { ResolvedLockOptions } from './options.js';

/**
 * A distributed lock: one holder at a time, each lease with a fencing token higher than every
 * token before it. Get one from `locks.lock(…)`.
 */
export class Lock extends LeasedKey {
  /** @internal Locks come from `createLocks(client).lock(…)`. */
  constructor(context: LockContext, key: RedisKey, label: string, options: ResolvedLockOptions) {
    super(context, key, label, 1, options);
  }
}
