// Durable mode against raw ioredis Streams on the same server: live publish → handle with one
// node, a node replaying a backlog, pipelined XADD alone, and publish → handle latency at
// 1,000 events/s across three nodes.
import { coalesceWrites, connect } from '@coordis/client';
import { Redis } from 'ioredis';
import { createEventBus, type } from '../src/index.js';
import { type Measure, publishAll, publishPaced, signal, summarise } from './measure.js';

const IN_FLIGHT = 64;
const payload = { account: 42, mailbox: 'INBOX', text: 'x'.repeat(120) };
const events = { 'mailbox.changed': type<{ account: number; mailbox: string; text: string; seq: number }>() };
// What the bus puts in the stream for one event, for the raw baselines to carry the same bytes.
const entry = (seq: number) =>
  JSON.stringify({
    v: 1,
    id: `01KBENCH${String(seq).padStart(18, '0')}`,
    type: 'mailbox.changed',
    origin: 'raw',
    ts: Date.now(),
    payload: { ...payload, seq },
  });

let counter = 0;

/** Raw pipelined XADD (MAXLEN ~, as the bus writes), 64 in flight, nobody reading: events/s. */
export async function rawXadd(url: string, total: number): Promise<number> {
  const pub = new Redis(url);
  const key = `bench-raw-xadd-${++counter}`;
  const start = performance.now();
  await publishAll(total, IN_FLIGHT, (seq) => {
    coalesceWrites(pub);
    return pub.xadd(key, 'MAXLEN', '~', 100_000, '*', 'e', entry(seq));
  });
  const rate = (total / (performance.now() - start)) * 1000;
  await pub.del(key);
  pub.disconnect();
  return rate;
}

/** Raw XADD (64 in flight) and one raw XREAD BLOCK loop that parses each entry, in one process. */
export async function rawLive(url: string, total: number): Promise<Measure> {
  const pub = new Redis(url);
  const sub = new Redis(url);
  const key = `bench-raw-live-${++counter}`;
  const sentAt = new Float64Array(total);
  const latencies: number[] = [];
  const done = signal();
  void (async () => {
    let last = '0-0';
    while (latencies.length < total) {
      const reply = (await sub.xreadBuffer('COUNT', 500, 'BLOCK', 1000, 'STREAMS', key, last)) as [Buffer, [Buffer, Buffer[]][]][] | null;
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          const seq = (JSON.parse((fields[1] as Buffer).toString()) as { payload: { seq: number } }).payload.seq;
          latencies.push(performance.now() - (sentAt[seq] as number));
          last = id.toString();
        }
      }
    }
    done.resolve();
  })();
  const start = performance.now();
  await publishAll(total, IN_FLIGHT, (seq) => {
    sentAt[seq] = performance.now();
    coalesceWrites(pub);
    return pub.xadd(key, 'MAXLEN', '~', 100_000, '*', 'e', entry(seq));
  });
  await done.promise;
  const m = summarise(start, performance.now(), latencies);
  await pub.del(key);
  pub.disconnect();
  sub.disconnect();
  return m;
}

/** The durable bus: one publisher (64 in flight) and `nodes` nodes in one process, publish → handle. */
export async function busLive(url: string, total: number, nodes: number): Promise<Measure> {
  const namespace = `bench-durable-live-${++counter}`;
  const clients = await Promise.all(Array.from({ length: nodes + 1 }, () => connect(url)));
  const [pubClient, ...nodeClients] = clients as unknown as [Redis, ...Redis[]];
  const publisher = createEventBus({ client: pubClient, nodeId: 'publisher', namespace, events, mode: 'durable' });
  const sentAt = new Float64Array(total);
  const latencies: number[] = [];
  const done = signal();
  const buses = nodeClients.map((client, i) => {
    const bus = createEventBus({ client, nodeId: `node-${i}`, namespace, events, mode: 'durable', statsIntervalMs: 0 });
    bus.on('mailbox.changed', (e) => {
      latencies.push(performance.now() - (sentAt[e.payload.seq] as number));
      if (latencies.length === total * nodes) done.resolve();
    });
    return bus;
  });
  await Promise.all(buses.map((b) => b.start()));
  const start = performance.now();
  await publishAll(total, IN_FLIGHT, (seq) => {
    sentAt[seq] = performance.now();
    return publisher.publish('mailbox.changed', { ...payload, seq });
  });
  await done.promise;
  const m = summarise(start, performance.now(), latencies);
  for (const b of [publisher, ...buses]) await b.close();
  await pubClient.del(publisher.keys.stream);
  for (const c of clients) c.disconnect();
  return m;
}

/** A node replaying a backlog of `total` events from the start: the bus, then a raw XREAD loop on the same entries. */
export async function catchUp(url: string, total: number): Promise<{ bus: number; raw: number }> {
  const namespace = `bench-durable-replay-${++counter}`;
  const pubClient = await connect(url);
  const publisher = createEventBus({ client: pubClient, nodeId: 'publisher', namespace, events, mode: 'durable' });
  await publishAll(total, IN_FLIGHT, (seq) => publisher.publish('mailbox.changed', { ...payload, seq }));
  const nodeClient = await connect(url);
  const node = createEventBus({
    client: nodeClient,
    nodeId: 'replayer',
    namespace,
    events,
    mode: 'durable',
    durable: { startFrom: 'earliest' },
    statsIntervalMs: 0,
  });
  let got = 0;
  const done = signal();
  node.on('mailbox.changed', () => {
    if (++got === total) done.resolve();
  });
  let start = performance.now();
  await node.start();
  await done.promise;
  const bus = (total / (performance.now() - start)) * 1000;
  await node.close();

  const raw = new Redis(url);
  start = performance.now();
  let last = '0-0';
  for (let read = 0; read < total; ) {
    const reply = (await raw.xreadBuffer('COUNT', 500, 'STREAMS', publisher.keys.stream, last)) as [Buffer, [Buffer, Buffer[]][]][] | null;
    for (const [, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        JSON.parse((fields[1] as Buffer).toString());
        last = id.toString();
        read++;
      }
    }
  }
  const rawRate = (total / (performance.now() - start)) * 1000;
  await publisher.close();
  await pubClient.del(publisher.keys.stream);
  pubClient.disconnect();
  nodeClient.disconnect();
  raw.disconnect();
  return { bus, raw: rawRate };
}

/** Publish → handle latency at a steady `perSecond` across `nodes` durable nodes (and raw XREAD readers). */
export async function pacedLatency(url: string, total: number, perSecond: number, nodes: number): Promise<{ bus: Measure; raw: Measure }> {
  const namespace = `bench-durable-paced-${++counter}`;
  const clients = await Promise.all(Array.from({ length: nodes + 1 }, () => connect(url)));
  const [pubClient, ...nodeClients] = clients as unknown as [Redis, ...Redis[]];
  const publisher = createEventBus({ client: pubClient, nodeId: 'publisher', namespace, events, mode: 'durable' });
  let sentAt = new Float64Array(total);
  let latencies: number[] = [];
  let done = signal();
  const buses = nodeClients.map((client, i) => {
    const bus = createEventBus({ client, nodeId: `node-${i}`, namespace, events, mode: 'durable', statsIntervalMs: 0 });
    bus.on('mailbox.changed', (e) => {
      latencies.push(performance.now() - (sentAt[e.payload.seq] as number));
      if (latencies.length === total * nodes) done.resolve();
    });
    return bus;
  });
  await Promise.all(buses.map((b) => b.start()));
  let start = performance.now();
  await publishPaced(total, perSecond, (seq) => {
    sentAt[seq] = performance.now();
    void publisher.publish('mailbox.changed', { ...payload, seq });
  });
  await done.promise;
  const bus = summarise(start, performance.now(), latencies);
  for (const b of [publisher, ...buses]) await b.close();
  await pubClient.del(publisher.keys.stream);
  for (const c of clients) c.disconnect();

  const key = `bench-raw-paced-${counter}`;
  const pub = new Redis(url);
  const readers = Array.from({ length: nodes }, () => new Redis(url));
  sentAt = new Float64Array(total);
  latencies = [];
  done = signal();
  for (const reader of readers) {
    void (async () => {
      let last = '$';
      for (let read = 0; read < total; ) {
        const reply = (await reader.xreadBuffer('COUNT', 500, 'BLOCK', 1000, 'STREAMS', key, last)) as
          | [Buffer, [Buffer, Buffer[]][]][]
          | null;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            const seq = (JSON.parse((fields[1] as Buffer).toString()) as { payload: { seq: number } }).payload.seq;
            latencies.push(performance.now() - (sentAt[seq] as number));
            last = id.toString();
            read++;
          }
        }
      }
      if (latencies.length === total * nodes) done.resolve();
    })();
  }
  await new Promise((r) => setTimeout(r, 50));
  start = performance.now();
  await publishPaced(total, perSecond, (seq) => {
    sentAt[seq] = performance.now();
    void pub.xadd(key, 'MAXLEN', '~', 100_000, '*', 'e', entry(seq));
  });
  await done.promise;
  const raw = summarise(start, performance.now(), latencies);
  await pub.del(key);
  pub.disconnect();
  for (const r of readers) r.disconnect();
  return { bus, raw };
}
