// Benchmarks of @coordis/client against plain ioredis (defaults, and with failoverDetector)
// and node-redis createSentinel, on one testkit Sentinel topology per run, all four clients
// writing at once so they live through the very same failover:
//   1. SIGKILL of the primary, and 2. SIGSTOP of the primary for 8 s (a hung host), 20 runs
//      each (BENCH_FAULT_RUNS): time from the first +switch-master to each client's first
//      acknowledged write after it (p50, p95), acknowledged writes lost, writes applied twice,
//      and for coordis the commands it rejected as of unknown outcome and the ones it resent;
//      a fifth client, coordis with durable writes (WAIT 1 replica), counts what the promise of
//      no acknowledged write lost is worth through the same failover;
//   3. per-command throughput against plain ioredis on one standalone server, 9 alternating
//      rounds of 2 s (BENCH_RUNS): the median of per-round ratios, which one noisy round cannot move.
// Writes bench/results/client.json (schema: bench/README.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { findRedisServer, nowMs, type SentinelTopology, startSentinel, startStandalone } from '@coordis/testkit';
import { Redis } from 'ioredis';
import { createSentinel } from 'redis';
import { connect, type FailoverEvent } from '../src/index.js';

type Writer = { rpush(key: string, value: string): Promise<unknown>; disconnect(): void };

interface Load {
  readonly name: string;
  readonly key: string;
  readonly acked: Map<string, number>;
  stop(): Promise<void>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number);
}

function run(name: string, client: Writer, writers: number): Load {
  const key = `bench:${name}`;
  const acked = new Map<string, number>();
  let running = true;
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; running; i++) {
      const id = `${w}:${i}`;
      try {
        await client.rpush(key, id);
        acked.set(id, nowMs());
      } catch {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  });
  return {
    name,
    key,
    acked,
    stop: async () => {
      running = false;
      // A client waiting on a hung socket never settles; do not wait for it forever.
      await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 3000))]);
      client.disconnect();
    },
  };
}

interface FaultRun {
  readonly client: string;
  readonly msToFirstWrite: number;
  readonly lost: number;
  readonly doubled: number;
  readonly acked: number;
  readonly rejected: number;
  readonly resent: number;
  /** Primaries Sentinel switched to during the run: more than one when it failed over again under load. */
  readonly failovers: number;
}

/** node-redis' Sentinel client behind the same two methods the load needs. */
async function nodeRedis(sentinels: { host: string; port: number }[], name: string): Promise<Writer> {
  const client = createSentinel({ name, sentinelRootNodes: sentinels });
  client.on('error', () => {});
  await client.connect();
  return {
    rpush: (key, value) => client.rPush(key, value),
    disconnect: () => {
      client.destroy();
    },
  };
}

async function faultRun(fault: 'kill' | 'pause'): Promise<FaultRun[]> {
  const t: SentinelTopology = await startSentinel({ replicas: 2, sentinels: 3, downAfterMs: 1000 });
  try {
    const sentinels = t.sentinels.map((s) => ({ host: s.host, port: s.port }));
    const coordis = await connect(t.url);
    const durable = await connect(t.url, { durable: { replicas: 1, timeoutMs: 1000 } });
    const moves = new Map<string, FailoverEvent[]>([
      ['coordis', []],
      ['coordis durable', []],
    ]);
    coordis.events.on('failover', (e) => moves.get('coordis')?.push(e));
    durable.events.on('failover', (e) => moves.get('coordis durable')?.push(e));
    const plain = new Redis({ sentinels, name: t.masterName });
    const detector = new Redis({ sentinels, name: t.masterName, failoverDetector: true });
    for (const c of [plain, detector]) c.on('error', () => {});
    await Promise.all([plain.ping(), detector.ping()]);
    const nr = await nodeRedis(sentinels, t.masterName);
    const loads = [
      run('coordis', coordis, 16),
      run('ioredis', plain, 16),
      run('ioredis+failoverDetector', detector, 16),
      run('node-redis', nr, 16),
      run('coordis durable', durable, 16),
    ];
    await new Promise((r) => setTimeout(r, 500));
    const old = await t.primary();
    const faultAt = nowMs();
    if (fault === 'kill') await old.kill();
    else old.pause();
    const sw = await t.watch.waitForSwitchMaster({ after: faultAt, timeoutMs: 30_000 });
    if (fault === 'pause') {
      await new Promise((r) => setTimeout(r, Math.max(0, 8000 - (nowMs() - faultAt))));
      old.resume();
    } else {
      await new Promise((r) => setTimeout(r, 3000));
    }
    await t.waitForHealthy({ reconcile: true, timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 500));
    for (const l of loads) await l.stop();
    const primary = await t.primary();
    const failovers = new Set(
      t.watch
        .switchMasters()
        .filter((m) => m.at >= faultAt)
        .map((m) => `${m.to.host}:${m.to.port}@${m.from.host}:${m.from.port}`),
    ).size;
    const out: FaultRun[] = [];
    for (const l of loads) {
      const stored = (await primary.call('LRANGE', l.key, 0, -1)) as string[];
      const present = new Set(stored);
      const after = [...l.acked.values()].filter((at) => at > sw.at);
      out.push({
        client: l.name,
        msToFirstWrite: after.length ? after.reduce((a, b) => Math.min(a, b)) - sw.at : Number.NaN,
        lost: [...l.acked.keys()].filter((id) => !present.has(id)).length,
        doubled: stored.length - present.size,
        acked: l.acked.size,
        rejected: moves.get(l.name)?.reduce((n, m) => n + m.inFlightRejected, 0) ?? Number.NaN,
        resent: moves.get(l.name)?.reduce((n, m) => n + m.resent, 0) ?? Number.NaN,
        failovers,
      });
    }
    return out;
  } finally {
    await t.stop();
  }
}

async function throughput(): Promise<{ coordis: number; ioredis: number }[]> {
  const s = await startStandalone();
  try {
    const coordis = await connect(s.url);
    const plain = new Redis(s.url);
    await plain.set('bench:k', 'v');
    const measure = async (c: Redis): Promise<number> => {
      let ops = 0;
      const until = performance.now() + 2000;
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (performance.now() < until) {
            await c.get('bench:k');
            ops++;
          }
        }),
      );
      return ops / 2;
    };
    const rounds: { coordis: number; ioredis: number }[] = [];
    const n = Number(process.env.BENCH_RUNS ?? 9);
    await measure(plain);
    await measure(coordis);
    // Alternate which goes first, so drift on a noisy machine does not favour one side.
    for (let i = 0; i < n; i++) {
      if (i % 2) rounds.push({ ioredis: await measure(plain), coordis: await measure(coordis) });
      else rounds.push({ coordis: await measure(coordis), ioredis: await measure(plain) });
    }
    plain.disconnect();
    coordis.disconnect();
    return rounds;
  } finally {
    await s.stop();
  }
}

const results: unknown[] = [];
const table: string[] = [];
for (const fault of ['kill', 'pause'] as const) {
  const runs = Number(process.env.BENCH_FAULT_RUNS ?? 20);
  const all: FaultRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await faultRun(fault);
    all.push(...r);
    console.error(
      `${fault} run ${i + 1}/${runs} (${r[0]?.failovers ?? 0} failover(s)): ${r.map((x) => `${x.client} first write +${Math.round(x.msToFirstWrite)} ms, lost ${x.lost}/${x.acked}, doubled ${x.doubled}`).join('; ')}`,
    );
  }
  const by = (name: string) => all.filter((r) => r.client === name);
  const label = fault === 'kill' ? 'SIGKILL of the primary' : 'SIGSTOP of the primary for 8 s';
  const stats = (name: string) => ({
    p50: median(by(name).map((r) => r.msToFirstWrite)),
    p95: percentile(
      by(name).map((r) => r.msToFirstWrite),
      95,
    ),
    lost: median(by(name).map((r) => r.lost)),
    doubled: median(by(name).map((r) => r.doubled)),
  });
  const c = stats('coordis');
  const p = stats('ioredis');
  const d = stats('ioredis+failoverDetector');
  const n = stats('node-redis');
  const rejected = median(by('coordis').map((r) => r.rejected));
  const resent = median(by('coordis').map((r) => r.resent));
  // WAIT 1 promises the write to one replica: it survives the failover that promotes the best
  // replica, not a second one in a row (Sentinel failing over again before the other replica
  // has resynchronised: 1 to 2 runs in 20 here). Runs with a second failover are counted apart.
  const durableAll = by('coordis durable');
  const durableRuns = durableAll.filter((r) => r.failovers <= 1);
  const doubleRuns = durableAll.filter((r) => r.failovers > 1);
  const durableLost = durableRuns.reduce((n, r) => n + r.lost, 0);
  const durableAcked = durableRuns.reduce((n, r) => n + r.acked, 0);
  const doubleNote = doubleRuns.length
    ? `; ${doubleRuns.length} run(s) saw Sentinel fail over twice in a row: durable writes lost there ${doubleRuns.reduce((n, r) => n + r.lost, 0)} of ${doubleRuns.reduce((n, r) => n + r.acked, 0)} (WAIT 1 covers one failover; replicas = all covers any)`
    : '';
  results.push({
    name: `${label}: +switch-master → first acknowledged write (p50)`,
    unit: 'ms',
    higherIsBetter: false,
    coordis: c.p50,
    baselines: { ioredis: p.p50, 'ioredis+failoverDetector': d.p50, 'node-redis createSentinel': n.p50 },
    ratio: Math.min(p.p50, d.p50, n.p50) / c.p50,
    ratioOf: 'best baseline / coordis (times faster)',
    goal: 'coordis p50 <= 200 ms',
    met: c.p50 <= 200,
    runs,
    note: `16 writers per client, all four clients through the same failover`,
  });
  results.push({
    name: `${label}: +switch-master → first acknowledged write (p95)`,
    unit: 'ms',
    higherIsBetter: false,
    coordis: c.p95,
    baselines: { ioredis: p.p95, 'ioredis+failoverDetector': d.p95, 'node-redis createSentinel': n.p95 },
    ratio: Math.min(p.p95, d.p95, n.p95) / c.p95,
    ratioOf: 'best baseline / coordis (times faster)',
    goal: 'coordis p95 <= 500 ms',
    met: c.p95 <= 500,
    runs,
  });
  results.push({
    name: `${label}: acknowledged writes lost (median per run)`,
    unit: 'writes',
    higherIsBetter: false,
    coordis: c.lost,
    baselines: { ioredis: p.lost, 'ioredis+failoverDetector': d.lost, 'node-redis createSentinel': n.lost },
    goal: 'coordis 0 (without durable writes: measured, not promised)',
    met: c.lost === 0,
    runs,
    note: `coordis rejected ${rejected} in-flight writes as of unknown outcome and resent ${resent} (median per run); the others resend silently`,
  });
  results.push({
    name: `${label}: acknowledged writes lost with durable writes on (WAIT 1 replica), all runs with one failover`,
    unit: 'writes',
    higherIsBetter: false,
    coordis: durableLost,
    baselines: {},
    goal: 'coordis 0 in every run',
    met: durableLost === 0,
    runs: durableRuns.length,
    note: `${durableAcked} durable writes acknowledged over ${durableRuns.length} runs${doubleNote}; first write after the switch p50 ${Math.round(median(durableRuns.map((r) => r.msToFirstWrite)))} ms; rejected ${median(durableRuns.map((r) => r.rejected))} in flight as of unknown outcome (median per run)`,
  });
  results.push({
    name: `${label}: writes applied twice (median per run)`,
    unit: 'writes',
    higherIsBetter: false,
    coordis: c.doubled,
    baselines: { ioredis: p.doubled, 'ioredis+failoverDetector': d.doubled, 'node-redis createSentinel': n.doubled },
    goal: 'coordis 0',
    met: c.doubled === 0,
    runs,
  });
  table.push(
    `${label}: first write p50/p95 coordis ${Math.round(c.p50)}/${Math.round(c.p95)} ms, ioredis ${Math.round(p.p50)}/${Math.round(p.p95)} ms, +failoverDetector ${Math.round(d.p50)}/${Math.round(d.p95)} ms, node-redis ${Math.round(n.p50)}/${Math.round(n.p95)} ms; lost coordis ${c.lost}, ioredis ${p.lost}, +failoverDetector ${d.lost}, node-redis ${n.lost}; doubled coordis ${c.doubled}, node-redis ${n.doubled}; coordis rejected ${rejected}, resent ${resent}; coordis durable lost ${durableLost} of ${durableAcked} over the runs with one failover${doubleNote}`,
  );
}
const rounds = await throughput();
const ratio = median(rounds.map((r) => r.coordis / r.ioredis));
results.push({
  name: 'GET throughput, 64 in flight, standalone',
  unit: 'ops/s',
  higherIsBetter: true,
  coordis: median(rounds.map((r) => r.coordis)),
  baselines: { ioredis: median(rounds.map((r) => r.ioredis)) },
  ratio,
  ratioOf: 'coordis / ioredis (median of per-round ratios)',
  goal: '>= 0.95',
  met: ratio >= 0.95,
  runs: rounds.length,
});
table.push(`GET throughput ratio coordis/ioredis: ${ratio.toFixed(3)} (median of ${rounds.length} alternating rounds)`);

const out = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(
  `${out}client.json`,
  `${JSON.stringify({ package: 'client', generatedAt: new Date().toISOString(), environment: { node: process.version, redis: findRedisServer().version, cpus: cpus().length }, results }, null, 2)}\n`,
);
console.log(table.join('\n'));
