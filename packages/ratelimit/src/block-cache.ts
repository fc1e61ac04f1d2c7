/** One identity known to be blocked: no request of at least `minCost` fits before `untilMs`. */
export interface CachedBlock {
  /** Local monotonic time (performance.now()) the block ends at. */
  readonly untilMs: number;
  /** Local monotonic time the limiter's state empties at. */
  readonly resetAtMs: number;
  /** The smallest cost known not to fit; cheaper requests still ask Redis. */
  readonly minCost: number;
  /** Units that were left when the block was learnt. */
  readonly remaining: number;
}

/**
 * Blocks learnt from Redis, answered locally until they end. A block can only be shortened by
 * a reset or an unblock (other processes' are not seen here until the cached block ends), since
 * limiter state only moves forward: a request that did not fit at time t with retry-after r
 * cannot fit before t + r, whoever else consumes meanwhile. Entries are dated from the moment
 * the command was sent, which is before the server decided, so a cached block never outlasts
 * the real one. Bounded: the oldest entry is forgotten first.
 */
export class BlockCache {
  readonly #entries = new Map<string, CachedBlock>();
  readonly #size: number;
  /** Requests answered here instead of by Redis, for the benchmarks and for metrics. */
  hits = 0;

  constructor(size: number) {
    this.#size = size;
  }

  /** The block that still applies to a request of `cost` at local time `now`, if any. */
  get(identity: string, cost: number, now: number): CachedBlock | undefined {
    const entry = this.#entries.get(identity);
    if (entry === undefined) return undefined;
    if (entry.untilMs <= now) {
      this.#entries.delete(identity);
      return undefined;
    }
    if (cost < entry.minCost) return undefined;
    this.hits++;
    return entry;
  }

  /** Remembers a block; a longer or cheaper one replaces what was known. */
  set(identity: string, block: CachedBlock): void {
    if (block.untilMs <= performance.now()) return;
    this.#entries.delete(identity);
    this.#entries.set(identity, block);
    if (this.#entries.size > this.#size) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  /** Forgets an identity (after a reset or an unblock in this process). */
  delete(identity: string): void {
    this.#entries.delete(identity);
  }

  /** Identities currently remembered, expired or not. */
  get size(): number {
    return this.#entries.size;
  }
}
