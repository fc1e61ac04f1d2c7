import { decideStored } from './algorithms.js';
import type { CheckEntry, RawResult } from './check-entry.js';

interface LocalState {
  readonly stored: string;
  readonly expireAtMs: number;
}

/**
 * The in-process limiter the `'local'` policy answers with while Redis is unavailable: the
 * same algorithms and rates, on this process's estimate of the server clock, with the same
 * all-or-nothing groups as check.lua. Its state is its own (it starts empty and never reaches
 * Redis), so with N processes up to N × limit may be admitted during an outage. Bounded: the
 * oldest key is forgotten first.
 */
export class LocalLimiter {
  readonly #states = new Map<string, LocalState>();
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  /** Checks (or peeks at) one group at `nowMs`; takes it only when every entry fits and `take` is set. */
  check(entries: readonly CheckEntry[], nowMs: number, take: boolean): RawResult[] {
    const tentative = new Map<string, LocalState>();
    const decisions = entries.map((e) => {
      const known = tentative.get(e.keyId) ?? this.#read(e.keyId, nowMs);
      const d = decideStored(e.rate, known?.stored, nowMs, e.cost);
      if (d.decision.allowed && d.stored !== undefined) {
        tentative.set(e.keyId, { stored: d.stored, expireAtMs: d.decision.expireAtMs });
      }
      return d.decision;
    });
    const fits = decisions.every((d) => d.allowed);
    if (fits && take) for (const [keyId, state] of tentative) this.#write(keyId, state);
    return decisions.map((d) => ({
      allowed: d.allowed,
      remaining: fits ? d.remainingAfter : d.remainingNow,
      resetMs: fits ? d.resetAfterMs : d.resetNowMs,
      retryAfterMs: d.retryAfterMs,
    }));
  }

  /** Forgets a key (a reset). */
  delete(keyId: string): void {
    this.#states.delete(keyId);
  }

  #read(keyId: string, nowMs: number): LocalState | undefined {
    const s = this.#states.get(keyId);
    if (s !== undefined && s.expireAtMs <= nowMs) {
      this.#states.delete(keyId);
      return undefined;
    }
    return s;
  }

  #write(keyId: string, state: LocalState): void {
    this.#states.delete(keyId);
    this.#states.set(keyId, state);
    if (this.#states.size > this.#size) {
      const oldest = this.#states.keys().next();
      if (!oldest.done) this.#states.delete(oldest.value);
    }
  }
}
