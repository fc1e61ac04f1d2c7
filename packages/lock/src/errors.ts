import { CoordisError, hasCode } from '@coordis/client';

// Messages name the lock by its label (a lock's name, or the namespace of its key), never by a
// key's content: keys can carry message ids, addresses or tokens, and messages end up in logs.

/** Why a lease is no longer held: it ran out, or the lock holds no lease of this owner at all. */
export type LeaseLossReason = 'expired' | 'not-owner';

/** `acquire()` waited `waitMs` and the lock stayed taken. */
export class LockTimeoutError extends CoordisError {
  /** The lock, as its label names it. */
  readonly lock: string;
  /** How long the caller waited (ms). */
  readonly waitMs: number;

  constructor(lock: string, waitMs: number, options?: { cause?: unknown }) {
    super(
      'COORDIS_LOCK_TIMEOUT',
      `${lock}: not acquired within ${waitMs} ms, another holder kept it. Raise waitMs, or call tryAcquire() to skip work another process is already doing.`,
      options,
    );
    this.lock = lock;
    this.waitMs = waitMs;
  }
}

/** The caller's AbortSignal fired while `acquire()` waited; the lock was not acquired. */
export class LockAbortedError extends CoordisError {
  readonly lock: string;
  /** The signal's reason, as given to `controller.abort(reason)` (also the `cause`). */
  readonly reason: unknown;

  constructor(lock: string, reason: unknown) {
    super('COORDIS_LOCK_ABORTED', `${lock}: acquire was aborted by its signal and the lock was not acquired; see reason.`, {
      cause: reason,
    });
    this.lock = lock;
    this.reason = reason;
  }
}

/**
 * A lease was lost after it was acquired: it ran out before it was renewed, or the lock no
 * longer records it (cleared after it ran out, or lost with the data in a failover). Another
 * holder may have had the lock since; only writes checked against the fencing token are safe.
 */
export class LockLostError extends CoordisError {
  readonly lock: string;
  readonly reason: LeaseLossReason;
  /** The lost lease's fencing token. */
  readonly token: number;

  constructor(lock: string, reason: LeaseLossReason, token: number, options?: { cause?: unknown }) {
    const why =
      reason === 'expired'
        ? 'its lease ran out before it was renewed (a stalled process, a slow or unreachable Redis)'
        : 'the lock no longer records this lease (it ran out and another holder cleared it, or the data was lost in a failover)';
    super(
      'COORDIS_LOCK_LOST',
      `${lock}: the lock was lost after it was acquired: ${why}. Another holder may have had it since; guard writes with the fencing token, and raise ttlMs or renew more often.`,
      options,
    );
    this.lock = lock;
    this.reason = reason;
    this.token = token;
  }
}

/** A lease was granted on the primary but fewer replicas than asked acknowledged it (WAIT); it was released. */
export class LockReplicationError extends CoordisError {
  readonly lock: string;
  /** Replicas the options asked for. */
  readonly replicas: number;
  /** Replicas that acknowledged in time. */
  readonly acknowledged: number;

  constructor(lock: string, replicas: number, acknowledged: number, timeoutMs: number | undefined, options?: { cause?: unknown }) {
    const within = timeoutMs === undefined ? 'in time' : `within ${timeoutMs} ms`;
    super(
      'COORDIS_LOCK_NOT_REPLICATED',
      `${lock}: the lease was granted on the primary but only ${acknowledged} of the ${replicas} replicas asked for acknowledged it ${within}, so it was released rather than trusted. Check replication (INFO replication), lower durable.replicas, or raise durable.timeoutMs.`,
      options,
    );
    this.lock = lock;
    this.replicas = replicas;
    this.acknowledged = acknowledged;
  }
}

/** Options that describe no lock: a TTL, wait, limit or interval out of range. */
export class LockOptionsError extends CoordisError {
  /** The option at fault, e.g. `ttlMs`. */
  readonly option: string;

  constructor(option: string, problem: string, fix: string) {
    super('COORDIS_LOCK_OPTIONS', `lock option ${option}: ${problem}; ${fix}.`);
    this.option = option;
  }
}

/** True for LockTimeoutError, also from another copy of the package. */
export function isLockTimeoutError(e: unknown): e is LockTimeoutError {
  return hasCode(e, 'COORDIS_LOCK_TIMEOUT');
}

/** True for LockAbortedError, also from another copy of the package. */
export function isLockAbortedError(e: unknown): e is LockAbortedError {
  return hasCode(e, 'COORDIS_LOCK_ABORTED');
}

/** True for LockLostError, also from another copy of the package. */
export function isLockLostError(e: unknown): e is LockLostError {
  return hasCode(e, 'COORDIS_LOCK_LOST');
}

/** True for LockReplicationError, also from another copy of the package. */
export function isLockReplicationError(e: unknown): e is LockReplicationError {
  return hasCode(e, 'COORDIS_LOCK_NOT_REPLICATED');
}

/** True for LockOptionsError, also from another copy of the package. */
export function isLockOptionsError(e: unknown): e is LockOptionsError {
  return hasCode(e, 'COORDIS_LOCK_OPTIONS');
}

/**
 * The lock's key holds something other than a coordis lock (another program's value, or a lock
 * in another format such as Stalwart's own), so coordis will not overwrite it.
 */
export class LockKeyTypeError extends CoordisError {
  readonly lock: string;

  constructor(lock: string, cause: unknown) {
    super(
      'COORDIS_LOCK_WRONG_TYPE',
      `${lock}: the key holds a value that is not a coordis lock (WRONGTYPE), so it was left alone. Use a key no other program writes; locks in Stalwart's own format are not interchangeable with coordis locks.`,
      { cause },
    );
    this.lock = lock;
  }
}

/** True for LockKeyTypeError, also from another copy of the package. */
export function isLockKeyTypeError(e: unknown): e is LockKeyTypeError {
  return hasCode(e, 'COORDIS_LOCK_WRONG_TYPE');
}

/** A script answered in a shape this version does not know: processes sharing locks run different versions. */
export class LockReplyError extends CoordisError {
  constructor(script: string, reply: unknown) {
    super(
      'COORDIS_LOCK_REPLY',
      `${script} answered ${JSON.stringify(reply)?.slice(0, 80)}, which this version of @coordis/lock does not understand; make every process that shares these locks run the same version.`,
    );
  }
}
