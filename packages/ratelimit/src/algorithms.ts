import { decodeFixedWindow, encodeFixedWindow, fixedWindowDecide } from './fixed-window.js';
import { decodeGcra, encodeGcra, gcraDecide } from './gcra.js';
import type { Algorithm, Decision, ResolvedRate } from './rate.js';
import { decodeSlidingWindow, encodeSlidingWindow, slidingWindowDecide } from './sliding-window.js';

/** The algorithm numbers check.lua dispatches on. */
export const ALGORITHM_KIND: Readonly<Record<Algorithm, 1 | 2 | 3>> = { gcra: 1, 'fixed-window': 2, 'sliding-window': 3 };

/** A decision on stored state: what the algorithm decided, and the text to store when it is taken. */
export interface StoredDecision {
  readonly decision: Decision<unknown>;
  readonly stored: string | undefined;
}

/** Decides on state in its stored (Redis) form, as check.lua does; used by the in-process fallback. */
export function decideStored(rate: ResolvedRate, stored: string | undefined, nowMs: number, cost: number): StoredDecision {
  switch (rate.algorithm) {
    case 'gcra': {
      const d = gcraDecide(rate, decodeGcra(stored), nowMs, cost);
      return { decision: d, stored: d.next && encodeGcra(d.next) };
    }
    case 'fixed-window': {
      const d = fixedWindowDecide(rate, decodeFixedWindow(stored), nowMs, cost);
      return { decision: d, stored: d.next === undefined ? undefined : encodeFixedWindow(d.next) };
    }
    case 'sliding-window': {
      const d = slidingWindowDecide(rate, decodeSlidingWindow(stored), nowMs, cost);
      return { decision: d, stored: d.next && encodeSlidingWindow(d.next) };
    }
  }
}
