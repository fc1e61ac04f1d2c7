import { type ClusterTopology, startCluster } from '@coordis/testkit';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecs, createKeyspace, seg } from '../src/index.js';

let c: ClusterTopology;
let cluster: Cluster;

beforeAll(async () => {
  c = await startCluster({ masters: 3, replicasPerMaster: 0 });
  cluster = new Cluster(c.seeds.map(({ host, port }) => ({ host, port })));
});

afterAll(async () => {
  await cluster.quit();
  await c.stop();
});

const ks = createKeyspace({ app: 'cl' });
const locks = ks.define({ name: 'LOCK', prefix: 200, segments: [seg.string('resource')], hashTag: ['resource'], value: codecs.string });
const fences = ks.define({
  name: 'FENCE',
  prefix: 201,
  segments: [seg.string('resource'), seg.u32('shard')],
  hashTag: ['resource'],
  value: codecs.number,
});
const items = ks.define({ name: 'ITEMS', prefix: 202, segments: [seg.u32('n')], value: codecs.string });
const keep = ks.define({ name: 'KEEP', prefix: 203, segments: [seg.u32('n')], value: codecs.string });

async function slotOf(key: string): Promise<number> {
  return Number(await cluster.cluster('KEYSLOT', key));
}

describe('hash-tagged namespaces on a real Cluster', () => {
  const resources = ['orders', '', '{', '}', '}{', '{x}', 'a:b', '%7B', 'ünï🚀'];

  it('put keys of two namespaces tagged by one value in one slot, whatever the value holds', async () => {
    for (const resource of resources) {
      const slot = await slotOf(locks.key({ resource }));
      for (const shard of [0, 1, 0xffff_ffff]) expect(await slotOf(fences.key({ resource, shard })), resource).toBe(slot);
    }
  });

  it('run one MULTI over both keys without CROSSSLOT', async () => {
    for (const resource of resources) {
      const replies = await cluster
        .multi()
        .set(locks.key({ resource }), 'holder')
        .incr(fences.key({ resource, shard: 1 }))
        .exec();
      expect(replies?.map(([err]) => err)).toEqual([null, null]);
    }
    expect(await fences.on(cluster).get({ resource: '}{', shard: 1 })).toBe(1);
  });

  it('spread untagged keys over the masters', async () => {
    const slots = new Set(await Promise.all(Array.from({ length: 50 }, (_, n) => slotOf(items.key({ n })))));
    expect(slots.size).toBeGreaterThan(10);
  });
});

describe('namespace operations on a Cluster', () => {
  it('set, get, increment and take through the cluster client', async () => {
    const store = locks.on(cluster);
    expect(await store.set({ resource: 'r' }, 'me', { onlyIf: 'absent', ttlMs: 60_000 })).toBe(true);
    expect(await store.get({ resource: 'r' })).toBe('me');
    expect(await fences.on(cluster).increment({ resource: 'r', shard: 0 }, { ttlMs: 60_000 })).toBe(1);
    expect(await store.take({ resource: 'r' })).toBe('me');
    expect(await store.exists({ resource: 'r' })).toBe(false);
  });

  it('clear a namespace on every master and leave the others', async () => {
    const writes: Promise<unknown>[] = [];
    for (let n = 0; n < 6000; n++) writes.push(cluster.set(items.key({ n }), 'v'));
    for (let n = 0; n < 300; n++) writes.push(cluster.set(keep.key({ n }), 'v'));
    await Promise.all(writes);
    const masters = cluster.nodes('master');
    const perMaster = await Promise.all(masters.map((m) => m.dbsize()));
    expect(perMaster.every((n) => n > 0)).toBe(true);

    const result = await items.on(cluster).clear({ batchSize: 250 });

    expect(result.deleted).toBe(6000);
    const left = await Promise.all(Array.from({ length: 6000 }, (_, n) => cluster.exists(items.key({ n }))));
    expect(left.every((e) => e === 0)).toBe(true);
    const kept = await Promise.all(Array.from({ length: 300 }, (_, n) => cluster.exists(keep.key({ n }))));
    expect(kept.every((e) => e === 1)).toBe(true);
  });
});
