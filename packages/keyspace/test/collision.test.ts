import { describe, expect, it } from 'vitest';
import { type AnyNamespace, codecs, createKeyspace, type KeyMaterial, seg } from '../src/index.js';
import type { AnySegment, Refuse } from '../src/segment.js';
import { escapeSegment } from '../src/text-escape.js';

// A generated corpus of adversarial segment values (separators, escape look-alikes, hash-tag
// braces, other namespaces' heads, NUL and 0xff bytes, unicode, every spelling of an address),
// encoded by namespaces of both modes. Decoding is a function, so if every key decodes back to
// exactly the namespace and canonical values it came from, no two distinct inputs share a key.

const PER_NAMESPACE = 700;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRING_PIECES = [
  '',
  ':',
  '::',
  '%',
  '%3A',
  '%25',
  '%7B',
  '%7D',
  '%3a',
  '{',
  '}',
  '{}',
  '{x}',
  '}{',
  'coordis',
  'coordis:1:',
  ':1:',
  'coordis:200:{',
  '\0',
  '\u00ff',
  'é',
  'e\u0301',
  '🚀',
  '\uFEFF',
  '*',
  '?',
  '[',
  ']',
  '\\',
  'a',
  'b',
  '0',
  '7',
  '-',
  '.',
  ' ',
  '\n',
  '2001-db8--1',
];
const BYTE_POOL = [0x00, 0xff, 0x3a, 0x7b, 0x7d, 0x25, 0x2a, 0x01, 0x05, 0x61];
const IPS = [
  '192.0.2.1',
  '::ffff:192.0.2.1',
  '::ffff:c000:201',
  '0.0.0.0',
  '255.255.255.255',
  '10.0.0.1',
  '::',
  '::1',
  '0:0:0:0:0:0:0:1',
  '2001:db8::1',
  '2001:DB8:0::1',
  '2001:0db8:0000:0000:0000:0000:0000:0001',
  '2001:db8::1:0:0:1',
  'fe80::1',
  '::192.0.2.1',
  '1:2:3:4:5:6:7:8',
];

function generator(seed: number) {
  const rnd = mulberry32(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const string = () => Array.from({ length: int(7) }, () => pick(STRING_PIECES)).join('');
  const bytes = (length = int(9)) => Buffer.from(Array.from({ length }, () => (rnd() < 0.7 ? pick(BYTE_POOL) : int(256))));
  const material = (): KeyMaterial => {
    const r = rnd();
    return r < 0.4 ? string() : r < 0.7 ? bytes() : { ip: pick(IPS) };
  };
  return (s: AnySegment): unknown => {
    switch (s.kind) {
      case 'string':
        return string();
      case 'bytes':
        return bytes();
      case 'fixedBytes':
        return bytes(s.width);
      case 'material':
        return material();
      case 'u8':
        return pick([0, 1, 255, int(256)]);
      case 'u32':
        return pick([0, 1, 0xffff_ffff, 0x3a3a3a3a, 0x7b7d7b7d, int(2 ** 32)]);
      case 'u64':
        return pick([0n, 1n, 2n ** 64n - 1n, 0x3a3a3a3a3a3a3a3an, 7, BigInt(int(2 ** 32)) * BigInt(int(2 ** 32))]);
      case 'ip':
        return pick(IPS);
      case 'enum':
        return pick(s.values ?? []);
    }
  };
}

const refuse: Refuse = (problem) => {
  throw new Error(problem);
};

function identity(ns: AnyNamespace, values: Readonly<Record<string, unknown>>): string {
  return JSON.stringify([ns.name, ns.segments.map((s) => values[s.name])], (_, v) => (typeof v === 'bigint' ? `n${v}` : v));
}

/** Redis Cluster's hash tag rule: the text between the first `{` and the first `}` after it, if not empty. */
function redisHashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

interface Corpus {
  keys: Map<string, string>;
  inputs: number;
}

function encodeCorpus(
  namespaces: readonly AnyNamespace[],
  identify: (key: string | Buffer) => { namespace: AnyNamespace; values: Readonly<Record<string, unknown>> } | undefined,
  seed: number,
): Corpus {
  const next = generator(seed);
  const keys = new Map<string, string>();
  let inputs = 0;
  for (const ns of namespaces) {
    for (let i = 0; i < PER_NAMESPACE; i++) {
      const input = Object.fromEntries(ns.segments.map((s) => [s.name, next(s)]));
      const canonical = Object.fromEntries(ns.segments.map((s) => [s.name, s.canonical(input[s.name], refuse)]));
      const key = ns.key(input);
      const found = identify(key);
      expect(found?.namespace).toBe(ns);
      expect(found?.values).toEqual(canonical);
      const id = identity(ns, canonical);
      const keyText = typeof key === 'string' ? `t${key}` : `b${key.toString('hex')}`;
      const seen = keys.get(keyText);
      if (seen !== undefined) expect(seen).toBe(id);
      keys.set(keyText, id);
      inputs++;
    }
  }
  return { keys, inputs };
}

describe('adversarial segment values', () => {
  it('never collide across or within namespaces in text mode', () => {
    const ks = createKeyspace();
    const app = [
      ks.define({ name: 'T20', prefix: 20, segments: [seg.string('s')], value: codecs.string }),
      ks.define({ name: 'T200', prefix: 200, segments: [seg.string('a'), seg.string('b')], hashTag: ['a', 'b'], value: codecs.string }),
      ks.define({
        name: 'T201',
        prefix: 201,
        segments: [seg.string('a'), seg.bytes('b'), seg.enum('c', ['', ':', '{x}', 'plain'])],
        hashTag: ['a'],
        value: codecs.string,
      }),
      ks.define({ name: 'T202', prefix: 202, segments: [], value: codecs.string }),
      ks.define({
        name: 'T210',
        prefix: 210,
        segments: [seg.ip('ip'), seg.string('s'), seg.u32('n'), seg.bytes('b'), seg.material('m')],
        value: codecs.string,
      }),
    ];
    const namespaces: AnyNamespace[] = [...Object.values(ks.stalwart), ...app];
    const { keys, inputs } = encodeCorpus(namespaces, (k) => ks.identify(k), 1);
    expect(inputs).toBe(namespaces.length * PER_NAMESPACE);
    expect(new Set(keys.values()).size).toBe(keys.size);
    expect(keys.size).toBeGreaterThan(5000);
  });

  it('never collide across or within namespaces in binary mode', () => {
    const ks = createKeyspace({ mode: 'binary' });
    const app = [
      ks.define({ name: 'B40', prefix: 40, segments: [seg.u32('a'), seg.string('s'), seg.u64('c')], value: codecs.string }),
      ks.define({ name: 'B41', prefix: 41, segments: [seg.enum('e', ['x', 'y', 'z']), seg.u8('n'), seg.bytes('b')], value: codecs.string }),
      ks.define({ name: 'B42', prefix: 42, segments: [], value: codecs.string }),
      ks.define({ name: 'B43', prefix: 43, segments: [seg.ip('ip')], value: codecs.string }),
      ks.define({ name: 'B44', prefix: 0x7b, segments: [seg.fixedBytes('f', 3), seg.material('m')], value: codecs.string }),
    ];
    const namespaces: AnyNamespace[] = [...Object.values(ks.stalwart), ...app];
    const { keys, inputs } = encodeCorpus(namespaces, (k) => ks.identify(k), 2);
    expect(inputs).toBe(namespaces.length * PER_NAMESPACE);
    expect(new Set(keys.values()).size).toBe(keys.size);
    expect(keys.size).toBeGreaterThan(5000);
  });

  it('give one key to every spelling of one address', () => {
    const ks = createKeyspace();
    const scan = ks.stalwart.KV_RATE_LIMIT_SCAN;
    const spellings = ['2001:db8::1', '2001:DB8:0::1', '2001:0db8:0000:0000:0000:0000:0000:0001'];
    expect(new Set(spellings.map((ip) => scan.key({ ip, window: 1n }))).size).toBe(1);
    expect(scan.key({ ip: '::ffff:192.0.2.1', window: 1n })).toBe(scan.key({ ip: '192.0.2.1', window: 1n }));
  });

  it('never reach another keyspace’s keys', () => {
    const a = createKeyspace({ app: 'app' });
    const b = createKeyspace({ app: 'app.2' });
    const next = generator(3);
    for (let i = 0; i < 1000; i++) {
      const code = next(seg.string('s')) as string;
      expect(b.identify(a.stalwart.KV_OAUTH.key({ code }))).toBeUndefined();
      expect(a.identify(b.stalwart.KV_OAUTH.key({ code }))).toBeUndefined();
    }
  });

  it('never break or forge a Cluster hash tag', () => {
    const ks = createKeyspace();
    const tagged = ks.define({
      name: 'LOCK',
      prefix: 200,
      segments: [seg.string('resource'), seg.string('extra')],
      hashTag: ['resource'],
      value: codecs.string,
    });
    const sibling = ks.define({
      name: 'FENCE',
      prefix: 201,
      segments: [seg.string('resource'), seg.u64('n')],
      hashTag: ['resource'],
      value: codecs.number,
    });
    const plain = ks.define({ name: 'PLAIN', prefix: 202, segments: [seg.string('a'), seg.string('b')], value: codecs.string });
    const next = generator(4);
    const str = seg.string('s');
    for (let i = 0; i < 3000; i++) {
      const resource = next(str) as string;
      const extra = next(str) as string;
      const lockKey = tagged.key({ resource, extra });
      // The tag Redis hashes is exactly the escaped resource, whatever the other segments hold…
      expect(redisHashTag(lockKey)).toBe(escapeSegment(resource));
      // …so keys of namespaces tagged by the same resource land in one slot.
      expect(redisHashTag(sibling.key({ resource, n: BigInt(i) }))).toBe(redisHashTag(lockKey));
      // Untagged keys hold no brace: Redis hashes the whole key.
      expect(plain.key({ a: resource, b: extra })).not.toMatch(/[{}]/);
    }
  });
});
