import { randomUUID } from 'node:crypto';
import { type DurableOptions, isDurabilityError, type ScriptClient } from '@coordis/client';
import type { RedisKey } from 'ioredis';
import { isRetryable, mayHaveApplied } from './attempt-errors.js';
import { DEFAULTS } from './defaults.js';
import { LockAbortedError, LockLostError, LockReplicationError, LockTimeoutError } from './errors.js';
import { Lease } from './lease.js';
import { LeaseKeeper } from './lease-keeper.js';
import { acquireLease, acquireLeaseDurably, type LeaseTarget, releaseLease } from './lease-scripts.js';
import { type AcquireOptions, checkTtlMs, checkWaitMs, type ResolvedLockOptions } from './options.js';
import { type ChannelWatch, type ReleaseNotifier, releaseChannel } from './release-notifier.js';
import { retryDelayMs } from './retry-delay.js';

/** What a lock needs from the `Locks` that made it. */
export interface LockContext {
  readonly client: ScriptClient;
  readonly notifier: ReleaseNotifier;
}

/** The function `using()` runs while it holds the lease. */
export type GuardedFunction<T> = (signal: AbortSignal, lease: Lease) => T | Promise<T>;

/** Settles with the attempt, or rejects at once when `signal` fires; a lease granted after that is released. */
function unlessAborted<T>(attempt: Promise<T>, signal: AbortSignal, onAbort: () => Error, late: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      reject(onAbort());
      attempt.then(late, () => {});
    };
    signal.addEventListener('abort', abort, { once: true });
    attempt.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}

/**
 * A key that grants up to `limit` leases at once: the engine of Lock (limit 1) and Semaphore.
 * Waiting is driven by release notifications, with a jittered fallback poll.
 */
export abstract class LeasedKey {
  /** The Redis key holding the leases and the fence. */
  readonly key: RedisKey;
  /** How error messages name this lock. */
  readonly label: string;
  /** Leases granted at once. */
  readonly limit: number;
  /** The options in force, defaults filled in. */
  readonly options: ResolvedLockOptions;
  readonly #target: LeaseTarget;
  readonly #notifier: ReleaseNotifier;
  /** The release channel, made when a waiter first needs it. */
  #channel: Buffer | undefined;

  protected constructor(context: LockContext, key: RedisKey, label: string, limit: number, options: ResolvedLockOptions) {
    this.key = key;
    this.label = label;
    this.limit = limit;
    this.options = options;
    this.#notifier = context.notifier;
    this.#target = { client: context.client, key, label };
  }

  /**
   * One attempt, no waiting: the lease, or `undefined` when the lock is taken. Connection
   * failures reject (with the client's error).
   */
  async tryAcquire(options: Pick<AcquireOptions, 'ttlMs'> = {}): Promise<Lease | undefined> {
    const ttlMs = options.ttlMs === undefined ? this.options.ttlMs : checkTtlMs('ttlMs', options.ttlMs);
    const owner = randomUUID();
    try {
      const got = await this.#attempt(owner, ttlMs);
      return typeof got === 'number' ? undefined : got;
    } catch (e) {
      if (mayHaveApplied(e)) this.#abandon(owner);
      throw e;
    }
  }

  /**
   * Acquires a lease, waiting up to `waitMs` for it; a release wakes the waiter at once.
   * Rejects with LockTimeoutError when the wait ends, LockAbortedError (carrying the signal's
   * reason) as soon as `signal` fires, LockReplicationError when `durable` replicas did not
   * acknowledge. Attempts cut short by a failed connection are repeated within the wait, with
   * the same owner id, so an attempt that did apply is found again, not leaked.
   */
  acquire(options: AcquireOptions = {}): Promise<Lease> {
    let waitMs: number;
    let ttlMs: number;
    try {
      waitMs = options.waitMs === undefined ? this.options.waitMs : checkWaitMs('waitMs', options.waitMs);
      ttlMs = options.ttlMs === undefined ? this.options.ttlMs : checkTtlMs('ttlMs', options.ttlMs);
    } catch (e) {
      return Promise.reject(e);
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new LockAbortedError(this.label, signal.reason));
    const owner = randomUUID();
    const deadline = performance.now() + waitMs;
    if (signal) return this.#wait(owner, ttlMs, waitMs, deadline, signal, undefined);
    // A free lock, the common case: one script and no waiting machinery.
    return this.#grant(owner, ttlMs).then(
      (got) => (typeof got === 'number' ? this.#wait(owner, ttlMs, waitMs, deadline, undefined, { untilExpiryMs: got }) : got),
      (error: unknown) => this.#wait(owner, ttlMs, waitMs, deadline, undefined, { error }),
    );
  }

  /** The waiting loop; `first` is the outcome of an attempt already made. */
  async #wait(
    owner: string,
    ttlMs: number,
    waitMs: number,
    deadline: number,
    signal: AbortSignal | undefined,
    first: { readonly untilExpiryMs: number } | { readonly error: unknown } | undefined,
  ): Promise<Lease> {
    let watch: ChannelWatch | undefined;
    let lastError: unknown;
    let uncertain = false;
    let lease: Lease | undefined;
    let outcome = first;
    try {
      for (;;) {
        if (signal?.aborted) throw new LockAbortedError(this.label, signal.reason);
        const seq = watch?.seq;
        let untilExpiryMs: number = this.options.fallbackPollMs;
        if (!outcome) {
          try {
            const got = await this.#attempt(owner, ttlMs, signal);
            if (typeof got !== 'number') {
              lease = got;
              return got;
            }
            outcome = { untilExpiryMs: got };
          } catch (error) {
            outcome = { error };
          }
        }
        if ('error' in outcome) {
          const e = outcome.error;
          if (mayHaveApplied(e)) uncertain = true;
          if (!isRetryable(e)) throw e;
          lastError = e;
        } else {
          untilExpiryMs = outcome.untilExpiryMs;
        }
        outcome = undefined;
        if (signal?.aborted) throw new LockAbortedError(this.label, signal.reason);
        const left = deadline - performance.now();
        if (left <= 0) throw new LockTimeoutError(this.label, waitMs, lastError === undefined ? undefined : { cause: lastError });
        if (!watch) {
          // Subscribe, then try again at once: a release between the attempt and the
          // subscription would otherwise go unheard.
          watch = this.#notifier.watch(this.#releaseChannel());
          await watch.subscribed(Math.min(left, this.options.fallbackPollMs), signal);
          continue;
        }
        // A release heard while the attempt was in flight: the attempt may have lost to it.
        if (watch.seq !== seq) continue;
        await watch.next(Math.min(left, retryDelayMs(untilExpiryMs, this.options.fallbackPollMs, DEFAULTS.expiryJitterMs)), signal);
      }
    } finally {
      watch?.close();
      if (!lease && uncertain) this.#abandon(owner);
    }
  }

  /**
   * Runs `fn` holding a lease: acquires (as `acquire(options)`), renews every `renewEveryMs`
   * while `fn` runs, and releases when `fn` settles, also when it throws. `fn` gets an
   * AbortSignal that fires with a LockLostError if the lease is lost (or with the caller's
   * reason when `options.signal` fires). Resolves with `fn`'s value; rejects with `fn`'s error,
   * or with LockLostError when the lease was lost before `fn` finished.
   */
  async using<T>(fn: GuardedFunction<T>, options: AcquireOptions = {}): Promise<T> {
    const lease = await this.acquire(options);
    // A shorter lease for this call renews at a third of its own length.
    const renewEveryMs =
      options.ttlMs === undefined
        ? this.options.renewEveryMs
        : Math.min(this.options.renewEveryMs, Math.max(1, Math.floor(lease.ttlMs * DEFAULTS.renewFraction)));
    const keeper = new LeaseKeeper(lease, renewEveryMs, options.signal);
    let value: T;
    try {
      value = await fn(keeper.signal, lease);
    } catch (e) {
      keeper.stop();
      // fn's error is what the caller needs; should the release fail too, the lease ends at its TTL.
      await lease.release().catch(() => undefined);
      throw e;
    }
    const heldThroughout = keeper.lost === undefined && lease.remainingMs() > 0;
    keeper.stop();
    if (!heldThroughout) {
      await lease.release().catch(() => undefined);
      throw keeper.lost ?? new LockLostError(this.label, 'expired', lease.token);
    }
    // Held until fn finished, by this process's conservative clock. If the release fails (the
    // connection dropped), the lease ends at its TTL; fn's value stands.
    const released = await lease.release().catch(() => undefined);
    if (released && !released.released) throw new LockLostError(this.label, released.reason, lease.token);
    return value;
  }

  /** One attempt: a lease, or ms until the first live lease runs out. */
  #attempt(owner: string, ttlMs: number, signal?: AbortSignal): Promise<Lease | number> {
    const attempt = this.#grant(owner, ttlMs);
    if (!signal) return attempt;
    return unlessAborted(
      attempt,
      signal,
      () => new LockAbortedError(this.label, signal.reason),
      (late) => {
        if (typeof late !== 'number') this.#abandon(owner);
      },
    );
  }

  #grant(owner: string, ttlMs: number): Promise<Lease | number> {
    if (this.options.durable) return this.#grantDurably(owner, ttlMs, this.options.durable);
    const sentAt = performance.now();
    const retention = this.options.fenceRetentionMs;
    return acquireLease(
      this.#target,
      owner,
      ttlMs,
      this.limit,
      retention,
      (reply): Lease | number => (reply.acquired ? new Lease(this.#target, retention, owner, reply.token, ttlMs, sentAt) : reply.waitMs),
      (e) => this.#replicationFailed(owner, e),
    );
  }

  /** A CoordisClient with durable writes of its own: the script ran, the replicas did not confirm. */
  async #replicationFailed(owner: string, e: unknown): Promise<never> {
    if (!isDurabilityError(e)) throw e;
    await releaseLease(this.#target, owner).catch(() => undefined);
    throw new LockReplicationError(this.label, e.wanted, e.acknowledged, undefined, { cause: e });
  }

  async #grantDurably(owner: string, ttlMs: number, durable: DurableOptions): Promise<Lease | number> {
    const sentAt = performance.now();
    const retention = this.options.fenceRetentionMs;
    const { reply, acknowledged } = await acquireLeaseDurably(
      this.#target,
      owner,
      ttlMs,
      this.limit,
      retention,
      durable.replicas,
      durable.timeoutMs,
    );
    if (!reply.acquired) return reply.waitMs;
    if (acknowledged < durable.replicas) {
      await releaseLease(this.#target, owner).catch(() => undefined);
      throw new LockReplicationError(this.label, durable.replicas, acknowledged, durable.timeoutMs);
    }
    return new Lease(this.#target, retention, owner, reply.token, ttlMs, sentAt);
  }

  #releaseChannel(): Buffer {
    // ioredis adds its keyPrefix to KEYS but not to channels; release.lua publishes on the key it sees.
    this.#channel ??= releaseChannel(this.key, (this.#target.client.options as { keyPrefix?: string }).keyPrefix);
    return this.#channel;
  }

  /** Releases whatever lease `owner` may hold, without waiting: an attempt whose outcome is unknown. */
  #abandon(owner: string): void {
    // If this fails too, the lease (if it exists at all) ends at its TTL.
    releaseLease(this.#target, owner).catch(() => undefined);
  }
}
