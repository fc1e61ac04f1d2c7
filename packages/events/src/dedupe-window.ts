/**
 * The last N event ids a node handled, to drop a second delivery of the same event (a
 * publisher retrying a write whose outcome was unknown, a replay after a reconnect, the same
 * event published again by a caller that retries with its id). Durable nodes also note where
 * in the stream each id was handled, so a rollback can find the last entry the new primary
 * still shares with this node. Insertion-ordered Map: checking and evicting are O(1).
 */
export class DedupeWindow {
  readonly #ids = new Map<string, number>();
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  /**
   * True the first time an id is seen (and remembers it), false after.
   * @param read the stream position count (`entries-read`) of the entry, when known.
   */
  admit(id: string, read = -1): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.set(id, read);
    if (this.#ids.size > this.#size) {
      const oldest = this.#ids.keys().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
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
