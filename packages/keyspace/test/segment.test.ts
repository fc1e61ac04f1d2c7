import { describe, expect, it } from 'vitest';
import { createKeyspace, isSegmentDefinitionError, isSegmentValueError, type KeyMaterial, SegmentValueError, seg } from '../src/index.js';
import type { AnySegment, Refuse } from '../src/segment.js';

const refuse: Refuse = (problem, fix) => {
  throw new SegmentValueError('test', 'test', problem, fix);
};

/** Canonical value, then binary and text encodings decoded back. */
function roundTrips(s: AnySegment, input: unknown): { canonical: unknown; fromBytes: unknown; fromText: unknown } {
  const canonical = s.canonical(input, refuse);
  return { canonical, fromBytes: s.fromBytes(s.toBytes(canonical)), fromText: s.fromText(s.toText(canonical)) };
}

function expectRoundTrip(s: AnySegment, input: unknown, canonical: unknown = input): void {
  const r = roundTrips(s, input);
  expect(r.canonical).toEqual(canonical);
  expect(r.fromBytes).toEqual(canonical);
  expect(r.fromText).toEqual(canonical);
}

const SEPARATOR_LADEN = ['', ':', '::', '%', '%3A', '%25', '{', '}', '{}', '{a}', 'a:b{c}d%e', 'coordis:1:x', '\\*?[]', ' \t\n\r\0'];
const UNICODE = ['é', 'ünïcödé', '日本語', '🚀', 'e\u0301', '\uFEFFbom', '\u{10FFFF}', 'Ω≈ç√'];

describe('seg.string', () => {
  it('round-trips empty, unicode and separator-laden text in both encodings', () => {
    for (const v of [...SEPARATOR_LADEN, ...UNICODE, 'x'.repeat(10_000)]) expectRoundTrip(seg.string('s'), v);
  });

  it('encodes UTF-8 bytes in binary keys', () => {
    expect(seg.string('s').toBytes('é🚀').toString('hex')).toBe('c3a9f09f9a80');
  });

  it('refuses lone surrogates, which UTF-8 would turn into U+FFFD', () => {
    for (const v of ['\uD800', 'a\uDC00', '\uDBFFx', '\uDC00\uD800']) {
      expect(() => seg.string('s').canonical(v, refuse)).toThrow(/lone UTF-16 surrogate/);
    }
  });

  it('refuses bytes that are not UTF-8 when decoding a binary key', () => {
    expect(seg.string('s').fromBytes(Buffer.from([0xff]))).toBeUndefined();
    expect(seg.string('s').fromBytes(Buffer.from([0xc3]))).toBeUndefined();
    expect(seg.string('s').fromBytes(Buffer.from([0xed, 0xa0, 0x80]))).toBeUndefined();
  });

  it('refuses non-strings', () => {
    expect(() => seg.string('s').canonical(42 as unknown as string, refuse)).toThrow(/expected a string, got a number/);
  });
});

describe('seg.bytes', () => {
  it('round-trips empty, binary and separator-valued bytes in both encodings', () => {
    const samples = [[], [0], [0xff], [0x00, 0xff, 0x3a, 0x7b, 0x7d, 0x25], Array.from({ length: 256 }, (_, i) => i)];
    for (const b of samples) expectRoundTrip(seg.bytes('b'), Buffer.from(b));
  });

  it('accepts a Uint8Array and copies it, so a reused buffer cannot change the key', () => {
    const u = new Uint8Array([1, 2, 3]);
    const canonical = seg.bytes('b').canonical(u, refuse);
    u[0] = 9;
    expect(canonical).toEqual(Buffer.from([1, 2, 3]));
  });

  it('writes lower-case hex in text keys and refuses any other text', () => {
    expect(seg.bytes('b').toText(Buffer.from([0xab, 0x01]))).toBe('ab01');
    for (const t of ['AB01', 'abc', 'zz', '0x00']) expect(seg.bytes('b').fromText(t), t).toBeUndefined();
  });
});

describe('seg.fixedBytes', () => {
  it('round-trips values of its exact length', () => {
    expectRoundTrip(seg.fixedBytes('h', 32), Buffer.alloc(32, 0xff));
    expectRoundTrip(seg.fixedBytes('h', 1), Buffer.from([0]));
  });

  it('refuses other lengths, and decodes only its length', () => {
    expect(() => seg.fixedBytes('h', 4).canonical(Buffer.alloc(3), refuse)).toThrow(/exactly 4 bytes, got 3/);
    expect(seg.fixedBytes('h', 4).fromBytes(Buffer.alloc(5))).toBeUndefined();
    expect(seg.fixedBytes('h', 4).fromText('00')).toBeUndefined();
  });

  it('refuses a length that is not a whole number from 1 to 65536', () => {
    for (const n of [0, -1, 1.5, 65_537, Number.NaN]) {
      expect(() => seg.fixedBytes('h', n)).toThrow(expect.objectContaining({ code: 'COORDIS_KEYSPACE_SEGMENT_DEFINITION' }));
    }
  });
});

describe('seg.material', () => {
  const m = seg.material('subject');
  it('reduces a string, bytes and { ip } to bytes, and decodes to those bytes', () => {
    const cases: [KeyMaterial, string][] = [
      ['alice', '616c696365'],
      ['', ''],
      [Buffer.from([0, 255]), '00ff'],
      [{ ip: '192.0.2.1' }, 'c0000201'],
      [{ ip: '::ffff:192.0.2.1' }, 'c0000201'],
      [{ ip: '2001:db8::1' }, '20010db8000000000000000000000001'],
    ];
    for (const [input, hex] of cases) expectRoundTrip(m, input, Buffer.from(hex, 'hex'));
  });

  it('refuses an { ip } that is not an address and inputs of other types', () => {
    expect(() => m.canonical({ ip: 'nope' }, refuse)).toThrow(/not an IPv4 or IPv6 address/);
    expect(() => m.canonical(7 as unknown as KeyMaterial, refuse)).toThrow(/expected a string, bytes or \{ ip \}/);
  });
});

describe('seg.u8 / seg.u32', () => {
  it('round-trip their bounds', () => {
    for (const v of [0, 1, 127, 255]) expectRoundTrip(seg.u8('n'), v);
    for (const v of [0, 1, 255, 256, 0xffff_ffff]) expectRoundTrip(seg.u32('n'), v);
  });

  it('encode big-endian in binary keys and decimal in text keys', () => {
    expect(seg.u32('n').toBytes(0x01020304).toString('hex')).toBe('01020304');
    expect(seg.u8('n').toBytes(0xfe).toString('hex')).toBe('fe');
    expect(seg.u32('n').toText(42)).toBe('42');
  });

  it('refuse values out of range or not whole', () => {
    for (const v of [-1, 256, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => seg.u8('n').canonical(v, refuse), String(v)).toThrow(SegmentValueError);
    for (const v of [-1, 2 ** 32, 0.1]) expect(() => seg.u32('n').canonical(v, refuse), String(v)).toThrow(SegmentValueError);
  });

  it('decode only canonical decimal text within range', () => {
    for (const t of ['01', '-1', '+1', '1e3', ' 1', '4294967296', '99999999999', '']) expect(seg.u32('n').fromText(t), t).toBeUndefined();
    expect(seg.u8('n').fromText('256')).toBeUndefined();
  });
});

describe('seg.u64', () => {
  it('round-trips bigint bounds and safe numbers (as bigint)', () => {
    for (const v of [0n, 1n, 2n ** 53n, 2n ** 64n - 1n]) expectRoundTrip(seg.u64('n'), v);
    expectRoundTrip(seg.u64('n'), 42, 42n);
  });

  it('encodes big-endian in binary keys', () => {
    expect(seg.u64('n').toBytes(0x0102030405060708n).toString('hex')).toBe('0102030405060708');
  });

  it('refuses negatives, values past 2^64 − 1 and unsafe numbers', () => {
    for (const v of [-1n, 2n ** 64n, -1, 2 ** 53, 1.5])
      expect(() => seg.u64('n').canonical(v, refuse), String(v)).toThrow(SegmentValueError);
    expect(seg.u64('n').fromText('18446744073709551616')).toBeUndefined();
    expect(seg.u64('n').fromText('007')).toBeUndefined();
  });
});

describe('seg.ip', () => {
  const ip = seg.ip('ip');
  it('canonicalises every spelling of one address to one value', () => {
    expectRoundTrip(ip, '192.0.2.1');
    expectRoundTrip(ip, '2001:0DB8:0:0::1', '2001:db8::1');
    expectRoundTrip(ip, '::ffff:192.0.2.1', '192.0.2.1');
    expectRoundTrip(ip, '::', '::');
  });

  it('writes IPv6 with - for : in text keys, so no separator escapes are needed', () => {
    expect(ip.toText('2001:db8::1')).toBe('2001-db8--1');
    expect(ip.fromText('2001-db8--1')).toBe('2001:db8::1');
    for (const t of ['2001:db8::1', '2001-DB8--1', '2001-0db8--1', '1.2-3.4', '01.2.3.4', '']) expect(ip.fromText(t), t).toBeUndefined();
  });

  it('takes 4 or 16 bytes in binary keys and refuses IPv4-mapped 16-byte forms when decoding', () => {
    expect(ip.toBytes('192.0.2.1')).toHaveLength(4);
    expect(ip.toBytes('2001:db8::1')).toHaveLength(16);
    expect(ip.fromBytes(Buffer.from('00000000000000000000ffffc0000201', 'hex'))).toBeUndefined();
  });

  it('refuses text that is not an address, and zone ids', () => {
    for (const v of ['', 'example.org', '1.2.3.256', 'fe80::1%eth0'])
      expect(() => ip.canonical(v, refuse), v).toThrow(/not an IPv4 or IPv6 address/);
  });
});

describe('seg.enum', () => {
  const kind = seg.enum('kind', ['mail', 'calendar', 'contacts', ':{}%', ''] as const);
  it('round-trips each value, separator-laden and empty ones too', () => {
    for (const v of kind.values ?? []) expectRoundTrip(kind, v);
  });

  it('is one byte, its index, in binary keys', () => {
    expect(kind.width).toBe(1);
    expect(kind.toBytes('calendar')).toEqual(Buffer.from([1]));
    expect(kind.fromBytes(Buffer.from([5]))).toBeUndefined();
  });

  it('refuses values it does not list', () => {
    expect(() => kind.canonical('other' as 'mail', refuse)).toThrow(/one of: mail, calendar/);
    expect(kind.fromText('other')).toBeUndefined();
  });

  it('refuses empty, duplicate and oversized value lists', () => {
    const tooMany = Array.from({ length: 257 }, (_, i) => `v${i}`) as [string, ...string[]];
    for (const make of [() => seg.enum('e', ['a', 'a']), () => seg.enum('e', tooMany), () => seg.enum('e', [] as unknown as [string])]) {
      expect(make).toThrow(expect.objectContaining({ code: 'COORDIS_KEYSPACE_SEGMENT_DEFINITION' }));
    }
  });
});

describe('segment names', () => {
  it('refuse names callers could not pass as a property', () => {
    for (const name of ['', '1a', 'a-b', 'a b', 'x'.repeat(65)]) {
      expect(() => seg.string(name), name).toThrow(expect.objectContaining({ code: 'COORDIS_KEYSPACE_SEGMENT_DEFINITION' }));
    }
    try {
      seg.u32('not ok');
    } catch (e) {
      expect(isSegmentDefinitionError(e)).toBe(true);
    }
  });
});

describe('segment values through a namespace', () => {
  it('fail with a SegmentValueError naming the namespace and segment, never the value', () => {
    const ks = createKeyspace();
    const ns = ks.define({
      name: 'SECRET_CODES',
      prefix: 40,
      segments: [seg.ip('client'), seg.u32('account')],
      value: { name: 'x', encode: String, decode: String },
    });
    let caught: unknown;
    try {
      ns.key({ client: 'hunter2-secret', account: 1 });
    } catch (e) {
      caught = e;
    }
    expect(isSegmentValueError(caught)).toBe(true);
    expect(caught).toMatchObject({ namespace: 'SECRET_CODES', segment: 'client', code: 'COORDIS_KEYSPACE_SEGMENT' });
    expect(String((caught as Error).message)).not.toContain('hunter2');
  });

  it('fail naming the missing segment', () => {
    const ks = createKeyspace();
    const ns = ks.define({
      name: 'PAIRS',
      prefix: 41,
      segments: [seg.string('a'), seg.string('b')],
      value: { name: 'x', encode: String, decode: String },
    });
    expect(() => ns.key({ a: 'x' } as { a: string; b: string })).toThrow(/segment b: the value is missing/);
  });
});
