import { topologyKinds } from '@coordis/testkit';
import type { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createEventBus, type Gap, isNodeIdCollisionError, type NodeIdCollisionError, type OverflowGap } from '../src/index.js';
import { deploy, mailEvents, until } from './support.js';

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  const client = () => d.connect();
  let rawClient: Redis | Cluster | undefined;
  const raw = async (command: string, ...args: (string | number)[]) => {
    rawClient ??= await d.connect();
    return rawClient.call(command, ...args);
  };

  describe('node-id collisions', () => {
    it('reports two live nodes started with the same id, on both, naming the id', async () => {
      const make = async (nodeId: string) =>
        createEventBus({ client: await client(), nodeId, namespace: 'twins', events: mailEvents, mode: 'durable', heartbeatMs: 100 });
      const a = await make('twin');
      const b = await make('twin');
      const other = await make('single');
      const seen = new Map<string, NodeIdCollisionError[]>([
        ['a', []],
        ['b', []],
        ['other', []],
      ]);
      for (const [name, bus] of [
        ['a', a],
        ['b', b],
        ['other', other],
      ] as const) {
        bus.events.on('error', (e) => {
          if (isNodeIdCollisionError(e)) seen.get(name)?.push(e);
        });
      }
      await Promise.all([a.start(), b.start(), other.start()]);
      await until(() => seen.get('a')?.length === 1 && seen.get('b')?.length === 1, 5000, 'the collision on both');
      for (const name of ['a', 'b']) {
        const [e] = seen.get(name) ?? [];
        expect(e?.nodeId).toBe('twin');
        expect(e?.message).toMatch(/node id "twin" on bus "twins"/);
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.get('other')).toEqual([]);
      expect(a.stats().collisions).toBe(1);
      for (const bus of [a, b, other]) await bus.close();
    });

    it('does not take a restarted node for a twin of the process it replaces, which stopped without close()', async () => {
      const first = createEventBus({
        client: await client(),
        nodeId: 'phoenix',
        namespace: 'restart',
        events: mailEvents,
        heartbeatMs: 100,
      });
      // What a SIGKILLed process leaves behind: a presence entry nobody renews any more.
      await raw('HSET', first.keys.presence, 'deadbeefdeadbeef', String(Date.now() + 300));
      const errors: Error[] = [];
      first.events.on('error', (e) => errors.push(e));
      await first.start();
      await new Promise((r) => setTimeout(r, 800));
      expect(errors).toEqual([]);
      expect(await raw('HKEYS', first.keys.presence)).toHaveLength(1);
      await first.close();
      expect(await raw('EXISTS', first.keys.presence)).toBe(0);
    });
  });

  describe('transient overflow', () => {
    it('reports an overflow gap with the count dropped under drop-oldest, and keeps the newest', async () => {
      const publisher = createEventBus({ client: await client(), nodeId: 'pub', namespace: 'overflow', events: mailEvents });
      const slow = createEventBus({
        client: await client(),
        nodeId: 'slow',
        namespace: 'overflow',
        events: mailEvents,
        maxQueue: 10,
        overflow: 'drop-oldest',
      });
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const handled: number[] = [];
      const gaps: Gap[] = [];
      slow.events.on('gap', (g) => gaps.push(g));
      slow.on('mailbox.changed', async (e) => {
        await gate;
        handled.push(e.payload.seq);
      });
      await slow.start();
      for (let seq = 0; seq < 100; seq++) await publisher.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
      await until(() => slow.stats().received === 100 && slow.stats().gapsByKind.overflow > 0, 5000, 'every event received');
      expect(slow.stats().lagEvents).toBe(10);
      release();
      await until(() => handled.length === 11, 5000, 'the queue to drain');
      // The first was running when the rest arrived; the queue kept the newest ten.
      expect(handled).toEqual([0, ...Array.from({ length: 10 }, (_, i) => 90 + i)]);
      const overflow = gaps as OverflowGap[];
      expect(overflow.every((g) => g.kind === 'overflow' && g.policy === 'drop-oldest')).toBe(true);
      expect(overflow.reduce((n, g) => n + g.approxCount, 0)).toBe(89);
      expect(slow.stats().lost).toBe(89);
      await slow.close();
      await publisher.close();
    });
  });
});
