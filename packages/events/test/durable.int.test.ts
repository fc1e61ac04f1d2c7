import { type CoordisClient, connect } from '@coordis/client';
import { type StandaloneTopology, startStandalone, topologyKinds } from '@coordis/testkit';
import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BusStats,
  createEventBus,
  type DurableOptions,
  type EventBus,
  type Gap,
  isReadStalledError,
  type TrimmedGap,
} from '../src/index.js';
import { deploy, mailEvents, until } from './support.js';

let counter = 0;

function publishMany(bus: EventBus<typeof mailEvents>, from: number, to: number) {
  const all: Promise<unknown>[] = [];
  for (let seq = from; seq < to; seq++) all.push(bus.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq }));
  return Promise.all(all);
}

/** Durable buses on one topology; `raw` runs a keyed command where the key lives (on a Cluster, its slot's master). */
function durableBuses(client: () => Promise<Redis | Cluster>) {
  return async (namespace: string, nodeId: string, durable: DurableOptions = {}, extra: { client?: Redis } = {}) =>
    createEventBus({
      client: extra.client ?? (await client()),
      nodeId,
      namespace,
      events: mailEvents,
      mode: 'durable',
      durable: { startFrom: 'earliest', ...durable },
    });
}

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  const client = () => d.connect();
  const durableBus = durableBuses(client);
  let rawClient: Redis | Cluster | undefined;
  const raw = async (command: string, ...args: (string | number)[]) => {
    rawClient ??= await d.connect();
    return rawClient.call(command, ...args);
  };

  describe('durable mode: retention never skips silently', () => {
    it('reports a trimmed gap with the lost range and its exact count for a node kept offline past retention, in every run', async () => {
      for (let run = 0; run < 20; run++) {
        const namespace = `trim-offline-${++counter}`;
        const writer = await durableBus(namespace, 'writer', { maxLen: 100 });
        const before = await durableBus(namespace, 'reader');
        const seen: number[] = [];
        before.on('mailbox.changed', (e) => {
          seen.push(e.payload.seq);
        });
        await before.start();
        await publishMany(writer, 0, 10);
        await until(() => seen.length === 10, 5000, 'the first 10');
        await before.close();
        const checkpoint = await raw('HGET', writer.keys.checkpoints, 'reader');
        const published = 300 + run * 20;
        await publishMany(writer, 10, 10 + published);
        const first = (await raw('XRANGE', writer.keys.stream, '-', '+', 'COUNT', 1)) as [string, string[]][];

        const after = await durableBus(namespace, 'reader');
        const gaps: Gap[] = [];
        const resumed: number[] = [];
        after.events.on('gap', (g) => gaps.push(g));
        after.on('mailbox.changed', (e) => {
          // The gap comes before the first event after it.
          expect(gaps).toHaveLength(1);
          resumed.push(e.payload.seq);
        });
        await after.start();
        await until(() => resumed.at(-1) === 9 + published, 5000, 'the retained events');
        const gap = gaps[0] as TrimmedGap;
        expect(gap).toMatchObject({ kind: 'trimmed', afterId: checkpoint, beforeId: first[0]?.[0] });
        expect((gap.approxCount ?? 0) + resumed.length).toBe(published);
        expect(resumed).toEqual(Array.from({ length: resumed.length }, (_, i) => 10 + published - resumed.length + i));
        expect(after.stats().lost).toBe(gap.approxCount);
        await after.close();
        await writer.close();
      }
    });

    it('reports what retention trims from under a node that reads too slowly, handled + lost = published', async () => {
      const namespace = `trim-slow-${++counter}`;
      const writer = await durableBus(namespace, 'writer', { maxLen: 100 });
      const reader = await durableBus(namespace, 'reader', { readCount: 100 });
      const gaps: Gap[] = [];
      const seen: number[] = [];
      reader.events.on('gap', (g) => gaps.push(g));
      reader.on('mailbox.changed', async (e) => {
        seen.push(e.payload.seq);
        await new Promise((r) => setTimeout(r, 1));
      });
      await reader.start();
      for (let chunk = 0; chunk < 20; chunk++) await publishMany(writer, chunk * 100, chunk * 100 + 100);
      await until(() => seen.at(-1) === 1999, 20_000, 'the last event');
      const lost = gaps.reduce((n, g) => n + (g.approxCount ?? Number.NaN), 0);
      expect(gaps.length).toBeGreaterThan(0);
      expect(gaps.every((g) => g.kind === 'trimmed')).toBe(true);
      expect(seen.length + lost).toBe(2000);
      expect(seen.every((v, i) => i === 0 || v > (seen[i - 1] as number))).toBe(true);
      await reader.close();
      await writer.close();
    });

    it('keeps the stream bounded by age on the server clock', async () => {
      const namespace = `age-${++counter}`;
      const writer = await durableBus(namespace, 'writer', { maxAgeMs: 300 });
      await publishMany(writer, 0, 350);
      await new Promise((r) => setTimeout(r, 1100));
      await writer.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: 350 });
      await until(() => false, 100, 'the trim to run').catch(() => {});
      expect(Number(await raw('XLEN', writer.keys.stream))).toBeLessThan(150);
      await writer.close();
    });
  });

  describe('durable mode: writes committed with the checkpoint', () => {
    it('applies the writes handlers queue on ctx.tx once per event, in stream order', async () => {
      const namespace = `tx-${++counter}`;
      const writer = await durableBus(namespace, 'writer');
      const reader = await durableBus(namespace, 'reader', { readCount: 7 });
      const list = `${reader.keys.hashTag}:handled`;
      reader.on('mailbox.changed', (e, ctx) => {
        ctx.tx.rpush(list, String(e.payload.seq)).hincrby(`${reader.keys.hashTag}:count`, 'n', 1);
      });
      await reader.start();
      await publishMany(writer, 0, 100);
      await until(() => reader.stats().handled === 100, 5000, '100 handled');
      await reader.close();
      expect(await raw('LRANGE', list, 0, -1)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
      expect(await raw('HGET', `${reader.keys.hashTag}:count`, 'n')).toBe('100');
      const last = (await raw('XREVRANGE', writer.keys.stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
      expect(await raw('HGET', reader.keys.checkpoints, 'reader')).toBe(last[0]?.[0]);
      await writer.close();
    });

    it('reports a write Redis rejects as a handlerError of its event and keeps the others', async () => {
      const namespace = `tx-errors-${++counter}`;
      const writer = await durableBus(namespace, 'writer');
      const reader = await durableBus(namespace, 'reader', { readCount: 1 });
      const tag = reader.keys.hashTag;
      await raw('HSET', `${tag}:a-hash`, 'f', 'v');
      const errors: string[] = [];
      reader.events.on('handlerError', (h) => errors.push(`${h.id}:${String(h.error)}`));
      const ids: string[] = [];
      reader.on('mailbox.changed', (e, ctx) => {
        ids.push(e.id);
        if (e.payload.seq === 1)
          ctx.tx.incr(`${tag}:a-hash`); // WRONGTYPE when EXEC runs it
        else if (e.payload.seq === 2)
          ctx.tx.call('SET', `${tag}:only-a-key`); // refused when queued: EXECABORT
        else ctx.tx.rpush(`${tag}:ok`, String(e.payload.seq));
      });
      await reader.start();
      await publishMany(writer, 0, 5);
      await until(() => reader.stats().handled === 5 && errors.length === 2, 5000, 'five handled, two errors');
      await reader.close();
      expect(errors[0]).toMatch(new RegExp(`^${ids[1]}:.*WRONGTYPE`));
      expect(errors[1]).toMatch(new RegExp(`^${ids[2]}:.*wrong number of arguments`));
      expect(await raw('LRANGE', `${tag}:ok`, 0, -1)).toEqual(['0', '3', '4']);
      await writer.close();
    });

    it('refuses ctx.tx in transient mode', async () => {
      const namespace = `tx-transient-${++counter}`;
      const bus = createEventBus({ client: await client(), nodeId: 'a', namespace, events: mailEvents, echo: true });
      const errors: unknown[] = [];
      bus.events.on('handlerError', (h) => errors.push(h.error));
      bus.on('mailbox.changed', (_e, ctx) => {
        ctx.tx.set('x', '1');
      });
      await bus.start();
      await bus.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: 0 });
      await until(() => errors.length === 1, 5000, 'the error');
      expect(String(errors[0])).toMatch(/durable mode only/);
      await bus.close();
    });
  });

  describe('durable mode: observability', () => {
    it('reports lag in events and ms while a node is behind, and periodic stats', async () => {
      const namespace = `lag-${++counter}`;
      const writer = await durableBus(namespace, 'writer');
      const reader = createEventBus({
        client: await client(),
        nodeId: 'reader',
        namespace,
        events: mailEvents,
        mode: 'durable',
        durable: { readCount: 10 },
        statsIntervalMs: 50,
      });
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const periodic: BusStats[] = [];
      reader.events.on('stats', (st) => periodic.push(st));
      reader.on('mailbox.changed', () => gate);
      await reader.start();
      await publishMany(writer, 0, 50);
      await until(() => (reader.stats().lagEvents ?? 0) >= 49, 5000, 'the lag to show');
      await new Promise((r) => setTimeout(r, 120));
      expect(reader.stats().lagMs).toBeGreaterThanOrEqual(100);
      release();
      await until(() => reader.stats().handled === 50 && reader.stats().lagEvents === 0, 5000, 'caught up');
      await until(() => periodic.length >= 3, 5000, 'periodic stats');
      expect(reader.stats()).toMatchObject({ lagMs: 0, gaps: 0, invalid: 0, readTimeouts: 0, collisions: 0 });
      expect(periodic.some((st) => (st.lagEvents ?? 0) > 0)).toBe(true);
      await reader.close();
      await writer.close();
    });
  });
});

describe('durable mode: the read watchdog (BullMQ #4479)', () => {
  // Standalone only: pausing a Sentinel primary or a cluster master for longer than its
  // down-after / node timeout would fail it over, which is another test.
  let s: StandaloneTopology;
  const clients: (CoordisClient | Redis)[] = [];
  beforeAll(async () => {
    s = await startStandalone();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await s.stop();
  });
  const durableBus = durableBuses(async () => {
    const c = await connect(s.url);
    clients.push(c);
    return c;
  });

  it('abandons a read the server never answers, reissues it, and delivers what follows', async () => {
    const namespace = `watchdog-${++counter}`;
    // A plain ioredis client as BullMQ configures it: commands wait for a connection forever.
    const plain = new Redis(s.url, { maxRetriesPerRequest: null });
    clients.push(plain);
    const reader = await durableBus(namespace, 'reader', { blockMs: 200, readTimeoutMs: 300 }, { client: plain });
    const writer = await durableBus(namespace, 'writer');
    const errors: Error[] = [];
    const seen: number[] = [];
    reader.events.on('error', (e) => errors.push(e));
    reader.on('mailbox.changed', (e) => {
      seen.push(e.payload.seq);
    });
    await reader.start();
    await writer.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: 0 });
    await until(() => seen.length === 1, 5000, 'the first event');
    s.node.pause();
    await new Promise((r) => setTimeout(r, 1500));
    s.node.resume();
    await writer.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: 1 });
    await until(() => seen.length === 2, 10_000, 'the event after the stall');
    expect(seen).toEqual([0, 1]);
    expect(reader.stats().readTimeouts).toBeGreaterThanOrEqual(1);
    expect(errors.some(isReadStalledError)).toBe(true);
    await reader.close();
    await writer.close();
  });
});
