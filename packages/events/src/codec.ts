import type { Envelope } from './envelope.js';

/** Turns envelopes into bytes and back. JSON by default; msgpack or CBOR plug in here. */
export interface EnvelopeCodec {
  readonly name: string;
  encode(envelope: Envelope): string | Buffer;
  /** Returns whatever the bytes hold; the bus checks it is an envelope. May throw on garbage. */
  decode(raw: Buffer): unknown;
}

// Event types and node ids are few: each is quoted once.
const quoted = new Map<string, string>();
function quote(text: string): string {
  let q = quoted.get(text);
  if (q === undefined) {
    q = JSON.stringify(text);
    if (quoted.size < 1_000) quoted.set(text, q);
  }
  return q;
}

/**
 * JSON, UTF-8. Payloads must be JSON-safe (no bigint, no Date objects). The envelope's own
 * fields are written by hand around `JSON.stringify(payload)`: the same text as stringifying
 * the whole envelope, in about half the time (it was most of the envelope's cost per event).
 */
export const jsonCodec: EnvelopeCodec = {
  name: 'json',
  encode: (e) =>
    e.payload === undefined || !Number.isFinite(e.ts) || !Number.isFinite(e.v)
      ? JSON.stringify(e)
      : `{"v":${e.v},"id":${JSON.stringify(e.id)},"type":${quote(e.type)},"origin":${quote(e.origin)},"ts":${e.ts},"payload":${JSON.stringify(e.payload)}}`,
  decode: (raw) => JSON.parse(raw.toString('utf8')),
};
