import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  codecs,
  createKeyspace,
  isKeyspaceError,
  isKeyspaceOptionsError,
  isNamespaceConflictError,
  isNamespaceDefinitionError,
  isReservedPrefixError,
  KeyDecodeError,
  NamespaceConflictError,
  STALWART_PREFIXES,
  STALWART_RETIRED_PREFIXES,
  seg,
} from '../src/index.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe("Stalwart's table", () => {
  it('holds exactly the prefixes the issue lists', () => {
    expect(STALWART_PREFIXES).toEqual({
      KV_ACME: 0,
      KV_OAUTH: 1,
      KV_RATE_LIMIT_RCPT: 2,
      KV_RATE_LIMIT_SCAN: 3,
      KV_RATE_LIMIT_LOITER: 4,
      KV_RATE_LIMIT_AUTH: 5,
      KV_RATE_LIMIT_SMTP: 6,
      KV_RATE_LIMIT_CONTACT: 7,
      KV_RATE_LIMIT_HTTP_AUTHENTICATED: 8,
      KV_RATE_LIMIT_HTTP_ANONYMOUS: 9,
      KV_RATE_LIMIT_IMAP: 10,
      KV_QUOTA_BLOB: 11,
      KV_GREYLIST: 16,
      KV_LOCK_QUEUE_MESSAGE: 21,
      KV_LOCK_TASK: 23,
      KV_LOCK_DAV: 25,
      KV_SIEVE_ID: 26,
    });
  });

  it('is registered in every keyspace, in both modes', () => {
    for (const ks of [createKeyspace(), createKeyspace({ mode: 'binary' })]) {
      expect(ks.list().map((n) => [n.name, n.prefix])).toEqual(Object.entries(STALWART_PREFIXES));
      expect(ks.stalwart.KV_OAUTH.prefix).toBe(1);
      expect(ks.get('KV_LOCK_TASK')).toBe(ks.stalwart.KV_LOCK_TASK);
      expect(ks.byPrefix(26)?.name).toBe('KV_SIEVE_ID');
    }
  });
});

describe('createKeyspace', () => {
  it('makes text keys under the application prefix, coordis by default', () => {
    expect(createKeyspace().stalwart.KV_OAUTH.key({ code: 'abc' })).toBe('coordis:1:abc');
    expect(createKeyspace({ app: 'webhooks' }).stalwart.KV_OAUTH.key({ code: 'abc' })).toBe('webhooks:1:abc');
  });

  it('makes binary keys in binary mode', () => {
    expect(createKeyspace({ mode: 'binary' }).stalwart.KV_OAUTH.key({ code: 'abc' })).toEqual(Buffer.from([1, 0x61, 0x62, 0x63]));
  });

  it('types keys as strings in text mode and Buffers in binary mode', () => {
    expectTypeOf(createKeyspace().stalwart.KV_OAUTH.key({ code: 'x' })).toEqualTypeOf<string>();
    expectTypeOf(createKeyspace({ mode: 'binary' }).stalwart.KV_OAUTH.key({ code: 'x' })).toEqualTypeOf<Buffer>();
  });

  it('refuses application prefixes that carry meaning in keys or SCAN patterns', () => {
    for (const app of ['', 'a:b', 'a{b}', 'a*', 'a?', 'a[b]', 'a b', '-a', 'x'.repeat(65), 'é']) {
      expect(isKeyspaceOptionsError(thrown(() => createKeyspace({ app }))), app).toBe(true);
    }
    expect(isKeyspaceOptionsError(thrown(() => createKeyspace({ mode: 'binary', app: 'x' } as never)))).toBe(true);
    expect(isKeyspaceOptionsError(thrown(() => createKeyspace({ mode: 'hex' } as never)))).toBe(true);
  });
});

describe('keyspace.define', () => {
  it('refuses a taken prefix with an error naming both namespaces', () => {
    const ks = createKeyspace();
    const e = thrown(() => ks.define({ name: 'MY_CODES', prefix: 1, segments: [seg.string('code')], value: codecs.string }));
    expect(isNamespaceConflictError(e)).toBe(true);
    expect(e).toMatchObject({ existing: 'KV_OAUTH', attempted: 'MY_CODES', conflict: 'prefix', prefix: 1 });
    expect((e as Error).message).toMatch(/MY_CODES.*KV_OAUTH/);
  });

  it('refuses a taken name with another layout, naming both', () => {
    const ks = createKeyspace();
    ks.define({ name: 'SESSIONS', prefix: 40, segments: [seg.string('id')], value: codecs.string });
    const e = thrown(() => ks.define({ name: 'SESSIONS', prefix: 41, segments: [seg.string('id')], value: codecs.string }));
    expect(e).toBeInstanceOf(NamespaceConflictError);
    expect(e).toMatchObject({ existing: 'SESSIONS', attempted: 'SESSIONS', conflict: 'name' });
    expect(isKeyspaceError(e)).toBe(true);
  });

  it('returns the namespace again for an identical definition (a package set up twice)', () => {
    const ks = createKeyspace();
    const def = { name: 'LOCKS', prefix: 200, segments: [seg.string('resource')], value: codecs.string } as const;
    const a = ks.define(def);
    const b = ks.define({ ...def, value: codecs.json() });
    expect(b.key({ resource: 'x' })).toBe(a.key({ resource: 'x' }));
    expect(b.value.name).toBe('json');
    expect(ks.get('LOCKS')).toBe(a);
  });

  it('refuses a redefinition that changes a segment kind', () => {
    const ks = createKeyspace();
    ks.define({ name: 'JOBS', prefix: 60, segments: [seg.u32('id')], value: codecs.string });
    expect(
      isNamespaceConflictError(thrown(() => ks.define({ name: 'JOBS', prefix: 60, segments: [seg.u64('id')], value: codecs.string }))),
    ).toBe(true);
  });

  it('refuses names, prefixes and segments no key can be built from', () => {
    const ks = createKeyspace();
    const bad = [
      () => ks.define({ name: 'bad name', prefix: 40, segments: [], value: codecs.string }),
      () => ks.define({ name: 'X', prefix: 256, segments: [], value: codecs.string }),
      () => ks.define({ name: 'X', prefix: -1, segments: [], value: codecs.string }),
      () => ks.define({ name: 'X', prefix: 1.5, segments: [], value: codecs.string }),
      () => ks.define({ name: 'X', prefix: 40, segments: [seg.string('a'), seg.u32('a')], value: codecs.string }),
      () => ks.define({ name: 'X', prefix: 40, segments: [], value: {} as never }),
      () => ks.define({ name: 'X', prefix: 40, segments: [], value: codecs.string, defaultTtlMs: 0 }),
      () => ks.define({ name: 'X', prefix: 40, segments: [], value: codecs.string, defaultTtlMs: 1.5 }),
    ];
    for (const [i, fn] of bad.entries()) expect(isNamespaceDefinitionError(thrown(fn)), String(i)).toBe(true);
  });

  it('refuses in binary mode two variable-length segments, which raw concatenation would confuse', () => {
    const ks = createKeyspace({ mode: 'binary' });
    const e = thrown(() => ks.define({ name: 'PAIRS', prefix: 40, segments: [seg.string('a'), seg.ip('b')], value: codecs.string }));
    expect(isNamespaceDefinitionError(e)).toBe(true);
    expect((e as Error).message).toMatch(/segments a and b both vary in length/);
  });

  it('accepts in binary mode one variable-length segment anywhere, between fixed ones', () => {
    const ks = createKeyspace({ mode: 'binary' });
    const ns = ks.define({ name: 'MIXED', prefix: 40, segments: [seg.u32('a'), seg.string('b'), seg.u64('c')], value: codecs.string });
    const key = ns.key({ a: 1, b: 'x\u0000\u0001', c: 2n });
    expect(ns.parseKey(key)).toEqual({ a: 1, b: 'x\u0000\u0001', c: 2n });
  });

  it('accepts two variable-length segments in text mode, where escaping separates them', () => {
    const ks = createKeyspace();
    const ns = ks.define({ name: 'PAIRS', prefix: 40, segments: [seg.string('a'), seg.string('b')], value: codecs.string });
    expect(ns.key({ a: 'x:', b: 'y' })).not.toBe(ns.key({ a: 'x', b: ':y' }));
  });

  it("refuses in binary mode the prefixes Stalwart retired, since Stalwart's maintenance deletes them", () => {
    const ks = createKeyspace({ mode: 'binary' });
    for (const prefix of STALWART_RETIRED_PREFIXES) {
      const e = thrown(() => ks.define({ name: `APP_${prefix}`, prefix, segments: [], value: codecs.string }));
      expect(isReservedPrefixError(e)).toBe(true);
      expect(e).toMatchObject({ namespace: `APP_${prefix}`, prefix });
    }
    expect(ks.define({ name: 'APP_28', prefix: 28, segments: [], value: codecs.string }).prefix).toBe(28);
  });

  it('allows the retired prefixes in text mode, where Stalwart never looks', () => {
    expect(createKeyspace().define({ name: 'APP_12', prefix: 12, segments: [], value: codecs.string }).key({})).toBe('coordis:12');
  });
});

describe('hash tags', () => {
  it('wrap the leading tag segments in one {…}, so namespaces tagged alike share a slot', () => {
    const ks = createKeyspace();
    const locks = ks.define({ name: 'LOCK', prefix: 200, segments: [seg.string('resource')], hashTag: ['resource'], value: codecs.string });
    const fences = ks.define({
      name: 'FENCE',
      prefix: 201,
      segments: [seg.string('resource'), seg.u32('shard')],
      hashTag: ['resource'],
      value: codecs.number,
    });
    expect(locks.key({ resource: 'orders' })).toBe('coordis:200:{orders}');
    expect(fences.key({ resource: 'orders', shard: 3 })).toBe('coordis:201:{orders}:3');
  });

  it('escape braces in values, and never write an empty tag', () => {
    const ks = createKeyspace();
    const ns = ks.define({
      name: 'T',
      prefix: 200,
      segments: [seg.string('a'), seg.string('b')],
      hashTag: ['a', 'b'],
      value: codecs.string,
    });
    expect(ns.key({ a: '}{', b: '' })).toBe('coordis:200:{%7D%7B:%}');
    expect(ns.key({ a: '', b: '' })).toBe('coordis:200:{%:%}');
    expect(ns.parseKey('coordis:200:{%7D%7B:%}')).toEqual({ a: '}{', b: '' });
  });

  it('must be a leading run of the segments', () => {
    const ks = createKeyspace();
    const e = thrown(() =>
      ks.define({ name: 'T', prefix: 200, segments: [seg.string('a'), seg.string('b')], hashTag: ['b'], value: codecs.string }),
    );
    expect(isNamespaceDefinitionError(e)).toBe(true);
  });

  it('are refused in binary mode, whose layout (Stalwart’s) has none', () => {
    const ks = createKeyspace({ mode: 'binary' });
    const e = thrown(() => ks.define({ name: 'T', prefix: 200, segments: [seg.string('a')], hashTag: ['a'], value: codecs.string }));
    expect((e as Error).message).toMatch(/no hash tags/);
  });
});

describe('namespace.parseKey and keyspace.identify', () => {
  const ks = createKeyspace();
  const ns = ks.define({ name: 'EVENTS', prefix: 42, segments: [seg.string('stream'), seg.u64('seq')], value: codecs.string });

  it('give back the values a key was built from', () => {
    const key = ns.key({ stream: 'a:b', seq: 7 });
    expect(ns.parseKey(key)).toEqual({ stream: 'a:b', seq: 7n });
    expect(ks.identify(key)).toEqual({ namespace: ns, values: { stream: 'a:b', seq: 7n } });
    expect(ks.identify(Buffer.from(key))).toMatchObject({ namespace: ns });
  });

  it('refuse keys of other namespaces and non-canonical spellings', () => {
    for (const key of [
      'coordis:4:x:7',
      'coordis:42:x',
      'coordis:42:x:07',
      'coordis:42:x:7:8',
      'coordis:42:a:b:7',
      'other:42:x:7',
      'coordis:42::7',
      'coordis:42:x%3a:7',
    ]) {
      expect(() => ns.parseKey(key), key).toThrow(KeyDecodeError);
      expect(ns.owns(key), key).toBe(false);
    }
    expect(ks.identify('coordis:99:x')).toBeUndefined();
    expect(ks.identify('unrelated')).toBeUndefined();
  });

  it('identify binary keys by their first byte', () => {
    const bin = createKeyspace({ mode: 'binary' });
    const key = bin.stalwart.KV_LOCK_TASK.key({ taskId: 5n });
    expect(bin.identify(key)).toEqual({ namespace: bin.stalwart.KV_LOCK_TASK, values: { taskId: 5n } });
    expect(bin.identify(Buffer.from([0x17, 1]))).toBeUndefined();
  });
});

describe('value namespaces', () => {
  it('read and write through another codec with withCodec, keeping the keys', () => {
    const ks = createKeyspace();
    const oauth = ks.stalwart.KV_OAUTH.withCodec(codecs.json<{ client: string }>());
    expect(oauth.key({ code: 'c' })).toBe(ks.stalwart.KV_OAUTH.key({ code: 'c' }));
    expect(oauth.value.name).toBe('json');
  });

  it('allow increment only on namespaces of numbers (checked by TypeScript)', () => {
    const ks = createKeyspace();
    const counters = ks.define({ name: 'C', prefix: 40, segments: [], value: codecs.number });
    const names = ks.define({ name: 'N', prefix: 41, segments: [], value: codecs.string });
    expectTypeOf(counters.on).returns.toHaveProperty('increment');
    // The `this` parameter of increment only accepts stores of numbers.
    type IncrementThis<T> = T extends { increment(this: infer S, ...a: never[]): unknown } ? S : never;
    type NameStore = ReturnType<typeof names.on>;
    expectTypeOf<NameStore>().not.toExtend<IncrementThis<NameStore>>();
  });
});
