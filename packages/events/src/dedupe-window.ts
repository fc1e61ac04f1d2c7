/**
 * The last N event ids a node handled, to drop a second delivery of the same event (a
 * publisher retrying a write whose outcome was unknown, a replay after a reconnect, the same
 * event published again by a caller that retries with its id). Durable nodes also note where
 * in the stream each id was handled, so a rollback can find the last entry the new primary
 * still shares with this node. A Map and a ring of the same ids: checking and evicting are O(1).
 */
export class DedupeWindow {
  readonly #ids = new Map<string, number>();
  /** The ids in arrival order, as a ring: eviction without an iterator per event. */
  readonly #ring: (string | undefined)[];
  #next = 0;
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
    this.#ring = new Array<string | undefined>(size);
  }

  /**
   * True the first time an id is seen (and remembers it), false after.
   * @param read the stream position count (`entries-read`) of the entry, when known.
   */
  admit(id: string, read = -1): boolean {
    if (this.#ids.has(id)) return false;
    if (this.#size === 0) return true;
    const evicted = this.#ring[this.#next];
    if (evicted !== undefined) this.#ids.delete(evicted);
    this.#ring[this.#next] = id;
    this.#next = (this.#next + 1) % this.#size;
    this.#ids.set(id, read);
    return true;
  }

  /** Whether the id is in the window, without remembering it. */
  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** The position count noted with the id, if it is in the window and one was given. */
  readOf(id: string): number | undefined {
    const read = this.#ids.get(id);
    return read === undefined || read < 0 ? undefined : read;
  }

  get size(): number {
    return this.#ids.size;
  }
}
