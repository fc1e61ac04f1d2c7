// Public surface of @coordis/lock.
export { DEFAULTS } from './defaults.js';
export {
  isLockAbortedError,
  isLockKeyTypeError,
  isLockLostError,
  isLockOptionsError,
  isLockReplicationError,
  isLockTimeoutError,
  type LeaseLossReason,
  LockAbortedError,
  LockKeyTypeError,
  LockLostError,
  LockOptionsError,
  LockReplicationError,
  LockReplyError,
  LockTimeoutError,
} from './errors.js';
export { type ExtendResult, Lease, type ReleaseResult } from './lease.js';
export type { GuardedFunction, LeasedKey } from './leased-key.js';
export { Lock } from './lock.js';
export { createLocks, Locks, type LocksOptions } from './locks.js';
export type { AcquireOptions, LockOptions, ResolvedLockOptions } from './options.js';
export { Semaphore } from './semaphore.js';
export { StalwartLocks } from './stalwart-locks.js';
