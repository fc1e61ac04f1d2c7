/**
 * Who answered a check:
 * - `'redis'`: the script, on the server's clock;
 * - `'cache'`: this process, from a block it learnt from Redis and that has not ended;
 * - `'fallback'`: the unavailable policy, because Redis gave no answer within the deadline;
 * - `'skipped'`: nobody — in a multi-limiter check answered from the cache, a limiter that was
 *   not asked because another one of the group was known to be blocked (its numbers are 0).
 */
export type LimitSource = 'redis' | 'cache' | 'fallback' | 'skipped';

/** What a check (or a peek) answers. */
export interface LimitResult {
  /** Whether the request was admitted (for a peek: whether a check would admit it). */
  readonly allowed: boolean;
  /** Units left once this request took effect: after it when admitted, as they are when not. */
  readonly remaining: number;
  /** The limiter's limit (GCRA: its burst, the most admitted at once). */
  readonly limit: number;
  /** Milliseconds until the limiter's state for this key is empty again. */
  readonly resetMs: number;
  /** Milliseconds until a request of this cost can be admitted; 0 when it was. */
  readonly retryAfterMs: number;
  /** Who answered. */
  readonly source: LimitSource;
  /** When the decision was made, in server time (ms since the epoch); estimated here for cache and fallback answers. */
  readonly atMs: number;
}

/** What a multi-limiter check answers. */
export interface MultiLimitResult {
  /** True when every limiter admitted the request, and then every one of them took it; otherwise none did. */
  readonly allowed: boolean;
  /** The longest wait among the limiters that did not admit it; 0 when allowed. */
  readonly retryAfterMs: number;
  /** Each limiter's own answer, in the order of the requests. */
  readonly results: readonly LimitResult[];
}
