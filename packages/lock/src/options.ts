import type { DurableOptions } from '@coordis/client';
import { DEFAULTS } from './defaults.js';
import { LockOptionsError } from './errors.js';

/** How a lock (or semaphore) behaves; every field has a default. */
export interface LockOptions {
  /** How long a lease lasts unless renewed (ms). @default 30_000 */
  readonly ttlMs?: number;
  /** How long `acquire()` waits when the call does not say (ms); `Infinity` waits until aborted. @default 10_000 */
  readonly waitMs?: number;
  /** How often `using()` renews the lease (ms); below `ttlMs`. @default a third of ttlMs */
  readonly renewEveryMs?: number;
  /** The longest a waiter sleeps without hearing of a release before it tries again (ms), jittered. @default 500 */
  readonly fallbackPollMs?: number;
  /** How long the lock's key, and with it the fence counter, outlives the last lease (ms). @default 600_000 */
  readonly fenceRetentionMs?: number;
  /**
   * Count a lease as acquired only once this many replicas acknowledged it (WAIT), so a failover
   * cannot hand the lock to a second holder while the first still believes it holds it.
   * Fewer acknowledgements reject `acquire()` with LockReplicationError. @default off
   */
  readonly durable?: DurableOptions;
}

/** Options of one `acquire()`, `tryAcquire()` or `using()` call. */
export interface AcquireOptions {
  /** How long to wait for the lock (ms); 0 tries once. @default the lock's waitMs */
  readonly waitMs?: number;
  /** Aborting it rejects a waiting `acquire()` at once with LockAbortedError. */
  readonly signal?: AbortSignal;
  /** This lease's length (ms). @default the lock's ttlMs */
  readonly ttlMs?: number;
}

/** LockOptions with every default filled in. */
export interface ResolvedLockOptions {
  readonly ttlMs: number;
  readonly waitMs: number;
  readonly renewEveryMs: number;
  readonly fallbackPollMs: number;
  readonly fenceRetentionMs: number;
  readonly durable: DurableOptions | undefined;
}

// PEXPIRE and timers take 32-bit milliseconds comfortably; past ~24 days a lease is a config error.
const MAX_MS = 2_147_483_647;

function wholeMs(option: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > MAX_MS) {
    throw new LockOptionsError(
      option,
      `expected a whole number of milliseconds from ${min} to ${MAX_MS}, got ${value}`,
      'pass e.g. 30_000',
    );
  }
  return value;
}

/** Checks a TTL (ms): a whole number, at least 1. */
export function checkTtlMs(option: string, value: number): number {
  return wholeMs(option, value, 1);
}

/** Checks a wait (ms): a whole number from 0, or Infinity. */
export function checkWaitMs(option: string, value: number): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  return wholeMs(option, value, 0);
}

/** Checks a semaphore's limit: how many leases it grants at once. */
export function checkLimit(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 1_000_000) {
    throw new LockOptionsError('limit', `expected a whole number of holders from 1 to 1000000, got ${value}`, 'pass e.g. 4');
  }
  return value;
}

/**
 * Merges option layers (the Locks' defaults, then a lock's own) over DEFAULTS and checks the
 * result once. A layer that sets `ttlMs` without `renewEveryMs` gets a renewal period derived
 * from its TTL, not one inherited from a layer with another TTL.
 */
export function resolveLockOptions(...layers: readonly (LockOptions | undefined)[]): ResolvedLockOptions {
  let ttlMs: number = DEFAULTS.ttlMs;
  let renewEveryMs: number | undefined;
  let waitMs: number = DEFAULTS.waitMs;
  let fallbackPollMs: number = DEFAULTS.fallbackPollMs;
  let fenceRetentionMs: number = DEFAULTS.fenceRetentionMs;
  let durable: DurableOptions | undefined;
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.ttlMs !== undefined) {
      ttlMs = checkTtlMs('ttlMs', layer.ttlMs);
      renewEveryMs = undefined;
    }
    if (layer.renewEveryMs !== undefined) renewEveryMs = wholeMs('renewEveryMs', layer.renewEveryMs, 1);
    if (layer.waitMs !== undefined) waitMs = checkWaitMs('waitMs', layer.waitMs);
    if (layer.fallbackPollMs !== undefined) fallbackPollMs = wholeMs('fallbackPollMs', layer.fallbackPollMs, 1);
    if (layer.fenceRetentionMs !== undefined) fenceRetentionMs = wholeMs('fenceRetentionMs', layer.fenceRetentionMs, 0);
    if (layer.durable !== undefined) durable = checkDurable(layer.durable);
  }
  const renew = renewEveryMs ?? Math.max(1, Math.floor(ttlMs * DEFAULTS.renewFraction));
  if (renew >= ttlMs) {
    throw new LockOptionsError(
      'renewEveryMs',
      `renewing every ${renew} ms cannot keep a ${ttlMs} ms lease alive`,
      'renew well within the TTL (a third of it by default)',
    );
  }
  return { ttlMs, waitMs, renewEveryMs: renew, fallbackPollMs, fenceRetentionMs, durable };
}

function checkDurable(durable: DurableOptions): DurableOptions {
  if (typeof durable !== 'object' || durable === null) {
    throw new LockOptionsError('durable', 'expected { replicas, timeoutMs }', 'pass e.g. { replicas: 1, timeoutMs: 100 }');
  }
  if (!Number.isInteger(durable.replicas) || durable.replicas < 1) {
    throw new LockOptionsError(
      'durable.replicas',
      `expected a whole number of replicas, at least 1, got ${durable.replicas}`,
      'pass e.g. 1',
    );
  }
  // WAIT 0 blocks forever; a lock acquisition must not.
  wholeMs('durable.timeoutMs', durable.timeoutMs, 1);
  return { replicas: durable.replicas, timeoutMs: durable.timeoutMs };
}
