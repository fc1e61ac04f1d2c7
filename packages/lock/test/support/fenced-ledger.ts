/**
 * A resource guarded by fencing tokens, as a database row or a storage service would guard it:
 * it keeps the highest token it has seen and refuses writes that carry a lower one.
 */
export class FencedLedger {
  #highest = Number.NEGATIVE_INFINITY;
  readonly entries: { readonly token: number; readonly value: string }[] = [];

  /** True when the write was accepted. */
  write(token: number, value: string): boolean {
    if (token < this.#highest) return false;
    this.#highest = token;
    this.entries.push({ token, value });
    return true;
  }
}
