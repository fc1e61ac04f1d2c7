import type { ScriptClient } from '@coordis/client';
import { type AnySegment, createKeyspace, type KeyInput, type KeyMode, type Keyspace, type Namespace } from '@coordis/keyspace';
import type { RedisKey } from 'ioredis';
import { DEFAULTS } from './defaults.js';
import { LockOptionsError } from './errors.js';
import type { LockContext } from './leased-key.js';
import { Lock } from './lock.js';
import { defineLockNamespaces } from './lock-namespaces.js';
import { checkLimit, type LockOptions, type ResolvedLockOptions, resolveLockOptions } from './options.js';
import { ReleaseNotifier } from './release-notifier.js';
import { Semaphore } from './semaphore.js';
import { StalwartLocks } from './stalwart-locks.js';

/** Options of `createLocks`: defaults for every lock it makes, and where named locks live. */
export interface LocksOptions extends LockOptions {
  /**
   * The keyspace named locks are defined in and whose Stalwart namespaces `stalwart` uses.
   * @default createKeyspace(): text keys under the application prefix 'coordis'
   */
  readonly keyspace?: Keyspace<KeyMode>;
  /** Prefix of the COORDIS_LOCK namespace (`lock('name')`). @default 144 */
  readonly lockPrefix?: number;
  /** Prefix of the COORDIS_SEMAPHORE namespace (`semaphore('name', n)`). @default 145 */
  readonly semaphorePrefix?: number;
  /** A subscriber with no waiter for this long disconnects (ms). @default 10_000 */
  readonly subscriberIdleMs?: number;
}

type AnyNamespace<S extends readonly AnySegment[]> = Namespace<string, S, KeyMode>;

function describeName(kind: string, name: string): string {
  return `${kind} ${JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name)}`;
}

/**
 * Makes locks and semaphores on one client, sharing one subscriber connection for release
 * notifications. Create it with {@link createLocks}; `close()` it when done.
 */
export class Locks {
  /** Where named locks live; `stalwart` uses its Stalwart namespaces. */
  readonly keyspace: Keyspace<KeyMode>;
  /** The defaults every lock of this Locks starts from. */
  readonly options: ResolvedLockOptions;
  /** Typed locks on Stalwart's lock namespaces (queue messages, tasks, WebDAV collections). */
  readonly stalwart: StalwartLocks;
  readonly #layer: LockOptions;
  readonly #context: LockContext;
  readonly #namespaces: ReturnType<typeof defineLockNamespaces>;

  /** @internal Use {@link createLocks}. */
  constructor(client: ScriptClient, options: LocksOptions) {
    this.options = resolveLockOptions(options);
    this.#layer = options;
    this.keyspace = options.keyspace ?? createKeyspace();
    this.#namespaces = defineLockNamespaces(
      this.keyspace,
      options.lockPrefix ?? DEFAULTS.lockPrefix,
      options.semaphorePrefix ?? DEFAULTS.semaphorePrefix,
    );
    const idle = options.subscriberIdleMs ?? DEFAULTS.subscriberIdleMs;
    if (!Number.isInteger(idle) || idle < 0) {
      throw new LockOptionsError('subscriberIdleMs', `expected a whole number of milliseconds, got ${idle}`, 'pass e.g. 10_000');
    }
    this.#context = { client, notifier: new ReleaseNotifier(client, idle) };
    this.stalwart = new StalwartLocks((name, values, opts) =>
      this.lock(this.keyspace.stalwart[name] as AnyNamespace<readonly AnySegment[]>, values, opts),
    );
  }

  /** A lock named by a string, in the COORDIS_LOCK namespace. */
  lock(name: string, options?: LockOptions): Lock;
  /** A lock on a keyspace key: `locks.lock(ks.stalwart.KV_LOCK_TASK, { taskId: 7n })`. */
  lock<S extends readonly AnySegment[]>(namespace: AnyNamespace<S>, values: KeyInput<S>, options?: LockOptions): Lock;
  lock<S extends readonly AnySegment[]>(
    target: string | AnyNamespace<S>,
    valuesOrOptions?: KeyInput<S> | LockOptions,
    options?: LockOptions,
  ): Lock {
    if (typeof target === 'string') {
      const key = this.#namespaces.lock.key({ name: target });
      return new Lock(this.#context, key, describeName('lock', target), this.#resolve(valuesOrOptions as LockOptions | undefined));
    }
    const key = target.key(valuesOrOptions as KeyInput<S>);
    return new Lock(this.#context, key, `lock on ${target.name}`, this.#resolve(options));
  }

  /** A semaphore of `limit` holders named by a string, in the COORDIS_SEMAPHORE namespace. */
  semaphore(name: string, limit: number, options?: LockOptions): Semaphore;
  /** A semaphore of `limit` holders on a keyspace key. */
  semaphore<S extends readonly AnySegment[]>(
    namespace: AnyNamespace<S>,
    values: KeyInput<S>,
    limit: number,
    options?: LockOptions,
  ): Semaphore;
  semaphore<S extends readonly AnySegment[]>(
    target: string | AnyNamespace<S>,
    a: number | KeyInput<S>,
    b?: number | LockOptions,
    c?: LockOptions,
  ): Semaphore {
    if (typeof target === 'string') {
      const key = this.#namespaces.semaphore.key({ name: target });
      return new Semaphore(
        this.#context,
        key,
        describeName('semaphore', target),
        checkLimit(a as number),
        this.#resolve(b as LockOptions | undefined),
      );
    }
    const key = target.key(a as KeyInput<S>);
    return new Semaphore(this.#context, key, `semaphore on ${target.name}`, checkLimit(b as number), this.#resolve(c));
  }

  /** A lock on a key you name yourself (an existing key scheme); it holds a coordis hash. */
  lockAtKey(key: RedisKey, options?: LockOptions): Lock {
    return new Lock(this.#context, key, 'lock at a caller-named key', this.#resolve(options));
  }

  /** A semaphore on a key you name yourself. */
  semaphoreAtKey(key: RedisKey, limit: number, options?: LockOptions): Semaphore {
    return new Semaphore(this.#context, key, 'semaphore at a caller-named key', checkLimit(limit), this.#resolve(options));
  }

  /** Disconnects the subscriber; the client stays yours to close. Waiters still waiting poll. */
  close(): void {
    this.#context.notifier.close();
  }

  #resolve(options: LockOptions | undefined): ResolvedLockOptions {
    return options ? resolveLockOptions(this.#layer, options) : this.options;
  }
}

/**
 * Locks and semaphores on `client`: any ioredis `Redis` or `Cluster`, at their best with a
 * `CoordisClient` from `@coordis/client` (it follows Sentinel failovers and says when a
 * command's outcome is unknown).
 */
export function createLocks(client: ScriptClient, options: LocksOptions = {}): Locks {
  return new Locks(client, options);
}
