import type { Envelope } from './envelope.js';

/** Turns envelopes into bytes and back. JSON by default; msgpack or CBOR plug in here. */
export interface EnvelopeCodec {
  readonly name: string;
  encode(envelope: Envelope): string | Buffer;
  /** Returns whatever the bytes hold; the bus checks it is an envelope. May throw on garbage. */
  decode(raw: Buffer): unknown;
}

/** JSON, UTF-8. Payloads must be JSON-safe (no bigint, no Date objects). */
export const jsonCodec: EnvelopeCodec = {
  name: 'json',
  encode: (envelope) => JSON.stringify(envelope),
  decode: (raw) => JSON.parse(raw.toString('utf8')),
};
