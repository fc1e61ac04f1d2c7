import { windowOf } from './fixed-window.js';
import { type Decision, floorDiv, type ResolvedRate } from './rate.js';

/** The weighted two-window counter's state: the counts of one window and of the one before. */
export interface SlidingWindowState {
  /** The window number of `current`: `floor(now / period)` when it was last written. */
  readonly window: number;
  readonly current: number;
  readonly previous: number;
}

/**
 * A sliding window approximated by two fixed windows (Cloudflare's weighted counter): a
 * request at offset `e` into window `w` sees `previous × (period − e) / period + current`
 * units, and fits when that plus its cost is at most `limit`. All arithmetic is scaled by
 * `period`, so it is exact in integers.
 *
 * Error bound: no aligned window ever admits more than `limit`, and any interval of one
 * period admits at most `limit + previous × e / period < 2 × limit`; it is exactly `limit`
 * when the previous window's traffic was spread evenly. The Lua include
 * `sliding-window.lua` is this function line for line.
 */
export function slidingWindowDecide(
  rate: ResolvedRate,
  state: SlidingWindowState | undefined,
  nowMs: number,
  cost: number,
): Decision<SlidingWindowState> {
  const { limit, periodMs } = rate;
  const w = windowOf(nowMs, periodMs);
  const e = nowMs - w * periodMs;
  let current = 0;
  let previous = 0;
  if (state !== undefined && state.window === w) {
    current = state.current;
    previous = state.previous;
  } else if (state !== undefined && state.window === w - 1) {
    previous = state.current;
  }
  const cap = limit * periodMs;
  const score = previous * (periodMs - e) + current * periodMs;
  const after = score + cost * periodMs;
  const allowed = after <= cap;
  let retryAfterMs = 0;
  if (!allowed) {
    if (current + cost <= limit) {
      // The previous window's weight must fall far enough within this window.
      retryAfterMs = periodMs - floorDiv((limit - current - cost) * periodMs, previous) - e;
    } else {
      // Only the next window, where this window's count becomes the decaying one, can fit it.
      retryAfterMs = periodMs - e + periodMs - floorDiv((limit - cost) * periodMs, current);
    }
  }
  const resetMs = (cur: number) => (cur > 0 ? (w + 2) * periodMs - nowMs : previous > 0 ? (w + 1) * periodMs - nowMs : 0);
  return {
    allowed,
    remainingNow: Math.max(0, floorDiv(cap - score, periodMs)),
    remainingAfter: allowed ? floorDiv(cap - after, periodMs) : 0,
    resetNowMs: resetMs(current),
    resetAfterMs: resetMs(current + cost),
    retryAfterMs,
    next: allowed && cost > 0 ? { window: w, current: current + cost, previous } : undefined,
    expireAtMs: (w + 2) * periodMs,
  };
}

/** The stored form, `"<window>:<current>:<previous>"`, as the script writes it. */
export function encodeSlidingWindow(state: SlidingWindowState): string {
  return `${state.window}:${state.current}:${state.previous}`;
}

/** Parses what `encodeSlidingWindow` (or the script) stored; `undefined` for anything else. */
export function decodeSlidingWindow(stored: string | null | undefined): SlidingWindowState | undefined {
  const m = stored ? /^(\d+):(\d+):(\d+)$/.exec(stored) : null;
  return m ? { window: Number(m[1]), current: Number(m[2]), previous: Number(m[3]) } : undefined;
}
