/**
 * The last N event ids a node handled, to drop a second delivery of the same event (a
 * publisher retrying a write whose outcome was unknown, a replay after a reconnect).
 * Insertion-ordered Set: checking and evicting are O(1).
 */
export class DedupeWindow {
  readonly #ids = new Set<string>();
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  /** True the first time an id is seen (and remembers it), false after. */
  admit(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.#size) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
    return true;
  }
}
