import { CoordisError, hasCode } from '@coordis/client';

// Messages name limiters and options, never a key's content: keys hold IP addresses, logins
// and account ids, and these messages end up in logs.

/** A limiter or fail2ban definition that cannot work (a limit, period, burst or name out of range). */
export class RateLimitOptionsError extends CoordisError {
  /** The option that is wrong: `limit`, `periodMs`, `burst`, `name`, `deadlineMs`… */
  readonly option: string;

  constructor(limiter: string, option: string, problem: string, fix: string) {
    super('COORDIS_RATELIMIT_OPTIONS', `rate limiter ${limiter}: ${option} ${problem}; ${fix}.`);
    this.option = option;
  }
}

/** A call with an argument no check can take (a cost out of range, an empty key list). */
export class RateLimitArgumentError extends CoordisError {
  constructor(limiter: string, problem: string, fix: string) {
    super('COORDIS_RATELIMIT_ARGUMENT', `rate limiter ${limiter}: ${problem}; ${fix}.`);
  }
}

/**
 * Two limiters of one name and algorithm with different rates on one keyspace: they would
 * share keys and read each other's state with the wrong arithmetic.
 */
export class LimiterConflictError extends CoordisError {
  readonly limiter: string;

  constructor(limiter: string, existing: string, attempted: string) {
    super(
      'COORDIS_RATELIMIT_CONFLICT',
      `rate limiter ${limiter} is already defined on this keyspace as ${existing}, and cannot also be ${attempted}: both would use the same keys. Give the second limiter its own name.`,
    );
    this.limiter = limiter;
  }
}

/**
 * A multi-limiter check on a Redis Cluster whose keys live in different slots: one script
 * cannot touch them atomically. Key the limiters by one family (`{ family, id }`) so their
 * keys share a hash tag, or check them one by one.
 */
export class CrossSlotError extends CoordisError {
  /** The limiters of the check, in order. */
  readonly limiters: readonly string[];

  constructor(limiters: readonly string[]) {
    super(
      'COORDIS_RATELIMIT_CROSS_SLOT',
      `a check of limiters ${limiters.join(', ')} together needs their keys in one Redis Cluster slot, and they are not: nothing was consumed. Key them by one family ({ family: <shared identity>, id }) so they share a hash tag, or check them separately.`,
    );
    this.limiters = limiters;
  }
}

/** Redis did not answer within the deadline and the limiter's policy is `'throw'`. */
export class RateLimitUnavailableError extends CoordisError {
  constructor(limiter: string, deadlineMs: number, options?: { cause?: unknown }) {
    super(
      'COORDIS_RATELIMIT_UNAVAILABLE',
      `rate limiter ${limiter}: Redis gave no answer within ${deadlineMs} ms, and the policy is 'throw'. Nothing is replayed later; retry the request, or choose onUnavailable 'open', 'closed' or 'local'. The underlying error is in \`cause\`.`,
      options,
    );
  }
}

/** The server's reply is not what the script returns: a different script under the same name, or a proxy in between. */
export class ScriptReplyError extends CoordisError {
  constructor(script: string, problem: string) {
    super(
      'COORDIS_RATELIMIT_REPLY',
      `script ${script}: unexpected reply (${problem}). Check that nothing else registers a script under the coordis_ name and that the server is Redis 7 or newer.`,
    );
  }
}

/**
 * A fixed-window check kept landing in a window other than the one the key was built for:
 * this process's estimate of the server clock is off by more than it learns from each reply.
 */
export class WindowMismatchError extends CoordisError {
  constructor(limiter: string, attempts: number) {
    super(
      'COORDIS_RATELIMIT_WINDOW',
      `rate limiter ${limiter}: the server's window differed from this process's estimate ${attempts} times in a row, so nothing was consumed. The host clock is probably stepping; check NTP. Retrying is safe.`,
    );
  }
}

/** True for a RateLimitOptionsError (also from another copy of the package), by its code. */
export const isRateLimitOptionsError = (e: unknown): e is RateLimitOptionsError => hasCode(e, 'COORDIS_RATELIMIT_OPTIONS');
/** True for a RateLimitArgumentError, by its code. */
export const isRateLimitArgumentError = (e: unknown): e is RateLimitArgumentError => hasCode(e, 'COORDIS_RATELIMIT_ARGUMENT');
/** True for a LimiterConflictError, by its code. */
export const isLimiterConflictError = (e: unknown): e is LimiterConflictError => hasCode(e, 'COORDIS_RATELIMIT_CONFLICT');
/** True for a CrossSlotError, by its code. */
export const isCrossSlotError = (e: unknown): e is CrossSlotError => hasCode(e, 'COORDIS_RATELIMIT_CROSS_SLOT');
/** True for a RateLimitUnavailableError, by its code. */
export const isRateLimitUnavailableError = (e: unknown): e is RateLimitUnavailableError => hasCode(e, 'COORDIS_RATELIMIT_UNAVAILABLE');
/** True for a ScriptReplyError, by its code. */
export const isScriptReplyError = (e: unknown): e is ScriptReplyError => hasCode(e, 'COORDIS_RATELIMIT_REPLY');
/** True for a WindowMismatchError, by its code. */
export const isWindowMismatchError = (e: unknown): e is WindowMismatchError => hasCode(e, 'COORDIS_RATELIMIT_WINDOW');
