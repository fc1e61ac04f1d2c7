// Benchmarks of @coordis/events against raw ioredis pub/sub, on one standalone server, in one
// process and run: publish-to-deliver throughput and latency (p50/p99) with 1 and 3
// subscribing nodes, transient and durable. Writes bench/results/events.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { connect } from '@coordis/client';
import { findRedisServer, startStandalone } from '@coordis/testkit';
import { Redis } from 'ioredis';
import { createEventBus, type } from '../src/index.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IN_FLIGHT = 64;
const payload = { account: 42, mailbox: 'INBOX', text: 'x'.repeat(120) };
const events = { 'mailbox.changed': type<{ account: number; mailbox: string; text: string; seq: number }>() };

interface Measure {
  readonly throughput: number;
  readonly p50: number;
  readonly p99: number;
}

function summarise(start: number, end: number, latencies: number[]): Measure {
  const s = latencies.sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  return { throughput: (s.length / (end - start)) * 1000, p50: at(0.5), p99: at(0.99) };
}

async function publishAll(send: (seq: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < EVENTS) await send(next++);
    }),
  );
}

async function raw(url: string, subscribers: number): Promise<Measure> {
  const pub = new Redis(url);
  const subs = Array.from({ length: subscribers }, () => new Redis(url));
  const latencies: number[] = [];
  let got = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  for (const s of subs) {
    s.on('message', (_c: string, m: string) => {
      latencies.push(performance.now() - (JSON.parse(m) as { t: number }).t);
      if (++got === EVENTS * subscribers) done();
    });
    await s.subscribe('bench:raw');
  }
  const start = performance.now();
  await publishAll((seq) => pub.publish('bench:raw', JSON.stringify({ ...payload, seq, t: performance.now() })));
  await finished;
  const m = summarise(start, performance.now(), latencies);
  for (const c of [pub, ...subs]) c.disconnect();
  return m;
}

async function bus(url: string, subscribers: number, mode: 'transient' | 'durable', run: number): Promise<Measure> {
  const namespace = `bench-${mode}-${subscribers}-${run}`;
  const clients = await Promise.all(Array.from({ length: subscribers + 1 }, () => connect(url)));
  const [pubClient, ...subClients] = clients as unknown as [Redis, ...Redis[]];
  const publisher = createEventBus({ client: pubClient, nodeId: 'publisher', namespace, events, mode });
  const latencies: number[] = [];
  let got = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  // Envelope timestamps are wall-clock ms; latency is measured on the monotonic clock instead.
  const sentAt = new Map<number, number>();
  const nodes = subClients.map((client, i) => {
    const b = createEventBus({ client, nodeId: `sub-${i}`, namespace, events, mode, durable: { startFrom: 'latest' } });
    b.on('mailbox.changed', (e) => {
      latencies.push(performance.now() - (sentAt.get(e.payload.seq) ?? Number.NaN));
      if (++got === EVENTS * subscribers) done();
    });
    return b;
  });
  await Promise.all(nodes.map((n) => n.start()));
  const start = performance.now();
  await publishAll((seq) => {
    sentAt.set(seq, performance.now());
    return publisher.publish('mailbox.changed', { ...payload, seq });
  });
  await finished;
  const m = summarise(start, performance.now(), latencies);
  for (const n of [publisher, ...nodes]) await n.close();
  for (const c of clients) c.disconnect();
  return m;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

const s = await startStandalone();
const results: unknown[] = [];
const lines: string[] = [];
try {
  for (const subscribers of [1, 3]) {
    const rows: { raw: Measure; transient: Measure; durable: Measure }[] = [];
    for (let run = 0; run < RUNS; run++) {
      rows.push({
        raw: await raw(s.url, subscribers),
        transient: await bus(s.url, subscribers, 'transient', run),
        durable: await bus(s.url, subscribers, 'durable', run),
      });
    }
    const pick = (k: 'raw' | 'transient' | 'durable', f: keyof Measure) => median(rows.map((r) => r[k][f]));
    const ratio = median(rows.map((r) => r.transient.throughput / r.raw.throughput));
    results.push({
      name: `publish → deliver, ${subscribers} subscribing node${subscribers > 1 ? 's' : ''}, ${IN_FLIGHT} in flight, 200-byte payload`,
      unit: 'events/s delivered',
      higherIsBetter: true,
      coordis: pick('transient', 'throughput'),
      baselines: { 'raw ioredis pub/sub': pick('raw', 'throughput') },
      ratio,
      ratioOf: 'coordis transient / raw pub/sub (median of per-run ratios)',
      goal: '>= 0.8',
      met: ratio >= 0.8,
      runs: RUNS,
      note: `latency p50/p99 ms: coordis transient ${pick('transient', 'p50').toFixed(2)}/${pick('transient', 'p99').toFixed(2)}, raw ${pick('raw', 'p50').toFixed(2)}/${pick('raw', 'p99').toFixed(2)}, coordis durable ${pick('durable', 'p50').toFixed(2)}/${pick('durable', 'p99').toFixed(2)}; durable throughput ${Math.round(pick('durable', 'throughput'))}/s`,
    });
    lines.push(
      `${subscribers} node(s): raw ${Math.round(pick('raw', 'throughput'))}/s p50 ${pick('raw', 'p50').toFixed(2)} ms; transient ${Math.round(pick('transient', 'throughput'))}/s p50 ${pick('transient', 'p50').toFixed(2)} ms p99 ${pick('transient', 'p99').toFixed(2)} ms (ratio ${ratio.toFixed(2)}); durable ${Math.round(pick('durable', 'throughput'))}/s p50 ${pick('durable', 'p50').toFixed(2)} ms p99 ${pick('durable', 'p99').toFixed(2)} ms`,
    );
  }
} finally {
  await s.stop();
}
const out = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(
  `${out}events.json`,
  `${JSON.stringify({ package: 'events', generatedAt: new Date().toISOString(), environment: { node: process.version, redis: findRedisServer().version, cpus: cpus().length }, results }, null, 2)}\n`,
);
console.log(lines.join('\n'));
