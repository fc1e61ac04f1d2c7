import { createBLAKE3, createXXHash3 } from 'hash-wasm';

// Stalwart hashes with BLAKE3 (SMTP throttle and Sieve keys) and xxh3-64 (shard choice, negative
// cache entries). hash-wasm builds each hasher once, asynchronously (WebAssembly); after that a
// hash is synchronous, and JavaScript's single thread keeps init/update/digest of one call
// together on the shared instance.

type Hasher = Awaited<ReturnType<typeof createXXHash3>>;

let blake3: Promise<Hasher> | undefined;
let xxh3: Promise<Hasher> | undefined;

/** The shared BLAKE3 hasher (256-bit output). */
export function blake3Hasher(): Promise<Hasher> {
  blake3 ??= createBLAKE3();
  return blake3;
}

/** The shared xxh3-64 hasher (seed 0, as `xxhash_rust::xxh3::xxh3_64`). */
export function xxh3Hasher(): Promise<Hasher> {
  xxh3 ??= createXXHash3();
  return xxh3;
}

/** BLAKE3 of the concatenation of `parts`, as one Rust `Hasher` fed part by part. */
export async function blake3Of(parts: readonly Uint8Array[]): Promise<Buffer> {
  const h = (await blake3Hasher()).init();
  for (const p of parts) h.update(p);
  return Buffer.from(h.digest('binary'));
}

/** xxh3-64 of `data` with a hasher already built. */
export function xxh3With(h: Hasher, data: Uint8Array): bigint {
  return BigInt(`0x${h.init().update(data).digest('hex')}`);
}

/** xxh3-64 of `data`, seed 0. */
export async function xxh3Of(data: Uint8Array): Promise<bigint> {
  return xxh3With(await xxh3Hasher(), data);
}

/**
 * `xxh3-64(data) % n`, without a BigInt for the usual store counts: the digest's two 32-bit
 * halves are reduced separately, exact in doubles while `n` stays below 2^21.
 */
export function xxh3Mod(h: Hasher, data: Uint8Array, n: number): number {
  const d = h.init().update(data).digest('binary');
  const view = new DataView(d.buffer, d.byteOffset, 8);
  if (n >= 0x20_0000) return Number(view.getBigUint64(0) % BigInt(n));
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  return ((high % n) * (0x1_0000_0000 % n) + (low % n)) % n;
}
