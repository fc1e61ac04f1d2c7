import { CodecError } from './errors.js';
import { isWellFormed } from './segment.js';

/**
 * How a namespace's values are stored. `encode` may return text (sent as UTF-8) or bytes;
 * `decode` always gets the stored bytes. Write your own for any type: `{ name, encode, decode }`.
 */
export interface Codec<T> {
  /** Named in errors. */
  readonly name: string;
  /** The stored form; throw (a CodecError, ideally) for values the codec has no form for. */
  encode(value: T): string | Buffer;
  /** The value back from the stored bytes; throw for bytes this codec never writes. */
  decode(stored: Buffer): T;
}

/** The value type of a codec. */
export type CodecValue<C> = C extends Codec<infer T> ? T : never;

/** A value `JSON.stringify` writes and `JSON.parse` reads back unchanged. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

function text(codec: string, stored: Buffer): string {
  try {
    return utf8.decode(stored);
  } catch {
    throw new CodecError(codec, 'decode', 'the stored bytes are not UTF-8');
  }
}

const stringCodec: Codec<string> = {
  name: 'string',
  encode(value) {
    if (typeof value !== 'string') throw new CodecError('string', 'encode', `expected a string, got a ${typeof value}`);
    if (!isWellFormed(value))
      throw new CodecError('string', 'encode', 'the string holds a lone UTF-16 surrogate, which UTF-8 cannot carry');
    return value;
  },
  decode: (stored) => text('string', stored),
};

const numberCodec: Codec<number> = {
  name: 'number',
  encode(value) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new CodecError('number', 'encode', 'expected a finite number (NaN and ±Infinity have no stored form)');
    }
    // Shortest round-trip text: INCRBY reads integers written this way as counters. −0 is 0.
    return String(value);
  },
  decode(stored) {
    const s = text('number', stored);
    const n = Number(s);
    // Number('') is 0 and Number(' 1') is 1; only text a number prints as is accepted.
    if (s.trim() !== s || s === '' || !Number.isFinite(n)) throw new CodecError('number', 'decode', 'the stored text is not a number');
    return n;
  },
};

const bigintCodec: Codec<bigint> = {
  name: 'bigint',
  encode(value) {
    if (typeof value !== 'bigint') throw new CodecError('bigint', 'encode', `expected a bigint, got a ${typeof value}`);
    return value.toString(10);
  },
  decode(stored) {
    const s = text('bigint', stored);
    if (!INTEGER.test(s)) throw new CodecError('bigint', 'decode', 'the stored text is not an integer');
    return BigInt(s);
  },
};

const bytesCodec: Codec<Buffer> = {
  name: 'bytes',
  encode(value) {
    if (!(value instanceof Uint8Array)) throw new CodecError('bytes', 'encode', `expected a Buffer or Uint8Array, got a ${typeof value}`);
    return Buffer.from(value);
  },
  decode: (stored) => Buffer.from(stored),
};

function jsonCodec<T = JsonValue>(guard?: (value: unknown) => value is T): Codec<T> {
  return {
    name: 'json',
    encode(value) {
      let out: string | undefined;
      try {
        out = JSON.stringify(value);
      } catch {
        // The engine's message can quote the value; only the kind of failure is reported.
        throw new CodecError('json', 'encode', 'JSON.stringify failed (a cycle or a bigint)');
      }
      if (out === undefined) throw new CodecError('json', 'encode', 'the value has no JSON form (undefined, a function or a symbol)');
      if (!isWellFormed(out)) throw new CodecError('json', 'encode', 'the JSON holds a lone UTF-16 surrogate');
      return out;
    },
    decode(stored) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text('json', stored));
      } catch (e) {
        if (e instanceof CodecError) throw e;
        // JSON.parse quotes the text it failed on, which may be a secret: no message, no cause.
        throw new CodecError('json', 'decode', 'the stored text is not JSON');
      }
      if (guard && !guard(parsed)) throw new CodecError('json', 'decode', 'the stored JSON does not have the shape the guard expects');
      return parsed as T;
    },
  };
}

/**
 * The built-in value codecs. Set and map lookups compare members by their encoded bytes, so
 * use a codec that writes one value one way (json writes object keys in insertion order).
 */
export const codecs = {
  /** UTF-8 text. */
  string: stringCodec,
  /** A finite number as its shortest decimal text; integers are counters INCRBY can add to. */
  number: numberCodec,
  /** An integer of any size as decimal text, for counters past 2^53 (Stalwart's blob quota). */
  bigint: bigintCodec,
  /** Raw bytes, stored as they are. */
  bytes: bytesCodec,
  /**
   * JSON. Pass a type guard to check what is read back; without one the stored shape is
   * trusted (`T` defaults to `JsonValue`).
   */
  json: jsonCodec,
} as const;
