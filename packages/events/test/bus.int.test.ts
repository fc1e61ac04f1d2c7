import { topologyKinds } from '@coordis/testkit';
import type { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { packFrame } from '../src/frame.js';
import { createEventBus, type EventBus, type Gap, type InvalidEvent, InvalidPayloadError, UnknownEventTypeError } from '../src/index.js';
import { deploy, killSubscribers, mailEvents, until } from './support.js';

async function closeAll(...buses: EventBus<typeof mailEvents>[]) {
  for (const bus of buses) await bus.close();
}

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);

  let busCounter = 0;
  async function pair(mode: 'transient' | 'durable', extra: { echo?: boolean } = {}) {
    const namespace = `test-${mode}-${++busCounter}`;
    const a = createEventBus({ client: await d.connect(), nodeId: 'node-a', namespace, events: mailEvents, mode, ...extra });
    const b = createEventBus({ client: await d.connect(), nodeId: 'node-b', namespace, events: mailEvents, mode });
    return { a, b, namespace };
  }

  describe('transient mode', () => {
    it('delivers typed events to the other nodes and not back to the publisher', async () => {
      const { a, b } = await pair('transient');
      const atA: string[] = [];
      const atB: number[] = [];
      a.on('mailbox.changed', (e) => atA.push(e.id));
      b.on('mailbox.changed', (e) => {
        atB.push(e.payload.seq);
        expect(e.origin).toBe('node-a');
        expect(e.type).toBe('mailbox.changed');
      });
      await Promise.all([a.start(), b.start()]);
      for (let seq = 0; seq < 20; seq++) await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
      await until(() => atB.length === 20, 5000, '20 events at b');
      expect(atB).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(atA).toEqual([]);
      await closeAll(a, b);
    });

    it('delivers own events back when echo is on, and by pattern', async () => {
      const { a, b } = await pair('transient', { echo: true });
      const seen: string[] = [];
      a.on('mailbox.*', (e) => seen.push(e.type));
      await a.start();
      await a.publish('mailbox.flags', { account: 1, flags: ['\\Seen'] });
      await a.publish('ip.blocked', { ip: '192.0.2.1', untilMs: 1 });
      await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: 1 });
      await until(() => seen.length === 2, 5000, 'two mailbox events');
      expect(seen).toEqual(['mailbox.flags', 'mailbox.changed']);
      await closeAll(a, b);
    });

    it('stops calling a handler once it is removed', async () => {
      const { a, b } = await pair('transient');
      const seen: number[] = [];
      const off = b.on('mailbox.changed', (e) => seen.push(e.payload.seq));
      await b.start();
      await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: 1 });
      await until(() => seen.length === 1, 5000, 'the first event');
      off();
      await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: 2 });
      await b.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: 3 });
      await new Promise((r) => setTimeout(r, 100));
      expect(seen).toEqual([1]);
      await closeAll(a, b);
    });

    it('refuses to publish an unknown type or a payload its schema rejects', async () => {
      const { a, b } = await pair('transient');
      await expect(a.publish('mailbox.deleted' as 'mailbox.changed', { account: 1, mailbox: 'x', seq: 1 })).rejects.toBeInstanceOf(
        UnknownEventTypeError,
      );
      await expect(a.publish('mailbox.changed', { account: 1.5, mailbox: 'x', seq: 1 })).rejects.toBeInstanceOf(InvalidPayloadError);
      await closeAll(a, b);
    });

    /** Starts `b`, collecting what it reports invalid and the seqs it handles; and a raw publisher on its channel. */
    async function watchInvalid(b: EventBus<typeof mailEvents>) {
      const invalid: InvalidEvent[] = [];
      const seen: number[] = [];
      b.events.on('invalid', (i) => invalid.push(i));
      b.on('mailbox.changed', (e) => seen.push(e.payload.seq));
      await b.start();
      const raw = await d.connect();
      const send = (m: string | Buffer) => (raw.isCluster ? (raw as Cluster).spublish(b.keys.channel, m) : raw.publish(b.keys.channel, m));
      return { invalid, seen, send };
    }

    it('reports 1,000 malformed messages published raw and keeps delivering valid events', async () => {
      const { a, b } = await pair('transient');
      const { invalid, seen, send } = await watchInvalid(b);
      const junk = [
        'not json',
        '{"v":2,"id":"x","type":"mailbox.changed","origin":"z","ts":1,"payload":{}}',
        '{"v":1}',
        '{"v":1,"id":"x","type":"no.such","origin":"z","ts":1,"payload":{}}',
        '{"v":1,"id":"x","type":"mailbox.changed","origin":"z","ts":1,"payload":{"account":"no"}}',
      ];
      for (let i = 0; i < 1000; i++) {
        // Distinct ids, so the dedupe window does not hide any of them.
        const message = (junk[i % junk.length] as string).replace('"id":"x"', `"id":"x${i}"`);
        await send(message);
        if (i % 100 === 0) await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: i });
      }
      await until(() => invalid.length === 1000 && seen.length === 10, 10_000, 'every malformed message reported');
      expect(new Set(invalid.map((i) => i.reason))).toEqual(new Set(['decode', 'version', 'shape', 'unknown-type', 'schema']));
      expect(b.stats().invalid).toBe(1000);
      await closeAll(a, b);
    });

    /** PUBLISH and SPUBLISH calls the primaries have answered so far. */
    async function publishCalls(): Promise<number> {
      let calls = 0;
      for (const node of await d.primaries()) {
        const info = String(await node.call('INFO', 'commandstats'));
        for (const m of info.matchAll(/cmdstat_s?publish:calls=(\d+)/g)) calls += Number(m[1]);
      }
      return calls;
    }

    it('sends the events published in one tick as frames, each event handled once and in order', async () => {
      const { a, b } = await pair('transient');
      const seen: number[] = [];
      b.on('mailbox.changed', (e) => seen.push(e.payload.seq));
      await b.start();
      const before = await publishCalls();
      const sent = await Promise.all(
        Array.from({ length: 300 }, (_, seq) => a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq })),
      );
      await until(() => seen.length === 300, 5000, '300 events at b');
      expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i));
      expect(new Set(sent.map((e) => e.id)).size).toBe(300);
      // 256 events fill a frame, which leaves at once; the other 44 leave at the end of the tick.
      expect((await publishCalls()) - before).toBe(2);
      expect(b.stats()).toMatchObject({ received: 300, handled: 300, invalid: 0, duplicates: 0 });
      expect(a.stats().published).toBe(300);
      await closeAll(a, b);
    });

    it('sends one message per event when batchPublishes is off', async () => {
      const namespace = `test-unbatched-${++busCounter}`;
      const a = createEventBus({ client: await d.connect(), nodeId: 'node-a', namespace, events: mailEvents, batchPublishes: false });
      const b = createEventBus({ client: await d.connect(), nodeId: 'node-b', namespace, events: mailEvents });
      const seen: number[] = [];
      b.on('mailbox.changed', (e) => seen.push(e.payload.seq));
      await b.start();
      const before = await publishCalls();
      await Promise.all(Array.from({ length: 20 }, (_, seq) => a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq })));
      await until(() => seen.length === 20, 5000, '20 events at b');
      expect((await publishCalls()) - before).toBe(20);
      await closeAll(a, b);
    });

    it('reports a malformed frame and each bad envelope inside a good one, and handles the rest', async () => {
      const { a, b } = await pair('transient');
      const { invalid, seen, send } = await watchInvalid(b);
      const good = (seq: number) =>
        JSON.stringify({
          v: 1,
          id: `frame-${seq}`,
          type: 'mailbox.changed',
          origin: 'z',
          ts: 1,
          payload: { account: 1, mailbox: 'INBOX', seq },
        });
      const frame = packFrame([good(1), 'not json', good(2)]);
      await send(frame);
      await send(frame.subarray(0, frame.length - 5));
      await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: 3 });
      await until(() => seen.length === 3 && invalid.length === 2, 5000, 'three events and two reports');
      expect(seen).toEqual([1, 2, 3]);
      expect(invalid.map((i) => [i.reason, i.detail.slice(0, 15)])).toEqual([
        ['decode', expect.any(String)],
        ['decode', 'frame truncated'],
      ]);
      await closeAll(a, b);
    });

    it('isolates a throwing handler and reports it', async () => {
      const { a, b } = await pair('transient');
      const errors: string[] = [];
      const seen: number[] = [];
      b.events.on('handlerError', (h) => errors.push(h.type));
      b.on('mailbox.changed', (e) => {
        if (e.payload.seq === 1) throw new Error('boom');
      });
      b.on('mailbox.changed', (e) => seen.push(e.payload.seq));
      await b.start();
      for (const seq of [0, 1, 2]) await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
      await until(() => seen.length === 3, 5000, 'all three events');
      expect(errors).toEqual(['mailbox.changed']);
      await closeAll(a, b);
    });

    it('reports a gap when its subscription is cut, and keeps receiving after it', async () => {
      const { a, b } = await pair('transient');
      const gaps: Gap[] = [];
      const seen: number[] = [];
      b.events.on('gap', (g) => gaps.push(g));
      b.on('mailbox.changed', (e) => seen.push(e.payload.seq));
      await b.start();
      for (const node of await d.primaries()) await killSubscribers(node);
      await until(() => gaps.length === 1, 5000, 'a gap');
      expect(gaps[0]).toMatchObject({ kind: 'disconnect' });
      expect((gaps[0] as Gap).to).toBeGreaterThanOrEqual((gaps[0] as Gap).from);
      for (let seq = 0; seen.length === 0 && seq < 100; seq++) {
        await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(seen.length).toBeGreaterThan(0);
      await closeAll(a, b);
    });
  });

  describe('durable mode', () => {
    it('delivers what a node missed while it was away, in order, once', async () => {
      const { a, b } = await pair('durable');
      const seen: number[] = [];
      b.on('mailbox.changed', (e) => seen.push(e.payload.seq));
      await b.start();
      for (let seq = 0; seq < 50; seq++) await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
      await until(() => seen.length === 50, 5000, 'the first 50');
      await b.close();
      for (let seq = 50; seq < 120; seq++) await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
      const again = createEventBus({
        client: await d.connect(),
        nodeId: 'node-b',
        namespace: b.namespace,
        events: mailEvents,
        mode: 'durable',
      });
      again.on('mailbox.changed', (e) => seen.push(e.payload.seq));
      await again.start();
      await until(() => seen.length === 120, 5000, 'all 120 after the restart');
      expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => i));
      await closeAll(a, again);
    });

    it('starts a new node at the latest event, or at the earliest retained when asked', async () => {
      const { a, b, namespace } = await pair('durable');
      for (let seq = 0; seq < 5; seq++) await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
      const latest: number[] = [];
      b.on('mailbox.changed', (e) => latest.push(e.payload.seq));
      await b.start();
      const early = createEventBus({
        client: await d.connect(),
        nodeId: 'node-c',
        namespace,
        events: mailEvents,
        mode: 'durable',
        durable: { startFrom: 'earliest' },
      });
      const all: number[] = [];
      early.on('mailbox.changed', (e) => all.push(e.payload.seq));
      await early.start();
      await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: 5 });
      await until(() => latest.length === 1 && all.length === 6, 5000, 'both nodes');
      expect(latest).toEqual([5]);
      expect(all).toEqual([0, 1, 2, 3, 4, 5]);
      await closeAll(a, b, early);
    });

    it('keeps the stream bounded by length', async () => {
      const { a, b } = await pair('durable');
      const small = createEventBus({
        client: await d.connect(),
        nodeId: 'writer',
        namespace: a.namespace,
        events: mailEvents,
        mode: 'durable',
        durable: { maxLen: 100 },
      });
      for (let seq = 0; seq < 2000; seq++) await small.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
      const len = Number(await (await d.connect()).xlen(small.keys.stream));
      expect(len).toBeLessThan(300);
      await closeAll(a, b, small);
    });
  });
});
