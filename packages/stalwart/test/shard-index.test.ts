import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { xxh3Of } from '../src/hashers.js';
import { createStalwartShards, isStalwartShardsError, shardIndex } from '../src/index.js';
import { SHARD_FIXTURES } from './fixtures/stalwart-fixtures.js';

describe('shardIndex', () => {
  // XXH3_64bits test vectors of the xxHash reference (seed 0): the empty input, and "abc" as
  // `xxhsum -H3` prints it.
  it.each([
    ['', '2d06800538d394c2'],
    ['abc', '78af5f94892f3950'],
  ])('hashes %j to the reference xxh3-64 %s', async (input, hex) => {
    expect((await xxh3Of(Buffer.from(input))).toString(16).padStart(16, '0')).toBe(hex);
  });

  it.each(SHARD_FIXTURES.map((f, i) => [i, f] as const))('hashes fixture key %i as the C reference xxHash does', async (_i, f) => {
    expect((await xxh3Of(Buffer.from(f.key, 'hex'))).toString(16).padStart(16, '0')).toBe(f.xxh3);
  });

  it('picks the store Stalwart picks for every fixture key and store count', async () => {
    let checked = 0;
    for (const f of SHARD_FIXTURES) {
      for (const [n, expected] of Object.entries(f.shards)) {
        expect(await shardIndex(Buffer.from(f.key, 'hex'), Number(n))).toBe(expected);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(100);
  });

  it('reduces the hash exactly for any store count, small or past 2^21', async () => {
    for (const f of SHARD_FIXTURES) {
      const hash = BigInt(`0x${f.xxh3}`);
      for (const n of [1, 6, 1000, 2 ** 21 - 1, 2 ** 21, 2 ** 32 + 15, Number.MAX_SAFE_INTEGER]) {
        expect(await shardIndex(Buffer.from(f.key, 'hex'), n)).toBe(Number(hash % BigInt(n)));
      }
    }
  });

  it('hashes a string key as its UTF-8 bytes', async () => {
    expect(await shardIndex('jörg', 7)).toBe(await shardIndex(Buffer.from('jörg', 'utf8'), 7));
  });

  it('refuses a sharded store of fewer than two stores, as Stalwart does', async () => {
    const one = [{} as Redis];
    await expect(createStalwartShards(one)).rejects.toSatisfy(isStalwartShardsError);
  });

  it('routes each key to the store its index names, in configuration order', async () => {
    const stores = [{ id: 0 }, { id: 1 }, { id: 2 }] as unknown as Redis[];
    const shards = await createStalwartShards(stores);
    for (const f of SHARD_FIXTURES) {
      const key = Buffer.from(f.key, 'hex');
      expect(shards.storeFor(key)).toBe(stores[f.shards[3] ?? -1]);
    }
  });
});
