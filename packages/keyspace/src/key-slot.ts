// Redis Cluster's key → slot mapping (https://redis.io/docs/reference/cluster-spec/#key-distribution-model):
// CRC16-XMODEM of the key, or of its hash tag, modulo 16384. @coordis/ratelimit uses it to
// coalesce only checks whose keys share a slot and to refuse a multi-limiter check that would
// span slots; the sharded store, to keep every key of one slot on one store.

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

function crc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ (bytes[i] ?? 0)) & 0xff] ?? 0);
  return crc;
}

/** The Cluster slot (0–16383) of a key: the hash of its first non-empty `{…}` tag, else of the whole key. */
export function keySlot(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(bytes, open + 1, close) & 0x3fff;
  }
  return crc16(bytes, 0, bytes.length) & 0x3fff;
}
