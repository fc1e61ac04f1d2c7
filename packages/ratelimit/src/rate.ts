import { RateLimitOptionsError } from './errors.js';

/** The algorithms a limiter can use. */
export type Algorithm = 'gcra' | 'fixed-window' | 'sliding-window';

/** How much a limiter admits. */
export interface Rate {
  /** Units admitted per period (requests, recipients, bytes…): a whole number, at least 1. */
  readonly limit: number;
  /** The period in milliseconds: a whole number, at least 1. */
  readonly periodMs: number;
  /**
   * GCRA only: the most units admitted at once after a quiet spell (the bucket's capacity);
   * the bucket refills at `limit / periodMs`.
   * @default limit
   */
  readonly burst?: number;
}

/** A rate checked once at the boundary: every field present and in range. */
export interface ResolvedRate {
  readonly algorithm: Algorithm;
  readonly limit: number;
  readonly periodMs: number;
  /** The most one request may cost: GCRA's burst, the windows' limit. */
  readonly capacity: number;
}

/**
 * Products of a rate's numbers (burst × period, limit × period) stay below this, so that the
 * integer arithmetic the Lua scripts do in doubles stays exact: every quotient of two such
 * numbers then rounds to the right integer.
 */
export const MAX_RATE_PRODUCT = 2 ** 48;

/** One decision of an algorithm: what a request of some cost gets, at one instant. */
export interface Decision<S> {
  /** Whether the request fits. */
  readonly allowed: boolean;
  /** Units left now, before the request is taken. */
  readonly remainingNow: number;
  /** Units left once the request is taken (meaningful when allowed). */
  readonly remainingAfter: number;
  /** Milliseconds until the state is empty (nothing counted) if nothing is taken. */
  readonly resetNowMs: number;
  /** Milliseconds until the state is empty once the request is taken. */
  readonly resetAfterMs: number;
  /** Milliseconds until a request of this cost can fit; 0 when it fits now. */
  readonly retryAfterMs: number;
  /** The state to store when the request is taken; `undefined` when taking it changes nothing (cost 0). */
  readonly next: S | undefined;
  /** When `next` may be forgotten (server time, ms): the state is then empty. */
  readonly expireAtMs: number;
}

function wholeAtLeast(name: string, option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RateLimitOptionsError(
      name,
      option,
      `must be a whole number of at least ${min}`,
      `pass e.g. ${option === 'periodMs' ? '60_000' : '10'}`,
    );
  }
  return value;
}

/** Validates a rate for `algorithm`; `name` is only for the error message. */
export function resolveRate(name: string, algorithm: Algorithm, rate: Rate): ResolvedRate {
  const limit = wholeAtLeast(name, 'limit', rate.limit, 1);
  const periodMs = wholeAtLeast(name, 'periodMs', rate.periodMs, 1);
  if (rate.burst !== undefined && algorithm !== 'gcra') {
    throw new RateLimitOptionsError(name, 'burst', `only applies to GCRA, not to ${algorithm}`, 'drop it, or use algorithm gcra');
  }
  const capacity = rate.burst === undefined ? limit : wholeAtLeast(name, 'burst', rate.burst, 1);
  if (capacity * periodMs > MAX_RATE_PRODUCT || limit * periodMs > MAX_RATE_PRODUCT) {
    throw new RateLimitOptionsError(
      name,
      'limit × periodMs',
      `must stay below 2^48 so the arithmetic stays exact`,
      'express the rate over a shorter period (1000 per second rather than 86 400 000 per day)',
    );
  }
  return { algorithm, limit, periodMs, capacity };
}

/** `floor(a / b)` exactly as the Lua scripts compute it (IEEE doubles; exact below 2^51). */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** `ceil(a / b)` exactly as the Lua scripts compute it. */
export function ceilDiv(a: number, b: number): number {
  return Math.ceil(a / b);
}
