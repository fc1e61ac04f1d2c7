import { createKeyspace } from '@coordis/keyspace';
import { topologyKinds } from '@coordis/testkit';
import type { Cluster, Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRateLimits, type Fail2Ban, type Fail2BanOptions } from '../src/index.js';
import { deploy } from './support/topology.js';

let n = 0;

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  let client: Redis | Cluster;
  beforeAll(() => {
    client = d.client;
  });

  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  function fail2ban(options: Partial<Fail2BanOptions> = {}, blockCache = false): Fail2Ban {
    const rl = createRateLimits(client, { keyspace: createKeyspace({ app: `f2b${++n}` }), blockCache });
    return rl.fail2ban({ name: 'auth', maxFailures: 3, findWindowMs: 60_000, banMs: 60_000, ...options });
  }

  /** EVALSHA calls so far, summed over the primaries (INFO is per node). */
  async function evalshaCalls(): Promise<number> {
    let calls = 0;
    for (const node of d.primaries()) {
      const line = (await node.info('commandstats')).split('\n').find((l) => l.startsWith('cmdstat_evalsha:'));
      calls += Number(/calls=(\d+)/.exec(line ?? '')?.[1] ?? 0);
    }
    return calls;
  }

  describe('fail2ban', () => {
    it('blocks an identity at the K-th failure within the window, for the ban time', async () => {
      const f = fail2ban();
      expect(await f.fail('192.0.2.1')).toMatchObject({ blocked: false, failures: 1 });
      expect(await f.fail('192.0.2.1')).toMatchObject({ blocked: false, failures: 2 });
      expect(await f.check('192.0.2.1')).toMatchObject({ blocked: false });
      expect(await f.fail('192.0.2.1')).toMatchObject({ blocked: true, justBlocked: true, failures: 3, retryAfterMs: 60_000 });
      const status = await f.check('192.0.2.1');
      expect(status.blocked).toBe(true);
      expect(status.retryAfterMs).toBeGreaterThan(59_000);
      expect(await f.check('192.0.2.2')).toMatchObject({ blocked: false });
    });

    it('does not count failures while blocked', async () => {
      const f = fail2ban();
      for (let i = 0; i < 3; i++) await f.fail('a');
      expect(await f.fail('a')).toMatchObject({ blocked: true, justBlocked: false, failures: 0, source: 'redis' });
    });

    it('lets the block expire after the ban time, and counts afresh then', async () => {
      const f = fail2ban({ banMs: 300 });
      for (let i = 0; i < 3; i++) await f.fail('a');
      expect((await f.check('a')).blocked).toBe(true);
      await sleep(350);
      expect(await f.check('a')).toMatchObject({ blocked: false });
      expect(await f.fail('a')).toMatchObject({ blocked: false, failures: 1 });
      expect(await f.blocked()).toEqual([]);
    });

    it('counts only failures within the find window', async () => {
      const f = fail2ban({ findWindowMs: 300 });
      await f.fail('a');
      await f.fail('a');
      await sleep(350);
      expect(await f.fail('a')).toMatchObject({ blocked: false, failures: 1 });
    });

    it('unblocks: the identity is free at once, unlisted, and its failures forgotten', async () => {
      const f = fail2ban();
      for (let i = 0; i < 3; i++) await f.fail('a');
      expect(await f.unblock('a')).toBe(true);
      expect(await f.check('a')).toMatchObject({ blocked: false });
      expect(await f.blocked()).toEqual([]);
      expect(await f.fail('a')).toMatchObject({ blocked: false, failures: 1 });
      expect(await f.unblock('b')).toBe(false);
    });

    it('lists exactly the identities blocked now, across shards, soonest end first', async () => {
      const f = fail2ban({ banMs: 60_000, shards: 4 });
      const ids = ['192.0.2.1', '192.0.2.2', '2001:db8::1', 'alice', 'bob'];
      for (const id of ids) for (let i = 0; i < 3; i++) await f.fail(id);
      const short = await f.block('carol', { durationMs: 200 });
      const listed = await f.blocked();
      expect(listed.map((b) => b.id).sort()).toEqual([...ids, 'carol'].sort());
      expect(listed[0]).toEqual(short);
      await sleep(250);
      expect((await f.blocked()).map((b) => b.id).sort()).toEqual([...ids].sort());
      await f.unblock('alice');
      expect((await f.blocked()).map((b) => b.id).sort()).toEqual(ids.filter((id) => id !== 'alice').sort());
    });

    it('starts exactly one block when 40 clients fail one identity at once', async () => {
      const ks = createKeyspace({ app: `f2b${++n}` });
      const clients = await Promise.all(Array.from({ length: 8 }, () => d.connectAnother()));
      try {
        const bans = clients.map((c) =>
          createRateLimits(c, { keyspace: ks, blockCache: false }).fail2ban({
            name: 'auth',
            maxFailures: 5,
            findWindowMs: 60_000,
            banMs: 60_000,
          }),
        );
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => bans[i % 8]?.fail('203.0.113.9')));
        expect(results.filter((r) => r?.justBlocked)).toHaveLength(1);
        expect(results.filter((r) => r?.blocked === false)).toHaveLength(4);
        expect(results.filter((r) => r?.blocked && !r.justBlocked)).toHaveLength(35);
      } finally {
        for (const c of clients) c.disconnect();
      }
    });

    it('forgives failures without lifting a block', async () => {
      const f = fail2ban();
      await f.fail('a');
      await f.fail('a');
      await f.forgive('a');
      expect(await f.fail('a')).toMatchObject({ failures: 1 });
      await f.block('b');
      await f.forgive('b');
      expect((await f.check('b')).blocked).toBe(true);
    });

    it('answers a known block from this process, without Redis, until unblocked here', async () => {
      const f = fail2ban({}, true);
      for (let i = 0; i < 3; i++) await f.fail('a');
      const before = await evalshaCalls();
      const answers = await Promise.all([f.fail('a'), f.check('a'), f.fail('a')]);
      expect(answers.map((a) => a.source)).toEqual(['cache', 'cache', 'cache']);
      expect(await evalshaCalls()).toBe(before);
      await f.unblock('a');
      expect(await f.check('a')).toMatchObject({ blocked: false, source: 'redis' });
    });
  });
});
