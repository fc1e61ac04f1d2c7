import { SegmentDefinitionError } from './errors.js';
import { ipToOctets, octetsToIp } from './ip-address.js';

/** The kinds of key segment; each has one binary and one text encoding. */
export type SegmentKind = 'string' | 'bytes' | 'fixedBytes' | 'material' | 'u8' | 'u32' | 'u64' | 'ip' | 'enum';

/** Refuses a segment value: says what is wrong and how to fix it. Never returns. */
export type Refuse = (problem: string, fix: string) => never;

/**
 * One typed part of a key. `In` is what callers pass, `Out` the canonical value a key decodes
 * back to (an IP's canonical text, a u64 as bigint). The methods are the segment's encodings;
 * namespaces call them, and they are public so tests and tools can too.
 */
export interface Segment<N extends string, In, Out> {
  /** The property callers pass the value under. */
  readonly name: N;
  readonly kind: SegmentKind;
  /** Bytes the segment takes in a binary key; `undefined` when its length varies. */
  readonly width: number | undefined;
  /** An `enum` segment's values, in the order of their index byte; `undefined` for other kinds. */
  readonly values: readonly string[] | undefined;
  /** Validates a caller's value and returns its canonical form, or calls `refuse`. */
  canonical(value: In, refuse: Refuse): Out;
  /** The segment's bytes in a binary key. */
  toBytes(value: Out): Buffer;
  /** Inverts `toBytes`; `undefined` for bytes it never produces. */
  fromBytes(bytes: Buffer): Out | undefined;
  /** The segment's text in a text key, before escaping. */
  toText(value: Out): string;
  /** Inverts `toText`; `undefined` for text it never produces. */
  fromText(text: string): Out | undefined;
}

/** Any segment, whatever its name and value types (the methods are bivariant, so any segment fits). */
export type AnySegment = Segment<string, unknown, unknown>;

/** What a caller passes for a segment. */
export type SegmentInput<X> = X extends Segment<string, infer I, unknown> ? I : never;
/** What a key decodes back to for a segment. */
export type SegmentOutput<X> = X extends Segment<string, unknown, infer O> ? O : never;

/** The values a key is built from: one property per segment, named after it. */
export type KeyInput<S extends readonly AnySegment[]> = { readonly [X in S[number] as X['name']]: SegmentInput<X> };
/** The canonical values a key decodes to. */
export type KeyValues<S extends readonly AnySegment[]> = { readonly [X in S[number] as X['name']]: SegmentOutput<X> };

/**
 * Key material the way Stalwart builds it: raw bytes given as a UTF-8 string, bytes, or an IP
 * address (its 4 or 16 octets). Different inputs with the same bytes are the same material.
 */
export type KeyMaterial = string | Uint8Array | { readonly ip: string };

const SEGMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Empty text is the empty value: the escaping layer writes it as a lone `%`.
const HEX = /^(?:[0-9a-f]{2})*$/;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

// fatal: bytes that are not UTF-8 do not decode (no U+FFFD, which would make two keys one);
// ignoreBOM: a leading U+FEFF is part of the value, not a marker to drop.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * True when a string survives UTF-8 encoding unchanged. A lone surrogate becomes U+FFFD on the
 * wire, so two different strings would name one key; such strings are refused.
 */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

function checkName(name: string): void {
  if (!SEGMENT_NAME.test(name)) {
    throw new SegmentDefinitionError(
      JSON.stringify(name).slice(0, 80),
      'a segment name must start with a letter or _ and hold at most 64 letters, digits and _',
      'rename the segment (it becomes the property name callers pass)',
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'string') return `a string of ${value.length} UTF-16 units`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function toHex(bytes: Buffer): string {
  return bytes.toString('hex');
}

function fromHex(text: string): Buffer | undefined {
  return HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
}

function wellFormedString(value: unknown, refuse: Refuse): string {
  if (typeof value !== 'string') return refuse(`expected a string, got ${describe(value)}`, 'pass a string');
  if (!isWellFormed(value)) {
    return refuse(
      'the string holds a lone UTF-16 surrogate, which UTF-8 cannot carry (it would collide with U+FFFD)',
      'pass well-formed text (String.prototype.toWellFormed() repairs it)',
    );
  }
  return value;
}

function ownBytes(value: unknown, refuse: Refuse): Buffer {
  if (!(value instanceof Uint8Array)) return refuse(`expected bytes, got ${describe(value)}`, 'pass a Buffer or Uint8Array');
  // A copy: a caller reusing its buffer must not change a key already built.
  return Buffer.from(value);
}

function unsigned(name: string, bits: 8 | 32) {
  const max = bits === 8 ? 0xff : 0xffff_ffff;
  const width = bits / 8;
  return {
    name,
    width,
    values: undefined,
    canonical(value: number, refuse: Refuse): number {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
        return refuse(
          `expected an integer from 0 to ${max}, got ${typeof value === 'number' ? 'a number outside that range' : describe(value)}`,
          `pass a u${bits}`,
        );
      }
      return value;
    },
    toBytes(value: number): Buffer {
      const b = Buffer.alloc(width);
      b.writeUIntBE(value, 0, width);
      return b;
    },
    fromBytes(bytes: Buffer): number | undefined {
      return bytes.length === width ? bytes.readUIntBE(0, width) : undefined;
    },
    toText(value: number): string {
      return String(value);
    },
    fromText(text: string): number | undefined {
      if (!DECIMAL.test(text) || text.length > String(max).length) return undefined;
      const n = Number(text);
      return n <= max ? n : undefined;
    },
  };
}

/** The segment kinds, as factories: `seg.string('code')`, `seg.u64('taskId')`, … */
export const seg = {
  /** UTF-8 text of any length (variable width). */
  string<const N extends string>(name: N): Segment<N, string, string> {
    checkName(name);
    return {
      name,
      kind: 'string',
      width: undefined,
      values: undefined,
      canonical: (value, refuse) => wellFormedString(value, refuse),
      toBytes: (value) => Buffer.from(value, 'utf8'),
      fromBytes: (bytes) => decodeUtf8(bytes),
      toText: (value) => value,
      fromText: (text) => text,
    };
  },

  /** Raw bytes of any length (variable width); lower-case hex in text keys. */
  bytes<const N extends string>(name: N): Segment<N, Uint8Array, Buffer> {
    checkName(name);
    return {
      name,
      kind: 'bytes',
      width: undefined,
      values: undefined,
      canonical: (value, refuse) => ownBytes(value, refuse),
      toBytes: (value) => value,
      fromBytes: (bytes) => Buffer.from(bytes),
      toText: toHex,
      fromText: (text) => fromHex(text),
    };
  },

  /** Exactly `length` raw bytes (a hash, a fixed-size id); lower-case hex in text keys. */
  fixedBytes<const N extends string>(name: N, length: number): Segment<N, Uint8Array, Buffer> {
    checkName(name);
    if (!Number.isInteger(length) || length < 1 || length > 65_536) {
      throw new SegmentDefinitionError(name, 'fixedBytes needs a whole length from 1 to 65536', 'give the number of bytes every value has');
    }
    return {
      name,
      kind: 'fixedBytes',
      width: length,
      values: undefined,
      canonical: (value, refuse) => {
        const bytes = ownBytes(value, refuse);
        if (bytes.length !== length) return refuse(`expected exactly ${length} bytes, got ${bytes.length}`, `pass ${length} bytes`);
        return bytes;
      },
      toBytes: (value) => value,
      fromBytes: (bytes) => (bytes.length === length ? Buffer.from(bytes) : undefined),
      toText: toHex,
      fromText: (text) => {
        const bytes = fromHex(text);
        return bytes?.length === length ? bytes : undefined;
      },
    };
  },

  /**
   * Stalwart's untyped key material (variable width): a UTF-8 string, bytes or `{ ip }`, all
   * reduced to bytes, for namespaces where Stalwart keys by either an address or a name (the
   * AUTH and RCPT rate limits). Decodes to the bytes; lower-case hex in text keys.
   */
  material<const N extends string>(name: N): Segment<N, KeyMaterial, Buffer> {
    checkName(name);
    return {
      name,
      kind: 'material',
      width: undefined,
      values: undefined,
      canonical: (value, refuse) => {
        if (typeof value === 'string') return Buffer.from(wellFormedString(value, refuse), 'utf8');
        if (value instanceof Uint8Array) return Buffer.from(value);
        if (typeof value === 'object' && value !== null && typeof value.ip === 'string') {
          const octets = ipToOctets(value.ip);
          return (
            octets ?? refuse('ip is not an IPv4 or IPv6 address', 'pass an address such as 192.0.2.1 or 2001:db8::1, without a zone id')
          );
        }
        return refuse(`expected a string, bytes or { ip }, got ${describe(value)}`, 'pass the key material in one of those forms');
      },
      toBytes: (value) => value,
      fromBytes: (bytes) => Buffer.from(bytes),
      toText: toHex,
      fromText: (text) => fromHex(text),
    };
  },

  /** An integer 0–255: one byte. */
  u8<const N extends string>(name: N): Segment<N, number, number> {
    checkName(name);
    return { ...unsigned(name, 8), name, kind: 'u8' };
  },

  /** An integer 0–2³²−1 (an account id): four bytes, big-endian. */
  u32<const N extends string>(name: N): Segment<N, number, number> {
    checkName(name);
    return { ...unsigned(name, 32), name, kind: 'u32' };
  },

  /** An integer 0–2⁶⁴−1 (a task or queue id, a window number): eight bytes, big-endian; decodes to bigint. */
  u64<const N extends string>(name: N): Segment<N, bigint | number, bigint> {
    checkName(name);
    return {
      name,
      kind: 'u64',
      width: 8,
      values: undefined,
      canonical: (value, refuse) => {
        if (typeof value === 'number') {
          if (Number.isSafeInteger(value) && value >= 0) return BigInt(value);
          return refuse('a number must be a safe non-negative integer', 'pass a bigint for values above 2^53 − 1');
        }
        if (typeof value !== 'bigint')
          return refuse(`expected a bigint, got ${describe(value)}`, 'pass a bigint from 0n to 2n ** 64n − 1n');
        if (value < 0n || value > U64_MAX) return refuse('the bigint is outside 0 … 2^64 − 1', 'pass a u64');
        return value;
      },
      toBytes: (value) => {
        const b = Buffer.alloc(8);
        b.writeBigUInt64BE(value);
        return b;
      },
      fromBytes: (bytes) => (bytes.length === 8 ? bytes.readBigUInt64BE(0) : undefined),
      toText: (value) => value.toString(10),
      fromText: (text) => {
        if (!DECIMAL.test(text) || text.length > 20) return undefined;
        const n = BigInt(text);
        return n <= U64_MAX ? n : undefined;
      },
    };
  },

  /**
   * An IPv4 or IPv6 address: 4 or 16 octets (an IPv4-mapped IPv6 address as its IPv4 octets),
   * so variable width. Decodes to canonical text (RFC 5952 for IPv6); in text keys IPv6 is
   * written with `-` for `:` (2001-db8--1), as in ipv6-literal names.
   */
  ip<const N extends string>(name: N): Segment<N, string, string> {
    checkName(name);
    return {
      name,
      kind: 'ip',
      width: undefined,
      values: undefined,
      canonical: (value, refuse) => {
        if (typeof value !== 'string')
          return refuse(`expected an address as a string, got ${describe(value)}`, 'pass text such as 192.0.2.1');
        const octets = ipToOctets(value);
        const text = octets && octetsToIp(octets);
        return (
          text ?? refuse('the string is not an IPv4 or IPv6 address', 'pass an address such as 192.0.2.1 or 2001:db8::1, without a zone id')
        );
      },
      toBytes: (value) => ipToOctets(value) ?? Buffer.alloc(0),
      fromBytes: (bytes) => octetsToIp(bytes),
      toText: (value) => value.replaceAll(':', '-'),
      fromText: (text) => {
        if (text.includes(':')) return undefined;
        const address = text.replaceAll('-', ':');
        if (address.includes(':') === text.includes('.')) return undefined;
        const octets = ipToOctets(address);
        return octets && octetsToIp(octets) === address ? address : undefined;
      },
    };
  },

  /**
   * One of a fixed list of strings: one byte (its index) in binary keys, the string in text
   * keys. Append new values at the end: the index of existing ones must not move.
   */
  enum<const N extends string, const V extends readonly [string, ...string[]]>(name: N, values: V): Segment<N, V[number], V[number]> {
    checkName(name);
    const list: readonly string[] = values;
    if (list.length === 0 || list.length > 256) {
      throw new SegmentDefinitionError(name, `an enum holds 1 to 256 values, got ${list.length}`, 'list the values the segment can take');
    }
    if (new Set(list).size !== list.length) throw new SegmentDefinitionError(name, 'an enum value is listed twice', 'list each value once');
    if (!list.every((v) => typeof v === 'string' && isWellFormed(v))) {
      throw new SegmentDefinitionError(name, 'enum values must be well-formed strings', 'remove lone surrogates from the values');
    }
    const frozen = Object.freeze([...list]);
    const index = new Map(frozen.map((v, i) => [v, i]));
    const member = (v: string): v is V[number] => index.has(v);
    return {
      name,
      kind: 'enum',
      width: 1,
      values: frozen,
      canonical: (value, refuse) => {
        if (typeof value === 'string' && member(value)) return value;
        return refuse('the value is not one of the enum values', `pass one of: ${frozen.join(', ')}`);
      },
      toBytes: (value) => Buffer.of(index.get(value) ?? 0),
      fromBytes: (bytes) => {
        const v = bytes.length === 1 ? frozen[bytes[0] ?? 256] : undefined;
        return v !== undefined && member(v) ? v : undefined;
      },
      toText: (value) => value,
      fromText: (text) => (member(text) ? text : undefined),
    };
  },
} as const;
