import { topologyKinds } from '@coordis/testkit';
import type { Cluster, Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { codecs, createKeyspace, isCodecError, isKeyspaceArgumentError, seg } from '../src/index.js';
import { deploy } from './support/topology.js';

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ks = createKeyspace({ app: 'it' });
const sessions = ks.define({
  name: 'SESSIONS',
  prefix: 40,
  segments: [seg.string('id')],
  value: codecs.json<{ user: string }>(),
  defaultTtlMs: 60_000,
});
const settings = ks.define({ name: 'SETTINGS', prefix: 41, segments: [seg.string('name')], value: codecs.string });
const hits = ks.define({ name: 'HITS', prefix: 42, segments: [seg.ip('ip')], value: codecs.number, defaultTtlMs: 60_000 });
const totals = ks.define({ name: 'TOTALS', prefix: 43, segments: [seg.u32('account')], value: codecs.number });
const blobs = ks.define({ name: 'BLOBS', prefix: 44, segments: [seg.bytes('id')], value: codecs.bytes });
const codes = ks.stalwart.KV_OAUTH.withCodec(codecs.string);

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  let redis: Redis | Cluster;
  beforeAll(() => {
    redis = d.client;
  });

  describe('TTLs', () => {
    it('gives set() the namespace default TTL', async () => {
      const store = sessions.on(redis);
      await store.set({ id: 'a' }, { user: 'u' });
      const ttl = await store.ttl({ id: 'a' });
      expect(ttl.state).toBe('expiring');
      if (ttl.state === 'expiring') {
        expect(ttl.ttlMs).toBeLessThanOrEqual(60_000);
        expect(ttl.ttlMs).toBeGreaterThan(0);
      }
    });

    it('lets a call override the default TTL', async () => {
      const store = sessions.on(redis);
      await store.set({ id: 'b' }, { user: 'u' }, { ttlMs: 5_000 });
      const ttl = await store.ttl({ id: 'b' });
      expect(ttl.state === 'expiring' && ttl.ttlMs <= 5_000).toBe(true);
    });

    it('lets a call write a key that never expires with ttlMs: null', async () => {
      const store = sessions.on(redis);
      await store.set({ id: 'c' }, { user: 'u' }, { ttlMs: null });
      expect(await store.ttl({ id: 'c' })).toEqual({ state: 'persistent' });
    });

    it('writes keys without expiry in a namespace without a default', async () => {
      const store = settings.on(redis);
      await store.set({ name: 'x' }, 'y');
      expect(await store.ttl({ name: 'x' })).toEqual({ state: 'persistent' });
      expect(await store.ttl({ name: 'missing' })).toEqual({ state: 'missing' });
    });

    it('drops a value once its TTL has passed', async () => {
      const store = settings.on(redis);
      await store.set({ name: 'short' }, 'lived', { ttlMs: 20 });
      await waitUntil(async () => !(await store.exists({ name: 'short' })));
      expect(await store.get({ name: 'short' })).toBeUndefined();
    });

    it('sets and reports a TTL with expire() and refuses TTLs Redis cannot take', async () => {
      const store = settings.on(redis);
      await store.set({ name: 'e' }, 'v');
      expect(await store.expire({ name: 'e' }, 10_000)).toBe(true);
      expect(await store.expire({ name: 'nope' }, 10_000)).toBe(false);
      const ttl = await store.ttl({ name: 'e' });
      expect(ttl.state === 'expiring' && ttl.ttlMs <= 10_000).toBe(true);
      for (const bad of [0, -5, 1.5, Number.NaN]) {
        await expect(store.expire({ name: 'e' }, bad)).rejects.toSatisfy(isKeyspaceArgumentError);
        await expect(store.set({ name: 'e' }, 'v', { ttlMs: bad })).rejects.toSatisfy(isKeyspaceArgumentError);
      }
    });
  });

  describe('get / set / delete / exists', () => {
    it('round-trips values through Redis with each codec', async () => {
      await sessions.on(redis).set({ id: 'j' }, { user: 'ünï:{}' });
      expect(await sessions.on(redis).get({ id: 'j' })).toEqual({ user: 'ünï:{}' });
      await settings.on(redis).set({ name: 'unicode:{}%' }, '日本語 🚀');
      expect(await settings.on(redis).get({ name: 'unicode:{}%' })).toBe('日本語 🚀');
      const bytes = Buffer.from([0, 255, 0x3a, 0x7b, 0x0d, 0x0a]);
      await blobs.on(redis).set({ id: Buffer.from([0, 0xff]) }, bytes);
      expect(await blobs.on(redis).get({ id: Buffer.from([0, 0xff]) })).toEqual(bytes);
    });

    it('writes only absent keys with onlyIf: absent, only present ones with onlyIf: present', async () => {
      const store = settings.on(redis);
      expect(await store.set({ name: 'once' }, 'first', { onlyIf: 'absent' })).toBe(true);
      expect(await store.set({ name: 'once' }, 'second', { onlyIf: 'absent' })).toBe(false);
      expect(await store.get({ name: 'once' })).toBe('first');
      expect(await store.set({ name: 'absent' }, 'x', { onlyIf: 'present' })).toBe(false);
      expect(await store.exists({ name: 'absent' })).toBe(false);
      expect(await store.set({ name: 'once' }, 'third', { onlyIf: 'present' })).toBe(true);
      expect(await store.get({ name: 'once' })).toBe('third');
    });

    it('deletes a key and reports whether it existed', async () => {
      const store = settings.on(redis);
      await store.set({ name: 'gone' }, 'v');
      expect(await store.exists({ name: 'gone' })).toBe(true);
      expect(await store.delete({ name: 'gone' })).toBe(true);
      expect(await store.delete({ name: 'gone' })).toBe(false);
      expect(await store.get({ name: 'gone' })).toBeUndefined();
    });

    it('reports a value its codec cannot read as a CodecError naming the namespace', async () => {
      await redis.set(totals.key({ account: 9 }), 'not a number');
      const e = await totals
        .on(redis)
        .get({ account: 9 })
        .catch((x: unknown) => x);
      expect(isCodecError(e)).toBe(true);
      expect(e).toMatchObject({ namespace: 'TOTALS', codec: 'number', direction: 'decode' });
    });
  });

  describe('increment', () => {
    it('creates a counter with the namespace default TTL and counts', async () => {
      const store = hits.on(redis);
      expect(await store.increment({ ip: '192.0.2.1' })).toBe(1);
      expect(await store.increment({ ip: '::ffff:192.0.2.1' }, { by: 4 })).toBe(5);
      expect(await store.get({ ip: '192.0.2.1' })).toBe(5);
      const ttl = await store.ttl({ ip: '192.0.2.1' });
      expect(ttl.state === 'expiring' && ttl.ttlMs <= 60_000).toBe(true);
    });

    it('never moves the expiry of an existing counter (a fixed window)', async () => {
      const store = hits.on(redis);
      await store.increment({ ip: '192.0.2.2' }, { ttlMs: 30_000 });
      await store.increment({ ip: '192.0.2.2' }, { ttlMs: 600_000 });
      const ttl = await store.ttl({ ip: '192.0.2.2' });
      expect(ttl.state === 'expiring' && ttl.ttlMs <= 30_000).toBe(true);
    });

    it('counts down with a negative increment and can create a counter without expiry', async () => {
      const store = totals.on(redis);
      expect(await store.increment({ account: 1 }, { by: -3 })).toBe(-3);
      expect(await store.ttl({ account: 1 })).toEqual({ state: 'persistent' });
      expect(await hits.on(redis).increment({ ip: '10.0.0.1' }, { ttlMs: null })).toBe(1);
      expect(await hits.on(redis).ttl({ ip: '10.0.0.1' })).toEqual({ state: 'persistent' });
    });

    it('loses no count and leaves the TTL set when 200 increments race', async () => {
      const store = hits.on(redis);
      const clients = await Promise.all(Array.from({ length: 4 }, () => d.connectAnother()));
      try {
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) => hits.on(clients[i % 4] as Redis | Cluster).increment({ ip: '2001:db8::7' })),
        );
        expect(new Set(results).size).toBe(200);
        expect(Math.max(...results)).toBe(200);
        expect((await store.ttl({ ip: '2001:db8::7' })).state).toBe('expiring');
      } finally {
        await Promise.all(clients.map((c) => c.quit()));
      }
    });

    it('refuses increments that are not whole numbers, and counters that hold text', async () => {
      const store = totals.on(redis);
      await expect(store.increment({ account: 2 }, { by: 1.5 })).rejects.toSatisfy(isKeyspaceArgumentError);
      await totals.on(redis).set({ account: 3 }, 1.5);
      await expect(store.increment({ account: 3 })).rejects.toSatisfy(isCodecError);
    });
  });

  describe('take', () => {
    it('reads and deletes a value in one step', async () => {
      const store = codes.on(redis);
      await store.set({ code: 'abc' }, 'grant', { ttlMs: 60_000 });
      expect(await store.take({ code: 'abc' })).toBe('grant');
      expect(await store.take({ code: 'abc' })).toBeUndefined();
      expect(await store.exists({ code: 'abc' })).toBe(false);
    });

    it('lets exactly one of 50 concurrent redemptions of one OAuth code succeed', async () => {
      const clients = await Promise.all(Array.from({ length: 10 }, () => d.connectAnother()));
      try {
        await codes.on(redis).set({ code: 'one-time' }, 'grant-for-alice', { onlyIf: 'absent', ttlMs: 60_000 });
        const attempts = await Promise.all(
          Array.from({ length: 50 }, (_, i) => codes.on(clients[i % 10] as Redis | Cluster).take({ code: 'one-time' })),
        );
        expect(attempts.filter((a) => a !== undefined)).toEqual(['grant-for-alice']);
        expect(attempts.filter((a) => a === undefined)).toHaveLength(49);
      } finally {
        await Promise.all(clients.map((c) => c.quit()));
      }
    });
  });

  describe('binary mode against a real server', () => {
    const bin = createKeyspace({ mode: 'binary' });

    it("counts in Stalwart's KV_RATE_LIMIT_AUTH bucket under the exact key bytes", async () => {
      const auth = bin.stalwart.KV_RATE_LIMIT_AUTH.on(redis);
      const values = { subject: { ip: '2001:db8::1' }, window: 30_000_000n } as const;
      expect(await auth.increment(values, { ttlMs: 60_000 })).toBe(1);
      const raw = Buffer.from(`05 20010db8 00000000 00000000 00000001 0000000001c9c380`.replaceAll(' ', ''), 'hex');
      expect(await redis.get(raw)).toBe('1');
    });

    it('takes a KV_OAUTH code written with binary bytes', async () => {
      const oauth = bin.stalwart.KV_OAUTH.on(redis);
      await oauth.set({ code: 'c0de' }, Buffer.from([1, 2, 3]));
      expect(await oauth.take({ code: 'c0de' })).toEqual(Buffer.from([1, 2, 3]));
    });
  });
});
