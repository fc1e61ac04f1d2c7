// Public surface of @coordis/ratelimit.

export { keySlot } from '@coordis/keyspace';
export type { CachedBlock } from './block-cache.js';
export { DEFAULTS } from './defaults.js';
export {
  CrossSlotError,
  isCrossSlotError,
  isLimiterConflictError,
  isRateLimitArgumentError,
  isRateLimitOptionsError,
  isRateLimitUnavailableError,
  isScriptReplyError,
  isWindowMismatchError,
  LimiterConflictError,
  RateLimitArgumentError,
  RateLimitOptionsError,
  RateLimitUnavailableError,
  ScriptReplyError,
  WindowMismatchError,
} from './errors.js';
export {
  type BlockedIdentity,
  type BlockStatus,
  Fail2Ban,
  type Fail2BanOptions,
  type Fail2BanSettings,
  type Fail2BanUnavailablePolicy,
  type FailureResult,
} from './fail2ban.js';
export { decodeFixedWindow, encodeFixedWindow, fixedWindowDecide, windowOf } from './fixed-window.js';
export { decodeGcra, encodeGcra, type GcraState, gcraDecide } from './gcra.js';
export { type CheckOptions, type KeyShape, LimitRequest } from './limit-request.js';
export type { LimitResult, LimitSource, MultiLimitResult } from './limit-result.js';
export { Limiter } from './limiter.js';
export { RATELIMIT_PREFIXES, type RateLimitNamespaces, rateLimitNamespaces } from './namespaces.js';
export { type Algorithm, type Decision, type Rate, type ResolvedRate, resolveRate } from './rate.js';
export {
  createRateLimits,
  type LimiterOptions,
  type LimitKey,
  RateLimits,
  type RateLimitsOptions,
  type StalwartPresetOptions,
  type StalwartPresets,
  type WindowLimiterOptions,
} from './rate-limits.js';
export { decodeSlidingWindow, encodeSlidingWindow, type SlidingWindowState, slidingWindowDecide } from './sliding-window.js';
export { STALWART_RATE_LIMITS, type StalwartKey, type StalwartRateLimitName } from './stalwart-presets.js';
export type { UnavailablePolicy } from './unavailable.js';
