// Durable mode against raw ioredis Streams on the same server: live publish → handle with the
// receiving nodes in processes of their own (closed loop, or paced at a steady rate), a node
// replaying a backlog, and pipelined XADD alone.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { coalesceWrites, connect } from '@coordis/client';
import { Redis } from 'ioredis';
import { createEventBus, type } from '../src/index.js';
import { benchEvents, type Measure, publishAll, publishPaced, type ReaderReport, sharedNow, signal, summarise } from './measure.js';

const READER = fileURLToPath(new URL('./reader-process.ts', import.meta.url));
// BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of every node process, to see where a reader's time goes.
const PROFILE = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];

const IN_FLIGHT = 64;
/** Events published before measuring, for every process's JIT to settle. */
const WARM_UP = 2_000;
const payload = { account: 42, mailbox: 'INBOX', text: 'x'.repeat(120) };
const events = { 'mailbox.changed': type<{ account: number; mailbox: string; text: string; seq: number }>() };
// What the bus puts in the stream for one event, for the raw baselines to carry the same bytes.
const entry = (seq: number, t = 0) =>
  JSON.stringify({
    v: 1,
    id: `01KBENCH${String(seq).padStart(18, '0')}`,
    type: 'mailbox.changed',
    origin: 'raw',
    ts: Date.now(),
    payload: { ...payload, seq, t },
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

type Reader = { ready: Promise<void>; report: Promise<ReaderReport>; child: ChildProcess };

/** Starts `count` reader processes (coordis nodes or raw XREAD loops) on one stream or bus. */
function readers(kind: 'bus' | 'raw', url: string, name: string, count: number, expected: number): Reader[] {
  return Array.from({ length: count }, (_, i) => {
    const child = fork(READER, [kind, url, name, `node-${i}`, String(expected)], { execArgv: ['--import', 'tsx', ...PROFILE] });
    const ready = signal();
    let resolveReport: (r: ReaderReport) => void = () => {};
    const report = new Promise<ReaderReport>((resolve, reject) => {
      resolveReport = resolve;
      child.once('exit', (code) => reject(new Error(`reader process exited (${code}) before its report`)));
    });
    child.on('message', (m: unknown) => (m === 'ready' ? ready.resolve() : resolveReport(m as ReaderReport)));
    return { ready: ready.promise, report, child };
  });
}

/** Throughput from the first publish to the last handler call, and the latencies of every reader. */
async function collect(start: number, total: number, started: Reader[]): Promise<Measure> {
  const reports = await Promise.all(started.map((r) => r.report));
  for (const r of started) r.child.disconnect();
  const end = Math.max(...reports.map((r) => r.lastAt));
  return summarise(
    start,
    end,
    reports.flatMap((r) => r.latencies),
    total,
  );
}

/**
 * Publish → handle with every receiving node in a process of its own, as in a deployment: raw
 * (pipelined XADD, XREAD BLOCK loops) or the durable bus (`publish`, bus nodes). The publisher
 * runs here, `inFlight` publishes outstanding, or paced at `perSecond`.
 */
export async function live(
  kind: 'bus' | 'raw',
  url: string,
  total: number,
  nodes: number,
  pace: { inFlight: number } | { perSecond: number },
): Promise<Measure> {
  const name = `bench-${kind}-live-${++counter}`;
  let publish: (seq: number) => Promise<unknown>;
  let cleanup: () => Promise<void>;
  if (kind === 'bus') {
    const client = await connect(url);
    const publisher = createEventBus({ client, nodeId: 'publisher', namespace: name, events: benchEvents, mode: 'durable' });
    publish = (seq) => publisher.publish('mailbox.changed', { ...payload, seq, t: sharedNow() });
    cleanup = async () => {
      await publisher.close();
      await client.del(publisher.keys.stream);
      client.disconnect();
    };
  } else {
    const pub = new Redis(url);
    publish = (seq) => {
      coalesceWrites(pub);
      return pub.xadd(name, 'MAXLEN', '~', 100_000, '*', 'e', entry(seq, sharedNow()));
    };
    cleanup = async () => {
      await pub.del(name);
      pub.disconnect();
    };
  }
  const started = readers(kind, url, name, nodes, total);
  await Promise.all(started.map((r) => r.ready));
  await publishAll(WARM_UP, 16, (i) => publish(-1 - i));
  await new Promise((r) => setTimeout(r, 200));
  const start = sharedNow();
  if ('inFlight' in pace) await publishAll(total, pace.inFlight, publish);
  else await publishPaced(total, pace.perSecond, (seq) => void publish(seq));
  const m = await collect(start, total * nodes, started);
  await cleanup();
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
