import { ceilDiv, type Decision, floorDiv, type ResolvedRate } from './rate.js';

/**
 * GCRA's state: the theoretical arrival time (TAT) of the next request, kept exactly as
 * `tatMs + frac / limit` milliseconds so that emission intervals that are not whole
 * milliseconds (1000 ms / 3) never round: burst exactness depends on it.
 */
export interface GcraState {
  readonly tatMs: number;
  /** Sub-millisecond part of the TAT, in 1/limit ms: 0 ≤ frac < limit. */
  readonly frac: number;
}

/**
 * The Generic Cell Rate Algorithm: a token bucket of `capacity` units refilled at `limit` per
 * `periodMs`, stored as one timestamp. Time is counted in ticks of `1 / limit` ms, so one
 * unit costs exactly `periodMs` ticks and the bucket holds `capacity × periodMs` ticks of debt.
 * The Lua include `gcra.lua` is this function line for line.
 */
export function gcraDecide(rate: ResolvedRate, state: GcraState | undefined, nowMs: number, cost: number): Decision<GcraState> {
  const { limit, periodMs, capacity } = rate;
  // Debt: how far the TAT lies ahead of now, in ticks; a TAT in the past is an empty debt.
  let debt = 0;
  if (state !== undefined) debt = Math.max(0, (state.tatMs - nowMs) * limit + state.frac);
  const full = capacity * periodMs;
  const after = debt + cost * periodMs;
  const allowed = after <= full;
  const whole = floorDiv(after, limit);
  return {
    allowed,
    remainingNow: floorDiv(full - debt, periodMs),
    remainingAfter: allowed ? floorDiv(full - after, periodMs) : 0,
    resetNowMs: ceilDiv(debt, limit),
    resetAfterMs: ceilDiv(after, limit),
    retryAfterMs: allowed ? 0 : ceilDiv(after - full, limit),
    next: allowed && cost > 0 ? { tatMs: nowMs + whole, frac: after - whole * limit } : undefined,
    // The TAT rounded up to the next whole second: a busy key needs a new TTL at most once per
    // second of TAT (see gcra.lua), and an expired key is a full bucket either way.
    expireAtMs: (floorDiv(nowMs + whole, 1000) + 1) * 1000,
  };
}

/** The stored form, `"<tatMs>:<frac>"`, as `gcra.lua` writes it. */
export function encodeGcra(state: GcraState): string {
  return `${state.tatMs}:${state.frac}`;
}

/** Parses what `encodeGcra` (or the script) stored; `undefined` for anything else. */
export function decodeGcra(stored: string | null | undefined): GcraState | undefined {
  const m = stored ? /^(\d+):(\d+)$/.exec(stored) : null;
  return m ? { tatMs: Number(m[1]), frac: Number(m[2]) } : undefined;
}
