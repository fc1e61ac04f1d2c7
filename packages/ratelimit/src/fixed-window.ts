import type { Decision, ResolvedRate } from './rate.js';

/** The window a moment falls in: `floor(now / period)`, Stalwart's arithmetic, aligned to the Unix epoch. */
export function windowOf(nowMs: number, periodMs: number): number {
  return Math.floor(nowMs / periodMs);
}

/**
 * A fixed window: at most `limit` units per window `[w × period, (w + 1) × period)`. The
 * state is the count of the current window; the key carries the window number, so a new
 * window starts from zero. The Lua include `fixed-window.lua` is this function line for line.
 */
export function fixedWindowDecide(rate: ResolvedRate, count: number | undefined, nowMs: number, cost: number): Decision<number> {
  const { limit, periodMs } = rate;
  const n = count ?? 0;
  const end = (windowOf(nowMs, periodMs) + 1) * periodMs;
  const allowed = n + cost <= limit;
  return {
    allowed,
    remainingNow: Math.max(0, limit - n),
    remainingAfter: allowed ? limit - n - cost : 0,
    resetNowMs: n > 0 ? end - nowMs : 0,
    resetAfterMs: n + cost > 0 ? end - nowMs : 0,
    retryAfterMs: allowed ? 0 : end - nowMs,
    next: allowed && cost > 0 ? n + cost : undefined,
    expireAtMs: end,
  };
}

/** The stored form: the count as decimal text, as Redis' INCRBY keeps it. */
export function encodeFixedWindow(count: number): string {
  return String(count);
}

/** Parses a stored count; `undefined` for a missing key. */
export function decodeFixedWindow(stored: string | null | undefined): number | undefined {
  return stored && /^\d+$/.test(stored) ? Number(stored) : undefined;
}
