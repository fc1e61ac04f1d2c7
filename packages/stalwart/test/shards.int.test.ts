import { type StandaloneTopology, startStandalone } from '@coordis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStalwartShards, type StalwartShards, shardIndex, stalwartLocks, stalwartRateLimits } from '../src/index.js';
import { SHARD_FIXTURES } from './fixtures/stalwart-fixtures.js';

// Three servers stand for the three stores of a Stalwart sharded in-memory store, in the order
// of its configuration.

let servers: StandaloneTopology[];
let stores: Redis[];
let shards: StalwartShards;

beforeAll(async () => {
  servers = await Promise.all([startStandalone(), startStandalone(), startStandalone()]);
  stores = servers.map((s) => new Redis(s.url));
  shards = await createStalwartShards(stores);
});

afterAll(async () => {
  for (const s of stores ?? []) s.disconnect();
  await Promise.all((servers ?? []).map((s) => s.stop()));
});

describe('a client over Stalwart’s sharded in-memory store', () => {
  it('reads each fixture key from the store Stalwart wrote it to', async () => {
    for (const [i, f] of SHARD_FIXTURES.entries()) {
      const key = Buffer.from(f.key, 'hex');
      const store = stores[f.shards[3] ?? -1];
      await store?.set(key, `value-${i}`);
      expect(await shards.call('GET', key)).toBe(`value-${i}`);
    }
  });

  it('counts rate limits and takes locks on the store each key belongs to, and on no other', async () => {
    const limits = stalwartRateLimits(shards);
    const used = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const r = await limits.hit('KV_RATE_LIMIT_SCAN', { ip: `203.0.113.${i}` }, { count: 10, periodS: 60 });
      const home = await shardIndex(r.key, 3);
      used.add(home);
      const found = await Promise.all(stores.map((s) => s.exists(r.key)));
      expect(found).toEqual(stores.map((_, j) => (j === home ? 1 : 0)));
    }
    expect(used.size).toBe(3);

    const lock = stalwartLocks(shards).task(77n);
    const lease = await lock.acquire();
    expect(await stores[await shardIndex(lock.key, 3)]?.get(lock.key)).toBe(lease.value);
    expect(await lease.release()).toEqual({ released: true });
  });
});
