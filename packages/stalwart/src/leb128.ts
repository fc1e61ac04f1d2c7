// Unsigned LEB128 exactly as Stalwart reads and writes it (crates/utils/src/codec/leb128.rs):
// seven bits a byte, low group first, the high bit set on every byte but the last. A reader
// takes at most as many bytes as the type's shift table has (u16: 3, u32: 5, u64: 10) and drops
// bits past the type's width, as Rust's `<<` does; a longer run is no value at all. Padded
// encodings (0x85 0x80 0x00 for 5) are accepted, as Stalwart accepts them.

/** Why a LEB128 value could not be read: the bytes ran out, or the run is longer than its type allows. */
export class LebError {
  constructor(readonly reason: 'truncated' | 'bad-integer') {}
}

const U64_MASK = 0xffff_ffff_ffff_ffffn;

/** Reads LEB128 fields one after the other; `at` is the offset of the next byte. Throws LebError. */
export class LebReader {
  at = 0;

  constructor(readonly bytes: Uint8Array) {}

  /** A u16 (up to 3 bytes) or u32 (up to 5 bytes), as a number. */
  uint(width: 'u16' | 'u32'): number {
    const max = width === 'u16' ? 3 : 5;
    // Up to 35 bits: exact in a double, so no BigInt on this hot path.
    let value = 0;
    for (let i = 0, scale = 1; i < max; i++, scale *= 128) {
      const byte = this.bytes[this.at + i];
      if (byte === undefined) throw new LebError('truncated');
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.at += i + 1;
        return width === 'u16' ? value % 0x1_0000 : value % 0x1_0000_0000;
      }
    }
    throw new LebError('bad-integer');
  }

  /** A u64 (up to 10 bytes), as a bigint. */
  u64(): bigint {
    let low = 0;
    for (let i = 0, scale = 1; i < 10; i++, scale *= 128) {
      const byte = this.bytes[this.at + i];
      if (byte === undefined) throw new LebError('truncated');
      if (i < 7) {
        // The first 49 bits fit a double exactly.
        low += (byte & 0x7f) * scale;
        if (byte < 0x80) {
          this.at += i + 1;
          return BigInt(low);
        }
        continue;
      }
      if (i === 7) this.#high = BigInt(low);
      this.#high |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (byte < 0x80) {
        this.at += i + 1;
        return this.#high & U64_MASK;
      }
    }
    throw new LebError('bad-integer');
  }

  #high = 0n;
}

/** Appends the shortest LEB128 encoding of a non-negative integer, as Stalwart writes it. */
export function writeLeb128(out: number[], value: number | bigint): void {
  if (typeof value === 'number' && value < 0x80) {
    out.push(value);
    return;
  }
  let v = BigInt(value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}
