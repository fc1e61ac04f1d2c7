// Unsigned LEB128 exactly as Stalwart reads and writes it (crates/utils/src/codec/leb128.rs):
// seven bits a byte, low group first, the high bit set on every byte but the last. A reader
// takes at most as many bytes as the type's shift table has (u16: 3, u32: 5, u64 and usize: 10)
// and drops bits past the type's width, as Rust's `<<` does; a longer run is no value at all.
// Padded encodings (0x85 0x80 0x00 for 5) are accepted, as Stalwart accepts them.

/** The integer types Stalwart's broadcast fields are read as. */
export type LebWidth = 'u16' | 'u32' | 'u64';

const MAX_BYTES: Readonly<Record<LebWidth, number>> = { u16: 3, u32: 5, u64: 10 };
const MASK: Readonly<Record<LebWidth, bigint>> = { u16: 0xffffn, u32: 0xffff_ffffn, u64: 0xffff_ffff_ffff_ffffn };

/** A value read at `next`, or why there is none: the bytes ran out, or the run was longer than the type allows. */
export type LebRead =
  | { readonly ok: true; readonly value: bigint; readonly next: number }
  | { readonly ok: false; readonly reason: 'truncated' | 'bad-integer' };

/** Reads one unsigned LEB128 value of `width` at `at`. */
export function readLeb128(bytes: Uint8Array, at: number, width: LebWidth): LebRead {
  let value = 0n;
  const max = MAX_BYTES[width];
  for (let i = 0; i < max; i++) {
    const byte = bytes[at + i];
    if (byte === undefined) return { ok: false, reason: 'truncated' };
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { ok: true, value: value & MASK[width], next: at + i + 1 };
  }
  return { ok: false, reason: 'bad-integer' };
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
