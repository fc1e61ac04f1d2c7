import type { RedisKey } from 'ioredis';
import type { LeaseLossReason } from './errors.js';
import { extendLease, LeaseCode, type LeaseTarget, releaseLease } from './lease-scripts.js';
import { checkTtlMs } from './options.js';

/** What `release()` found: released, or why the lease was no longer there to release. */
export type ReleaseResult = { readonly released: true } | { readonly released: false; readonly reason: LeaseLossReason };

/** What `extend()` found: extended, or why the lease could not be. */
export type ExtendResult =
  | { readonly extended: true; readonly ttlMs: number }
  | { readonly extended: false; readonly reason: LeaseLossReason };

const RELEASED: ReleaseResult = Object.freeze({ released: true });

function lossReason(code: LeaseCode.Expired | LeaseCode.NotOwner): LeaseLossReason {
  return code === LeaseCode.Expired ? 'expired' : 'not-owner';
}

/**
 * A held lease on a lock or semaphore: its owner id and fencing token. Pass the token along
 * with every write the lease guards, and have the resource refuse tokens lower than the
 * highest it has seen: that, not the lease alone, keeps a stalled or partitioned holder
 * from overwriting the next one's work.
 *
 * `await using lease = await lock.acquire()` releases it when the block ends.
 */
export class Lease {
  /** The lease's id in the lock; unique per acquire. */
  readonly ownerId: string;
  /** The fencing token: higher than every token this lock issued before (a safe integer). */
  readonly token: number;
  /** The lease's length as acquired (ms); `extend()` renews to it by default. */
  readonly ttlMs: number;
  /** The lock, as error messages name it. */
  readonly lock: string;
  readonly #target: LeaseTarget;
  readonly #retentionMs: number;
  /** performance.now() past which the lease may have run out: measured from when the request was sent, so never late. */
  #validUntil: number;
  #ended = false;

  /** @internal Leases come from `acquire()`, `tryAcquire()` and `using()`. */
  constructor(target: LeaseTarget, retentionMs: number, ownerId: string, token: number, ttlMs: number, requestedAt: number) {
    this.#target = target;
    this.#retentionMs = retentionMs;
    this.ownerId = ownerId;
    this.token = token;
    this.ttlMs = ttlMs;
    this.lock = target.label;
    this.#validUntil = requestedAt + ttlMs;
  }

  /** The lock's key. */
  get key(): RedisKey {
    return this.#target.key;
  }

  /**
   * How long the lease is still held at least (ms), by this process's clock, counted from when
   * the last acquire or extend was sent; 0 once released or found lost.
   */
  remainingMs(): number {
    return this.#ended ? 0 : Math.max(0, this.#validUntil - performance.now());
  }

  /**
   * Sets the lease to end `ttlMs` from now (server time), keeping its token. A lease that has
   * already run out is not revived: the result says `expired` (or `not-owner` when the lock no
   * longer records it), since another holder may have had the lock in between.
   */
  async extend(ttlMs: number = this.ttlMs): Promise<ExtendResult> {
    checkTtlMs('ttlMs', ttlMs);
    const sentAt = performance.now();
    const code = await extendLease(this.#target, this.ownerId, ttlMs, this.#retentionMs);
    if (code === LeaseCode.Done) {
      if (!this.#ended) this.#validUntil = sentAt + ttlMs;
      return { extended: true, ttlMs };
    }
    this.#ended = true;
    return { extended: false, reason: lossReason(code) };
  }

  /**
   * Ends the lease and wakes the next waiter. A lease that had already run out resolves with
   * `{ released: false, reason: 'expired' }` (or `'not-owner'`), never with an exception:
   * only a failed connection rejects.
   */
  release(): Promise<ReleaseResult> {
    return releaseLease(this.#target, this.ownerId, (code): ReleaseResult => {
      this.#ended = true;
      return code === LeaseCode.Done ? RELEASED : { released: false, reason: lossReason(code) };
    });
  }

  /** Releases the lease at the end of an `await using` block. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#ended) await this.release();
  }
}
