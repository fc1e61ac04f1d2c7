import { LuaScript, readLua } from '@coordis/client';
import { LockAbortedError, LockTimeoutError } from '@coordis/lock';
import { DEFAULTS } from './defaults.js';
import { StalwartArgumentError, StalwartValueError } from './errors.js';
import { stalwartKeys } from './stalwart-keys.js';
import { clientFor, type StalwartStore } from './stalwart-shards.js';

const release = new LuaScript('stalwart_release_lock', readLua(import.meta.url, 'release-stalwart-lock'), ['lock'], ['value']);

/** Options of a Stalwart-format lock; `stalwartLocks()` takes them as defaults. */
export interface StalwartLockOptions {
  /**
   * The lock's lifetime in whole seconds. Stalwart never renews its locks: a holder that runs
   * longer loses it silently.
   * @default 3600 for tasks, 600 for queued messages (Stalwart's own)
   */
  readonly ttlS?: number;
  /** How long `acquire()` waits. @default 10_000 */
  readonly waitMs?: number;
  /** How often a waiter looks again (Stalwart's DEL announces nothing). @default 250 */
  readonly pollMs?: number;
  /** The clock the lock's value (its expiry, Unix s) is written from, ms. @default Date.now */
  readonly now?: () => number;
}

/** Per call of `acquire()` / `using()`. */
export interface StalwartAcquireOptions {
  readonly waitMs?: number;
  /** Stops waiting at once (LockAbortedError with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** What `release()` answers. */
export type StalwartReleaseResult = { readonly released: true } | { readonly released: false; readonly reason: 'expired' | 'not-owner' };

/** Who holds a lock, as its key says. */
export interface StalwartLockHolder {
  /** The expiry the holder wrote (Unix s, by its clock). */
  readonly expiresAtS: number;
  /** The key's TTL as the server counts it, ms. */
  readonly ttlMs: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** A held Stalwart-format lock. It is never renewed; it ends at `release()` or when its TTL runs out. */
export class StalwartLease {
  /** The value written: the expiry, Unix seconds, as decimal text. */
  readonly value: string;
  readonly #lock: StalwartLock;
  readonly #deadlineMs: number;

  /** @internal Made by `tryAcquire()` / `acquire()`. */
  constructor(lock: StalwartLock, value: string, sentAtMs: number) {
    this.#lock = lock;
    this.value = value;
    this.#deadlineMs = sentAtMs + lock.ttlS * 1000;
  }

  /** The lock this lease holds. */
  get lock(): StalwartLock {
    return this.#lock;
  }

  /** The expiry written into the key, Unix seconds. */
  get expiresAtS(): number {
    return Number(this.value);
  }

  /** How long the lease is held at least, by this process's clock, counted from when the SET was sent. */
  remainingMs(): number {
    return Math.max(0, this.#deadlineMs - Date.now());
  }

  /**
   * Deletes the key if it still holds this lease's value. `expired`: the key is gone (its TTL
   * ran out, or something deleted it); `not-owner`: someone else holds the lock now.
   */
  async release(): Promise<StalwartReleaseResult> {
    const key = this.#lock.key;
    const r = Number(await release.run(clientFor(this.#lock.store, key), { lock: key }, { value: this.value }));
    if (r === 1) return { released: true };
    return { released: false, reason: r === 0 ? 'expired' : 'not-owner' };
  }

  /** `await using lease = await lock.acquire()` releases at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}

/**
 * A lock in Stalwart's own format on one of its lock keys: `SET key <now_s + ttl> NX EX ttl`,
 * exactly as a Stalwart node takes it, so Stalwart and this process exclude each other. **No
 * fencing**: the value is only an expiry, nothing grows with each grant, and a holder that
 * outlives its TTL (a pause, a slow task) is not told. Use it to stay out of Stalwart's way, not
 * to protect a resource that must never see two writers.
 */
export class StalwartLock {
  readonly key: Buffer;
  /** The lock, named for messages: `task 7`, `queue message 42 (default)`. */
  readonly label: string;
  readonly ttlS: number;
  readonly store: StalwartStore;
  readonly #waitMs: number;
  readonly #pollMs: number;
  readonly #now: () => number;

  /** @internal Made by {@link StalwartLocks}. */
  constructor(store: StalwartStore, key: Buffer, label: string, ttlS: number, options: StalwartLockOptions) {
    if (!Number.isSafeInteger(ttlS) || ttlS < 1) {
      throw new StalwartArgumentError('ttlS', 'must be a whole number of seconds, at least 1', 'Stalwart sets lock TTLs in seconds (EX)');
    }
    this.store = store;
    this.key = key;
    this.label = label;
    this.ttlS = ttlS;
    this.#waitMs = options.waitMs ?? DEFAULTS.lockWaitMs;
    this.#pollMs = options.pollMs ?? DEFAULTS.lockPollMs;
    this.#now = options.now ?? Date.now;
  }

  /** One attempt: the lease, or `undefined` when someone (a Stalwart node) holds the lock. */
  async tryAcquire(): Promise<StalwartLease | undefined> {
    const sentAtMs = Date.now();
    const value = String(Math.floor(this.#now() / 1000) + this.ttlS);
    // Argument for argument what Stalwart sends (crates/store/src/backend/redis/lookup.rs, try_lock_).
    const reply = await clientFor(this.store, this.key).call('SET', this.key, value, 'NX', 'EX', this.ttlS);
    return reply === 'OK' ? new StalwartLease(this, value, sentAtMs) : undefined;
  }

  /** The current holder, or `undefined` when the lock is free. */
  async holder(): Promise<StalwartLockHolder | undefined> {
    const client = clientFor(this.store, this.key);
    const [value, ttl] = await Promise.all([client.get(this.key), client.pttl(this.key)]);
    if (value === null) return undefined;
    if (!/^\d+$/.test(value)) throw new StalwartValueError(`the ${this.label} lock`, 'Stalwart writes its expiry in Unix seconds');
    return { expiresAtS: Number(value), ttlMs: Math.max(0, ttl) };
  }

  /**
   * Waits until the lock is free and takes it: looks again every `pollMs` and when the holder's
   * TTL runs out. Rejects with LockTimeoutError after `waitMs`, LockAbortedError when `signal` fires.
   */
  async acquire(options: StalwartAcquireOptions = {}): Promise<StalwartLease> {
    const waitMs = options.waitMs ?? this.#waitMs;
    const signal = options.signal;
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (signal?.aborted) throw new LockAbortedError(this.label, signal.reason);
      const lease = await this.tryAcquire();
      if (lease) {
        // A grant that lands after the caller gave up is handed back at once.
        if (signal?.aborted) {
          await lease.release();
          throw new LockAbortedError(this.label, signal.reason);
        }
        return lease;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new LockTimeoutError(this.label, waitMs);
      const ttl = await clientFor(this.store, this.key).pttl(this.key);
      // Jitter keeps waiters of one lock from polling in step.
      const poll = this.#pollMs * (0.5 + Math.random() / 2);
      await sleep(Math.min(left, poll, ttl > 0 ? ttl + 5 : poll), signal);
    }
  }

  /** Acquires, runs `fn`, and releases when it settles. The lease is not renewed: keep `fn` within `ttlS`. */
  async using<T>(fn: (lease: StalwartLease) => Promise<T> | T, options: StalwartAcquireOptions = {}): Promise<T> {
    const lease = await this.acquire(options);
    try {
      return await fn(lease);
    } finally {
      await lease.release();
    }
  }
}

/**
 * Stalwart's task and queued-message locks in Stalwart's own format, so a Node worker never runs
 * a task or delivers a message a Stalwart node holds, and the other way round. Made by
 * {@link stalwartLocks}.
 */
export class StalwartLocks {
  readonly store: StalwartStore;
  readonly #options: StalwartLockOptions;

  /** @internal Use {@link stalwartLocks}. */
  constructor(store: StalwartStore, options: StalwartLockOptions = {}) {
    this.store = store;
    this.#options = options;
  }

  /** The lock a Stalwart node takes before running background task `taskId` (KV_LOCK_TASK, 1 h). */
  task(taskId: bigint, options: StalwartLockOptions = {}): StalwartLock {
    const o = { ...this.#options, ...options };
    return new StalwartLock(this.store, stalwartKeys.taskLock({ taskId }), `task ${taskId}`, o.ttlS ?? DEFAULTS.taskLockTtlS, o);
  }

  /** The lock a Stalwart node takes before delivering a queued message (KV_LOCK_QUEUE_MESSAGE, 10 min). */
  queueMessage(input: { readonly queueId: bigint; readonly queueName: string }, options: StalwartLockOptions = {}): StalwartLock {
    const o = { ...this.#options, ...options };
    const key = stalwartKeys.queueMessageLock(input);
    return new StalwartLock(this.store, key, `queue message ${input.queueId}`, o.ttlS ?? DEFAULTS.queueLockTtlS, o);
  }
}

/** Stalwart-format locks in `store` (one Redis, a Cluster, or Stalwart's shards). */
export function stalwartLocks(store: StalwartStore, options?: StalwartLockOptions): StalwartLocks {
  return new StalwartLocks(store, options);
}
