/**
 * A frame: several encoded envelopes in one pub/sub message. Layout:
 *
 *   00 43 46 01 | count (u32 BE) | count × ( length (u32 BE) | envelope bytes )
 *
 * The first byte is zero because no codec's envelope starts with it (JSON starts with `{`,
 * msgpack and CBOR with a map marker), so a receiver tells a frame from a single envelope by
 * its first byte, and a message without a frame (one event in a tick, an older publisher) is
 * read as before. "CF" and the frame format version follow.
 */
const MAGIC = Buffer.from([0x00, 0x43, 0x46, 0x01]);
const HEADER = MAGIC.length + 4;

/** Whether a message is a frame rather than a single encoded envelope. */
export function isFrame(raw: Buffer): boolean {
  return raw.length >= HEADER && raw[0] === 0x00 && raw[1] === 0x43 && raw[2] === 0x46;
}

/** Packs encoded envelopes (strings are written as UTF-8) into one frame. */
export function packFrame(parts: readonly (string | Buffer)[]): Buffer {
  let bytes = HEADER + 4 * parts.length;
  for (const part of parts) bytes += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
  const out = Buffer.allocUnsafe(bytes);
  MAGIC.copy(out, 0);
  out.writeUInt32BE(parts.length, MAGIC.length);
  let at = HEADER;
  for (const part of parts) {
    const length = typeof part === 'string' ? out.write(part, at + 4, 'utf8') : part.copy(out, at + 4);
    out.writeUInt32BE(length, at);
    at += 4 + length;
  }
  return out;
}

/** The envelopes of a frame, as views of its buffer; a string saying what is wrong if it is malformed. */
export function unpackFrame(raw: Buffer): Buffer[] | string {
  if (raw[3] !== MAGIC[3]) return `frame format version ${raw[3]}, this bus reads ${MAGIC[3]}`;
  const count = raw.readUInt32BE(MAGIC.length);
  const parts: Buffer[] = [];
  let at = HEADER;
  for (let i = 0; i < count; i++) {
    if (at + 4 > raw.length) return `frame truncated: ${i} of ${count} envelopes present`;
    const length = raw.readUInt32BE(at);
    if (at + 4 + length > raw.length) return `frame truncated: envelope ${i + 1} of ${count} is cut short`;
    parts.push(raw.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (at !== raw.length) return `frame has ${raw.length - at} bytes after its ${count} envelopes`;
  return parts;
}
