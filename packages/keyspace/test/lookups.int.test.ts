import { topologyKinds } from '@coordis/testkit';
import type { Cluster, Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { codecs, createKeyspace, isKeyspaceArgumentError, seg } from '../src/index.js';
import { deploy } from './support/topology.js';

const ks = createKeyspace({ app: 'lookups' });
const lists = ks.defineSet({
  name: 'LISTS',
  prefix: 60,
  segments: [seg.enum('list', ['blocked-domains', 'spam-traps', 'trusted-domains'])],
  member: codecs.string,
});
const blockedIps = ks.defineSet({ name: 'BLOCKED_IPS', prefix: 61, segments: [], member: codecs.json<{ ip: string; reason: string }>() });
const routes = ks.defineMap({ name: 'ROUTES', prefix: 62, segments: [seg.string('tenant')], value: codecs.string });
const scores = ks.defineMap({ name: 'SCORES', prefix: 63, segments: [], value: codecs.number });

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  let redis: Redis | Cluster;
  beforeAll(() => {
    redis = d.client;
  });

  describe('membership lookups (sets)', () => {
    it('answer has() for members added, and not for others or other lists', async () => {
      const set = lists.on(redis);
      expect(await set.add({ list: 'blocked-domains' }, 'spam.example', 'bad.example', 'spam.example')).toBe(2);
      expect(await set.has({ list: 'blocked-domains' }, 'spam.example')).toBe(true);
      expect(await set.has({ list: 'blocked-domains' }, 'good.example')).toBe(false);
      expect(await set.has({ list: 'trusted-domains' }, 'spam.example')).toBe(false);
      expect(await set.hasEach({ list: 'blocked-domains' }, ['bad.example', 'x', 'spam.example'])).toEqual([true, false, true]);
      expect(await set.hasEach({ list: 'blocked-domains' }, [])).toEqual([]);
    });

    it('list, count and remove members', async () => {
      const set = lists.on(redis);
      await set.add({ list: 'spam-traps' }, 'trap1@example.org', 'trap2@example.org', 'ünï:{}@example.org');
      expect((await set.members({ list: 'spam-traps' })).sort()).toEqual(['trap1@example.org', 'trap2@example.org', 'ünï:{}@example.org']);
      expect(await set.size({ list: 'spam-traps' })).toBe(3);
      expect(await set.remove({ list: 'spam-traps' }, 'trap2@example.org', 'never-there')).toBe(1);
      expect(await set.size({ list: 'spam-traps' })).toBe(2);
      expect(await set.add({ list: 'spam-traps' })).toBe(0);
      expect(await set.remove({ list: 'spam-traps' })).toBe(0);
    });

    it('replace a whole list in one step, and delete it when replaced by nothing', async () => {
      const set = lists.on(redis);
      await set.add({ list: 'trusted-domains' }, 'old.example');
      await set.replace({ list: 'trusted-domains' }, new Set(['a.example', 'b.example']));
      expect((await set.members({ list: 'trusted-domains' })).sort()).toEqual(['a.example', 'b.example']);
      await set.replace({ list: 'trusted-domains' }, []);
      expect(await set.exists({ list: 'trusted-domains' })).toBe(false);
    });

    it('store members through the namespace codec', async () => {
      const set = blockedIps.on(redis);
      await set.add({}, { ip: '192.0.2.1', reason: 'auth' });
      expect(await set.has({}, { ip: '192.0.2.1', reason: 'auth' })).toBe(true);
      expect(await set.members({})).toEqual([{ ip: '192.0.2.1', reason: 'auth' }]);
      expect(blockedIps.key({})).toBe('lookups:61');
    });
  });

  describe('key-value lookups (maps)', () => {
    it('get, set and test fields, per key', async () => {
      const map = routes.on(redis);
      expect(await map.set({ tenant: 'acme' }, 'example.org', 'mx1.acme.test')).toBe(true);
      expect(await map.set({ tenant: 'acme' }, 'example.org', 'mx2.acme.test')).toBe(false);
      expect(await map.get({ tenant: 'acme' }, 'example.org')).toBe('mx2.acme.test');
      expect(await map.get({ tenant: 'other' }, 'example.org')).toBeUndefined();
      expect(await map.has({ tenant: 'acme' }, 'example.org')).toBe(true);
      expect(await map.has({ tenant: 'acme' }, 'missing')).toBe(false);
    });

    it('set and read many fields at once, list and count them, and remove some', async () => {
      const map = routes.on(redis);
      expect(
        await map.setEach({ tenant: 'multi' }, [
          ['a.example', 'r1'],
          ['b:{}%.example', 'r2'],
          ['', 'empty field'],
        ]),
      ).toBe(3);
      expect(await map.getEach({ tenant: 'multi' }, ['a.example', 'nope', 'b:{}%.example', ''])).toEqual([
        'r1',
        undefined,
        'r2',
        'empty field',
      ]);
      expect(await map.entries({ tenant: 'multi' })).toEqual(
        new Map([
          ['a.example', 'r1'],
          ['b:{}%.example', 'r2'],
          ['', 'empty field'],
        ]),
      );
      expect(await map.size({ tenant: 'multi' })).toBe(3);
      expect(await map.remove({ tenant: 'multi' }, 'a.example', 'nope')).toBe(1);
      expect(await map.size({ tenant: 'multi' })).toBe(2);
      expect(await map.setEach({ tenant: 'multi' }, [])).toBe(0);
      expect(await map.getEach({ tenant: 'multi' }, [])).toEqual([]);
    });

    it('replace a whole map in one step', async () => {
      const map = scores.on(redis);
      await map.setEach({}, [['old', 1]]);
      await map.replace(
        {},
        new Map([
          ['x', 0.5],
          ['y', -2],
        ]),
      );
      expect(await map.entries({})).toEqual(
        new Map([
          ['x', 0.5],
          ['y', -2],
        ]),
      );
      await map.replace({}, []);
      expect(await map.exists({})).toBe(false);
    });

    it('refuse field names UTF-8 cannot carry', async () => {
      await expect(routes.on(redis).get({ tenant: 't' }, '\uD800')).rejects.toSatisfy(isKeyspaceArgumentError);
    });
  });
});
