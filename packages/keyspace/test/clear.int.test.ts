import { topologyKinds } from '@coordis/testkit';
import type { Cluster, Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AnyNamespace, codecs, createKeyspace, isKeyspaceArgumentError, seg } from '../src/index.js';
import { deploy } from './support/topology.js';

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  let redis: Redis | Cluster;
  beforeAll(() => {
    redis = d.client;
  });

  /** Writes keys fast: batches of 10 000 SETs (a pipeline on one primary; a Cluster routes each by slot). */
  async function fill(keys: Iterable<string | Buffer>): Promise<number> {
    let batch: (string | Buffer)[] = [];
    let n = 0;
    const flush = async () => {
      if (redis.isCluster) await Promise.all(batch.map((k) => redis.set(k, '1')));
      else {
        const p = redis.pipeline();
        for (const k of batch) p.set(k, '1');
        await p.exec();
      }
      batch = [];
    };
    for (const k of keys) {
      batch.push(k);
      if (++n % 10_000 === 0) await flush();
    }
    await flush();
    return n;
  }

  async function countOwned(ns: AnyNamespace): Promise<number> {
    let count = 0;
    for (const node of d.primaries()) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scanBuffer(cursor, 'COUNT', 5000);
        count += keys.filter((k) => ns.owns(k)).length;
        cursor = next.toString();
      } while (cursor !== '0');
    }
    return count;
  }

  async function flushAll(): Promise<void> {
    await Promise.all(d.primaries().map((node) => node.flushall()));
  }

  async function dbSize(): Promise<number> {
    const sizes = await Promise.all(d.primaries().map((node) => node.dbsize()));
    return sizes.reduce((a, b) => a + b, 0);
  }

  describe('clearing a namespace', () => {
    it('removes 100k keys of a text namespace and leaves every other namespace intact', async () => {
      await flushAll();
      const ks = createKeyspace({ app: 'clear' });
      // Prefix 4 (KV_RATE_LIMIT_LOITER) beside 40, 41 and 42: `clear:4:*` must not reach `clear:40:…`.
      const target = ks.stalwart.KV_RATE_LIMIT_LOITER;
      const ip = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      const neighbour = ks.define({ name: 'NEIGHBOUR', prefix: 40, segments: [seg.u32('n')], value: codecs.string });
      const tagged = ks.define({
        name: 'TAGGED',
        prefix: 41,
        segments: [seg.string('t'), seg.u32('n')],
        hashTag: ['t'],
        value: codecs.string,
      });
      const single = ks.define({ name: 'SINGLE', prefix: 42, segments: [], value: codecs.string });
      // The same namespace in another application's keyspace: its keys must survive.
      const otherApp = createKeyspace({ app: 'clear2' }).stalwart.KV_RATE_LIMIT_LOITER;

      const written = await fill(
        (function* () {
          for (let n = 0; n < 100_000; n++) yield target.key({ ip: ip(n), window: BigInt(n % 3) });
        })(),
      );
      expect(written).toBe(100_000);
      const others = await fill([
        ...Array.from({ length: 1000 }, (_, n) => neighbour.key({ n })),
        ...Array.from({ length: 1000 }, (_, n) => tagged.key({ t: `{:%}${n % 7}`, n })),
        ...Array.from({ length: 1000 }, (_, n) => otherApp.key({ ip: ip(n), window: 0n })),
        single.key({}),
        // Matches the namespace's SCAN pattern but is no key of it: it is left alone.
        'clear:4:not-an-ip:0',
        'clear:4',
        'unrelated',
      ]);

      const result = await target.on(redis).clear();

      expect(result.deleted).toBe(100_000);
      expect(result.skipped).toBeGreaterThanOrEqual(1);
      expect(await countOwned(target)).toBe(0);
      expect(await dbSize()).toBe(others);
      expect(await countOwned(neighbour)).toBe(1000);
      expect(await countOwned(tagged)).toBe(1000);
      expect(await countOwned(otherApp)).toBe(1000);
      const survivors = await Promise.all(['clear:4:not-an-ip:0', 'clear:4', 'unrelated', single.key({})].map((k) => redis.exists(k)));
      expect(survivors).toEqual([1, 1, 1, 1]);
    });

    it('removes binary keys by prefix byte, escaping a prefix that is a glob character, and leaves foreign keys', async () => {
      await flushAll();
      const ks = createKeyspace({ mode: 'binary' });
      // 0x2a is '*' and 0x5b is '[': unescaped, SCAN MATCH would read them as patterns.
      const star = ks.define({ name: 'STAR', prefix: 0x2a, segments: [seg.u32('n'), seg.string('s')], value: codecs.string });
      const bracket = ks.define({ name: 'BRACKET', prefix: 0x5b, segments: [seg.u64('n')], value: codecs.string });
      const tasks = ks.stalwart.KV_LOCK_TASK;
      await fill(Array.from({ length: 20_000 }, (_, n) => star.key({ n, s: n % 2 ? '' : 'x' })));
      await fill([
        ...Array.from({ length: 500 }, (_, n) => bracket.key({ n })),
        ...Array.from({ length: 500 }, (_, n) => tasks.key({ taskId: n })),
        // Starts with 0x2a but is too short to be a STAR key (u32 needs 4 bytes).
        Buffer.from([0x2a, 1, 2]),
      ]);

      const result = await star.on(redis).clear({ batchSize: 500 });

      expect(result.deleted).toBe(20_000);
      // Only the foreign 0x2a key matched: an unescaped '*' pattern would have matched every key.
      expect(result.skipped).toBeGreaterThanOrEqual(1);
      expect(result.skipped).toBeLessThan(500);
      expect(await countOwned(star)).toBe(0);
      expect(await countOwned(bracket)).toBe(500);
      expect(await countOwned(tasks)).toBe(500);
      expect(await redis.exists(Buffer.from([0x2a, 1, 2]))).toBe(1);
    });

    it('removes the one key of a namespace without segments', async () => {
      const ns = createKeyspace({ app: 'clear' }).define({ name: 'SINGLE', prefix: 42, segments: [], value: codecs.string });
      await ns.on(redis).set({}, 'v');
      expect(await ns.on(redis).clear()).toEqual({ deleted: 1, skipped: 0 });
      expect(await ns.on(redis).exists({})).toBe(false);
    });

    it('refuses a client with an ioredis keyPrefix, whose keys SCAN would never match', async () => {
      const prefixed = await d.connectAnother({ keyPrefix: 'tenant:' });
      const ns = createKeyspace().define({ name: 'X', prefix: 40, segments: [seg.u32('n')], value: codecs.string });
      await expect(ns.on(prefixed).clear()).rejects.toSatisfy(isKeyspaceArgumentError);
    });

    it('refuses a batch size that is not a whole number of keys', async () => {
      const ns = createKeyspace().define({ name: 'X', prefix: 40, segments: [seg.u32('n')], value: codecs.string });
      await expect(ns.on(redis).clear({ batchSize: 0 })).rejects.toSatisfy(isKeyspaceArgumentError);
    });
  });
});
