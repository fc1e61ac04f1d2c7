// Reference models of the three algorithms, written from their definitions and independently
// of src/: a token bucket refilled continuously (what GCRA is equivalent to), a map of window
// counts, and the weighted two-window estimate over a log of admitted requests. Numbers are
// BigInt and waiting times are found by searching millisecond by millisecond, so no rounding
// and no closed-form shortcut is shared with the code under test.

/** What a model answers for one request, in the shape of the code's Decision. */
export interface RefAnswer {
  readonly allowed: boolean;
  readonly remainingNow: number;
  readonly remainingAfter: number;
  readonly resetNowMs: number;
  readonly resetAfterMs: number;
  readonly retryAfterMs: number;
}

/** A model: answers at `nowMs` (non-decreasing), and takes a request it admitted. */
export interface RefModel {
  decide(nowMs: number, cost: number): RefAnswer;
  take(nowMs: number, cost: number): void;
}

function search(limit: number, ok: (d: number) => boolean): number {
  for (let d = 0; d <= limit; d++) if (ok(d)) return d;
  throw new Error(`reference model: no answer within ${limit} ms`);
}

/**
 * A token bucket of `burst` tokens refilled at `limit` per `periodMs`, continuously. Tokens are
 * counted in 1/periodMs units so that a millisecond adds exactly `limit` of them.
 */
export class RefTokenBucket implements RefModel {
  readonly #rate: bigint;
  readonly #period: bigint;
  readonly #full: bigint;
  #units: bigint;
  #at: number | undefined;

  constructor(
    readonly limit: number,
    readonly periodMs: number,
    readonly burst: number,
  ) {
    this.#rate = BigInt(limit);
    this.#period = BigInt(periodMs);
    this.#full = BigInt(burst) * this.#period;
    this.#units = this.#full;
  }

  #level(nowMs: number): bigint {
    if (this.#at === undefined) return this.#full;
    const u = this.#units + BigInt(nowMs - this.#at) * this.#rate;
    return u > this.#full ? this.#full : u;
  }

  decide(nowMs: number, cost: number): RefAnswer {
    const u = this.#level(nowMs);
    const need = BigInt(cost) * this.#period;
    const allowed = u >= need;
    const left = u - need;
    // Far enough for a full refill even from a debt of one more request (a rejected one's "after").
    const horizon = Math.ceil(((this.burst + cost) * this.periodMs) / this.limit) + 1;
    const fullAfter = (units: bigint) => search(horizon, (d) => units + BigInt(d) * this.#rate >= this.#full);
    return {
      allowed,
      remainingNow: Number(u / this.#period),
      remainingAfter: allowed ? Number(left / this.#period) : 0,
      resetNowMs: fullAfter(u),
      resetAfterMs: fullAfter(left),
      retryAfterMs: allowed ? 0 : search(horizon, (d) => u + BigInt(d) * this.#rate >= need),
    };
  }

  take(nowMs: number, cost: number): void {
    this.#units = this.#level(nowMs) - BigInt(cost) * this.#period;
    this.#at = nowMs;
  }
}

/** Counts per window `floor(t / period)`: the fixed window as Stalwart defines it. */
export class RefFixedWindow implements RefModel {
  readonly #counts = new Map<number, number>();

  constructor(
    readonly limit: number,
    readonly periodMs: number,
  ) {}

  #window(t: number): number {
    return Math.floor(t / this.periodMs);
  }

  decide(nowMs: number, cost: number): RefAnswer {
    const w = this.#window(nowMs);
    const n = this.#counts.get(w) ?? 0;
    const allowed = n + cost <= this.limit;
    const nextWindow = search(this.periodMs, (d) => this.#window(nowMs + d) !== w);
    return {
      allowed,
      remainingNow: this.limit - n,
      remainingAfter: allowed ? this.limit - n - cost : 0,
      resetNowMs: n > 0 ? nextWindow : 0,
      resetAfterMs: n + cost > 0 ? nextWindow : 0,
      retryAfterMs: allowed ? 0 : nextWindow,
    };
  }

  take(nowMs: number, cost: number): void {
    const w = this.#window(nowMs);
    this.#counts.set(w, (this.#counts.get(w) ?? 0) + cost);
  }

  /** The count of the window `nowMs` falls in. */
  count(nowMs: number): number {
    return this.#counts.get(this.#window(nowMs)) ?? 0;
  }
}

/**
 * The weighted two-window estimate, from a log of admitted requests: at offset e into window
 * w, previous × (P − e) / P + current, where previous and current are what the log holds for
 * windows w − 1 and w. Compared scaled by P, in BigInt.
 */
export class RefSlidingWindow implements RefModel {
  readonly #log: { t: number; cost: number }[] = [];

  constructor(
    readonly limit: number,
    readonly periodMs: number,
  ) {}

  #counts(t: number): { prev: bigint; cur: bigint; e: bigint } {
    const w = Math.floor(t / this.periodMs);
    let prev = 0n;
    let cur = 0n;
    for (const x of this.#log) {
      const xw = Math.floor(x.t / this.periodMs);
      if (xw === w) cur += BigInt(x.cost);
      else if (xw === w - 1) prev += BigInt(x.cost);
    }
    return { prev, cur, e: BigInt(t - w * this.periodMs) };
  }

  /** The estimate at t, scaled by P. */
  #score(t: number, extra: bigint): bigint {
    const { prev, cur, e } = this.#counts(t);
    const P = BigInt(this.periodMs);
    return prev * (P - e) + (cur + extra) * P;
  }

  #fits(t: number, cost: number): boolean {
    return this.#score(t, BigInt(cost)) <= BigInt(this.limit) * BigInt(this.periodMs);
  }

  #empty(t: number, extra: bigint): boolean {
    const { prev, cur } = this.#counts(t);
    return prev === 0n && cur + extra === 0n;
  }

  decide(nowMs: number, cost: number): RefAnswer {
    const P = BigInt(this.periodMs);
    const cap = BigInt(this.limit) * P;
    const allowed = this.#fits(nowMs, cost);
    const horizon = 3 * this.periodMs;
    const now = this.#score(nowMs, 0n);
    const after = this.#score(nowMs, BigInt(cost));
    // Emptiness later: the request taken now still sits in window w for "after".
    const w = Math.floor(nowMs / this.periodMs);
    const emptyLater = (extra: bigint) =>
      search(horizon, (d) => {
        const t = nowMs + d;
        const tw = Math.floor(t / this.periodMs);
        // An extra request at nowMs counts as current in w and previous in w + 1.
        const bonus = tw === w || tw === w + 1 ? extra : 0n;
        const { prev, cur } = this.#counts(t);
        return tw === w ? prev === 0n && cur + bonus === 0n : prev + bonus === 0n && cur === 0n;
      });
    return {
      allowed,
      remainingNow: Number((cap - now) / P),
      remainingAfter: allowed ? Number((cap - after) / P) : 0,
      resetNowMs: this.#empty(nowMs, 0n) ? 0 : emptyLater(0n),
      resetAfterMs: this.#empty(nowMs, BigInt(cost)) ? 0 : emptyLater(BigInt(cost)),
      retryAfterMs: allowed ? 0 : search(horizon, (d) => this.#fits(nowMs + d, cost)),
    };
  }

  take(nowMs: number, cost: number): void {
    this.#log.push({ t: nowMs, cost });
    const oldest = Math.floor(nowMs / this.periodMs) - 1;
    while (this.#log.length > 0 && Math.floor((this.#log[0]?.t ?? 0) / this.periodMs) < oldest) this.#log.shift();
  }
}

/** A small deterministic generator (mulberry32), so a failing sequence can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
