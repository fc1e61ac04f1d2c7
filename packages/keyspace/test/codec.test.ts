import { describe, expect, it } from 'vitest';
import { type Codec, CodecError, codecs, isCodecError, type JsonValue } from '../src/index.js';

/** What a value reads back as after a write: the codec's output as Redis stores it (bytes). */
function roundTrip<T>(codec: Codec<T>, value: T): T {
  const encoded = codec.encode(value);
  return codec.decode(typeof encoded === 'string' ? Buffer.from(encoded, 'utf8') : encoded);
}

describe('codecs.string', () => {
  it('round-trips empty, unicode and separator-laden text', () => {
    for (const v of ['', 'plain', ':{}%', '日本語 🚀', '\uFEFFbom', '\0\n', 'x'.repeat(100_000)])
      expect(roundTrip(codecs.string, v)).toBe(v);
  });

  it('refuses lone surrogates on write and non-UTF-8 bytes on read', () => {
    expect(() => codecs.string.encode('\uD800')).toThrow(CodecError);
    expect(() => codecs.string.decode(Buffer.from([0xff]))).toThrow(/not UTF-8/);
  });
});

describe('codecs.number', () => {
  it('round-trips integers, fractions, negatives and the extremes', () => {
    for (const v of [0, 1, -1, 0.1, 1e21, -1e-7, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE]) {
      expect(roundTrip(codecs.number, v)).toBe(v);
    }
  });

  it('writes integers as INCRBY reads them', () => {
    expect(codecs.number.encode(42)).toBe('42');
    expect(codecs.number.encode(-7)).toBe('-7');
  });

  it('reads −0 back as 0', () => {
    expect(Object.is(roundTrip(codecs.number, -0), 0)).toBe(true);
  });

  it('refuses NaN and infinities on write and non-numbers on read', () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(() => codecs.number.encode(v)).toThrow(CodecError);
    for (const t of ['', ' 1', '1 ', 'abc', 'Infinity', '1,5']) expect(() => codecs.number.decode(Buffer.from(t)), t).toThrow(CodecError);
  });
});

describe('codecs.bigint', () => {
  it('round-trips integers past 2^53 and negatives', () => {
    for (const v of [0n, -1n, 2n ** 63n - 1n, 2n ** 64n + 5n, -(2n ** 70n)]) expect(roundTrip(codecs.bigint, v)).toBe(v);
  });

  it('refuses text that is not an integer', () => {
    for (const t of ['', '1.5', '01', '+1', '1e3', ' 1']) expect(() => codecs.bigint.decode(Buffer.from(t)), t).toThrow(CodecError);
  });
});

describe('codecs.bytes', () => {
  it('round-trips empty and arbitrary bytes', () => {
    for (const b of [[], [0], [0xff, 0x00, 0x3a], Array.from({ length: 256 }, (_, i) => i)]) {
      expect(roundTrip(codecs.bytes, Buffer.from(b))).toEqual(Buffer.from(b));
    }
  });

  it('refuses values that are not bytes', () => {
    expect(() => codecs.bytes.encode('text' as unknown as Buffer)).toThrow(CodecError);
  });
});

describe('codecs.json', () => {
  it('round-trips JSON values, unicode and separators included', () => {
    const values: JsonValue[] = [null, true, 0, 'x', [], {}, { a: [1, 'b', { c: null }], 'k:{}': '🚀' }];
    for (const v of values) expect(roundTrip(codecs.json(), v)).toEqual(v);
  });

  it('checks what it reads with a guard when given one', () => {
    const isUser = (v: unknown): v is { id: number } =>
      typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'number';
    const codec = codecs.json(isUser);
    expect(roundTrip(codec, { id: 7 })).toEqual({ id: 7 });
    expect(() => codec.decode(Buffer.from('{"id":"7"}'))).toThrow(/shape the guard expects/);
  });

  it('refuses values without a JSON form', () => {
    const codec = codecs.json<unknown>();
    expect(() => codec.encode(undefined)).toThrow(/no JSON form/);
    expect(() => codec.encode(1n)).toThrow(/JSON.stringify failed/);
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(() => codec.encode(cyclic)).toThrow(CodecError);
  });

  it('reports unparsable JSON without quoting the stored text', () => {
    let caught: unknown;
    try {
      codecs.json().decode(Buffer.from('secret-oauth-code'));
    } catch (e) {
      caught = e;
    }
    expect(isCodecError(caught)).toBe(true);
    expect((caught as Error).message).not.toContain('secret');
    expect((caught as Error).cause).toBeUndefined();
  });
});

describe('a codec of your own', () => {
  it('is any { name, encode, decode }', () => {
    const date: Codec<Date> = { name: 'date', encode: (d) => d.toISOString(), decode: (b) => new Date(b.toString('utf8')) };
    const d = new Date('2026-01-02T03:04:05.678Z');
    expect(roundTrip(date, d)).toEqual(d);
  });
});
