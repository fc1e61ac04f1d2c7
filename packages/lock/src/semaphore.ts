import type { RedisKey } from 'ioredis';
import { LeasedKey, type LockContext } from './leased-key.js';
import type { ResolvedLockOptions } from './options.js';

/**
 * A counting semaphore: up to `limit` holders at once, leases timed by the server's clock
 * (TIME) so a client with a wrong clock cannot extend or steal a place, fencing tokens as for
 * a lock. Every process must use the same limit for a key. Get one from `locks.semaphore(…)`.
 */
export class Semaphore extends LeasedKey {
  /** @internal Semaphores come from `createLocks(client).semaphore(…)`. */
  constructor(context: LockContext, key: RedisKey, label: string, limit: number, options: ResolvedLockOptions) {
    super(context, key, label, limit, options);
  }
}
