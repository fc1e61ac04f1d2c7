// Benchmarks of @coordis/events against raw ioredis, on one standalone server, in one run:
// publish-to-deliver throughput and latency (p50/p99) with 1 and 3 subscribing nodes in this
// process, transient and durable, against raw pub/sub; durable delivery to a node in a process
// of its own against raw pipelined XADD and a raw XREAD process; publish → handle latency at
// 1,000 events/s across three durable node processes; the cost of the envelope and validation. Writes bench/results/events.json and prints a table.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { connect } from '@coordis/client';
import { findRedisServer, startStandalone } from '@coordis/testkit';
import { Redis } from 'ioredis';
import { createEventBus, type } from '../src/index.js';
import { catchUp, live as liveRun, rawXadd } from './durable.bench.js';
import { busValidated, envelopeCpuMicros, rawBatched } from './envelope.bench.js';

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
const DURABLE_EVENTS = Number(process.env.BENCH_DURABLE_EVENTS ?? 40_000);
// 10 s per run: a p99 of 30,000 handler calls (three nodes) is not set by one stall of the
// machine, as one of 9,000 was (a 10 ms stall of two shared cores alone delays 30 of them).
const PACED_EVENTS = Number(process.env.BENCH_PACED_EVENTS ?? 10_000);
const fmt = (n: number) => Math.round(n).toLocaleString('en');

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

  // Durable delivery to one node: live, the node in a process of its own as in a deployment
  // (publisher here), and a node replaying a backlog (its own capacity); raw pipelined XADD and
  // raw XREAD, arranged the same way, on the same server in the same run.
  const durable: { xadd: number; rawLive: Measure; live: Measure; replay: number; rawReplay: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const xadd = await rawXadd(s.url, DURABLE_EVENTS);
    const raw = await liveRun('raw', s.url, DURABLE_EVENTS, 1, { inFlight: IN_FLIGHT });
    const live = await liveRun('bus', s.url, DURABLE_EVENTS, 1, { inFlight: IN_FLIGHT });
    const replay = await catchUp(s.url, DURABLE_EVENTS);
    durable.push({ xadd, rawLive: raw, live, replay: replay.bus, rawReplay: replay.raw });
  }
  const xadd = median(durable.map((d) => d.xadd));
  const live = median(durable.map((d) => d.live.throughput));
  const liveRaw = median(durable.map((d) => d.rawLive.throughput));
  const replay = median(durable.map((d) => d.replay));
  const rawReplay = median(durable.map((d) => d.rawReplay));
  const liveRatio = median(durable.map((d) => d.live.throughput / d.xadd));
  const replayRatio = median(durable.map((d) => d.replay / d.xadd));
  results.push(
    {
      name: `durable delivery to one node vs raw pipelined XADD, publish → handle, node in its own process, ${IN_FLIGHT} in flight, 200-byte payload`,
      unit: 'events/s delivered',
      higherIsBetter: true,
      coordis: live,
      baselines: { 'raw pipelined XADD (publish only)': xadd, 'raw XADD → XREAD loop in its own process': liveRaw },
      ratio: liveRatio,
      ratioOf: 'coordis durable delivered / raw pipelined XADD (median of per-run ratios)',
      goal: '>= 0.5',
      met: liveRatio >= 0.5,
      runs: RUNS,
      note: `${fmt(DURABLE_EVENTS)} events per run; the node validates, dedupes, handles and saves its checkpoint (one script pipelined behind the next XREAD, at least every 100 ms); latency p50/p99 ms: coordis ${median(durable.map((d) => d.live.p50)).toFixed(2)}/${median(durable.map((d) => d.live.p99)).toFixed(2)}, raw ${median(durable.map((d) => d.rawLive.p50)).toFixed(2)}/${median(durable.map((d) => d.rawLive.p99)).toFixed(2)}; coordis / raw XADD → XREAD ${median(durable.map((d) => d.live.throughput / d.rawLive.throughput)).toFixed(2)}`,
    },
    {
      name: 'durable delivery to one node, events/s (the only published Redis Streams figure found, @moleculer/channels, is ~4,081/s)',
      unit: 'events/s delivered',
      higherIsBetter: true,
      coordis: live,
      baselines: { 'raw XADD → XREAD loop in its own process': liveRaw },
      ratio: live / liveRaw,
      ratioOf: 'coordis durable / raw XADD → XREAD (medians)',
      goal: 'coordis >= 40,000 events/s',
      met: live >= 40_000,
      runs: RUNS,
      note: `publisher, node process and Redis share ${cpus().length} cores; a node replaying a backlog (its own capacity) handles ${fmt(replay)}/s`,
    },
    {
      name: `durable replay: a node catching up on a backlog of ${fmt(DURABLE_EVENTS)} events`,
      unit: 'events/s delivered',
      higherIsBetter: true,
      coordis: replay,
      baselines: { 'raw XREAD COUNT 500 + JSON.parse': rawReplay, 'raw pipelined XADD (publish only)': xadd },
      ratio: replayRatio,
      ratioOf: 'coordis replay / raw pipelined XADD (median of per-run ratios)',
      goal: '>= 0.5',
      met: replayRatio >= 0.5,
      runs: RUNS,
      note: `coordis / raw XREAD ${median(durable.map((d) => d.replay / d.rawReplay)).toFixed(2)}`,
    },
  );
  lines.push(
    `durable, 1 node: raw pipelined XADD ${fmt(xadd)}/s; live publish → handle: coordis ${fmt(live)}/s (${liveRatio.toFixed(2)}× XADD), raw XADD → XREAD ${fmt(liveRaw)}/s; replay: coordis ${fmt(replay)}/s (${replayRatio.toFixed(2)}× XADD), raw XREAD ${fmt(rawReplay)}/s`,
  );

  // Publish → handle latency at a steady 1,000 events/s across three durable nodes.
  const paced: { bus: Measure; raw: Measure }[] = [];
  for (let run = 0; run < RUNS; run++) {
    paced.push({
      raw: await liveRun('raw', s.url, PACED_EVENTS, 3, { perSecond: 1_000 }),
      bus: await liveRun('bus', s.url, PACED_EVENTS, 3, { perSecond: 1_000 }),
    });
  }
  const p99 = median(paced.map((p) => p.bus.p99));
  const rawP99 = median(paced.map((p) => p.raw.p99));
  results.push({
    name: 'durable publish → handle latency at 1,000 events/s, 3 node processes (p99)',
    unit: 'ms',
    higherIsBetter: false,
    coordis: p99,
    baselines: { 'raw XADD → 3 XREAD BLOCK reader processes': rawP99 },
    ratio: rawP99 / p99,
    ratioOf: 'raw p99 / coordis p99 (times faster)',
    goal: 'coordis p99 <= 5 ms',
    met: p99 <= 5,
    runs: RUNS,
    note: `${fmt(PACED_EVENTS)} events per run; p50 ms: coordis ${median(paced.map((p) => p.bus.p50)).toFixed(2)}, raw ${median(paced.map((p) => p.raw.p50)).toFixed(2)}`,
  });
  lines.push(`durable at 1,000 events/s, 3 nodes: p99 coordis ${p99.toFixed(2)} ms, raw ${rawP99.toFixed(2)} ms`);

  // The envelope and validation: the bus with a zod schema against raw pub/sub with the same
  // socket-write batching — with the bus's frames (its default) and without them (one PUBLISH
  // per event, like the raw side) — and the CPU of the envelope work per event.
  const validated: { raw: Measure; bus: Measure; unbatched: Measure }[] = [];
  for (let run = 0; run < RUNS; run++) {
    validated.push({
      raw: await rawBatched(s.url, EVENTS),
      bus: await busValidated(s.url, EVENTS),
      unbatched: await busValidated(s.url, EVENTS, false),
    });
  }
  const cpu = envelopeCpuMicros();
  const busRate = median(validated.map((v) => v.bus.throughput));
  const unbatchedRate = median(validated.map((v) => v.unbatched.throughput));
  const share = busRate * (cpu.bus - cpu.raw) * 1e-6;
  const envRatio = median(validated.map((v) => v.bus.throughput / v.raw.throughput));
  const unbatchedRatio = median(validated.map((v) => v.unbatched.throughput / v.raw.throughput));
  results.push({
    name: `envelope + validation (zod, both sides): transient bus vs raw pub/sub with the same socket-write batching, 1 node, ${IN_FLIGHT} in flight, 200-byte payload`,
    unit: 'events/s delivered',
    higherIsBetter: true,
    coordis: busRate,
    baselines: {
      'raw ioredis pub/sub + JSON, coalesced writes': median(validated.map((v) => v.raw.throughput)),
      'coordis with batchPublishes: false (one PUBLISH per event)': unbatchedRate,
    },
    ratio: envRatio,
    ratioOf: 'coordis / raw (median of per-run ratios); cost = 1 − ratio',
    goal: '>= 0.9 (cost <= 10%)',
    met: envRatio >= 0.9,
    runs: RUNS,
    note: `the bus sends the events of one tick as one frame; with one PUBLISH per event (batchPublishes: false) the ratio is ${unbatchedRatio.toFixed(2)}. CPU per event: envelope + zod on both sides ${cpu.bus.toFixed(2)} µs vs plain JSON ${cpu.raw.toFixed(2)} µs: the extra ${(cpu.bus - cpu.raw).toFixed(2)} µs is ${(share * 100).toFixed(1)}% of a second at the bus's measured rate`,
  });
  lines.push(
    `envelope + zod, 1 node: coordis ${fmt(busRate)}/s vs raw batched ${fmt(median(validated.map((v) => v.raw.throughput)))}/s (ratio ${envRatio.toFixed(2)}; one PUBLISH per event ${fmt(unbatchedRate)}/s, ratio ${unbatchedRatio.toFixed(2)}); CPU ${cpu.bus.toFixed(2)} vs ${cpu.raw.toFixed(2)} µs/event (${(share * 100).toFixed(1)}% of the transient rate)`,
  );
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
