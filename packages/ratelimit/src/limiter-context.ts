import type { ScriptClient } from '@coordis/client';
import type { BlockCache } from './block-cache.js';
import type { CheckBatcher } from './check-batcher.js';
import type { LocalLimiter } from './local-limiter.js';
import type { ServerClock } from './server-clock.js';

/** What the limiters of one `RateLimits` share: the client, its clock estimate, caches and batchers. */
export interface LimiterContext {
  /** The client as the caller gave it (its status tells whether a plain client is connected). */
  readonly raw: ScriptClient;
  /** True when `view()` bounds offline waits itself (a CoordisClient). */
  readonly managesOffline: boolean;
  /** The client to send through for a deadline: a CoordisClient view that never resends or sends late. */
  view(deadlineMs: number): ScriptClient;
  /** The batcher for a deadline. */
  batcher(deadlineMs: number): CheckBatcher;
  readonly clock: ServerClock;
  readonly blocks: BlockCache;
  readonly local: LocalLimiter;
  readonly unavailableRetryAfterMs: number;
}
