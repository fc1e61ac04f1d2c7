import type { KeyInput, KeyMode, StalwartNamespaces } from '@coordis/keyspace';
import type { Lock } from './lock.js';
import type { LockOptions } from './options.js';

type Builtins = StalwartNamespaces<KeyMode>;
type ValuesOf<N extends keyof Builtins> = KeyInput<Builtins[N]['segments']>;

/** Makes a lock on a key of one of Stalwart's namespaces. */
export type StalwartLockFactory = <N extends 'KV_LOCK_QUEUE_MESSAGE' | 'KV_LOCK_TASK' | 'KV_LOCK_DAV'>(
  name: N,
  values: ValuesOf<N>,
  options: LockOptions | undefined,
) => Lock;

/**
 * Typed locks on Stalwart's lock namespaces (KV_LOCK_QUEUE_MESSAGE, KV_LOCK_TASK, KV_LOCK_DAV):
 * the keys are the ones Stalwart builds for the same message, task or collection, so every
 * coordis service locks the same thing under the same key. The value is coordis' lock format
 * (a hash of leases and the fence), not Stalwart's own (an expiry timestamp): coordis and
 * Stalwart processes do not exclude each other on these keys.
 */
export class StalwartLocks {
  readonly #make: StalwartLockFactory;

  /** @internal Reached as `locks.stalwart`. */
  constructor(make: StalwartLockFactory) {
    this.#make = make;
  }

  /** A lock on a queued message (KV_LOCK_QUEUE_MESSAGE): `{ queueId, queueName }` (8 bytes). */
  queueMessage(values: ValuesOf<'KV_LOCK_QUEUE_MESSAGE'>, options?: LockOptions): Lock {
    return this.#make('KV_LOCK_QUEUE_MESSAGE', values, options);
  }

  /** A lock on a background task (KV_LOCK_TASK): `{ taskId }`. */
  task(values: ValuesOf<'KV_LOCK_TASK'>, options?: LockOptions): Lock {
    return this.#make('KV_LOCK_TASK', values, options);
  }

  /** A lock on a WebDAV collection (KV_LOCK_DAV): `{ accountId, collection }`. */
  dav(values: ValuesOf<'KV_LOCK_DAV'>, options?: LockOptions): Lock {
    return this.#make('KV_LOCK_DAV', values, options);
  }
}
