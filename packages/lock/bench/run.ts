// Benchmarks of @coordis/lock against redlock and redis-semaphore (Mutex), all three on one
// testkit standalone server in the same process and run, each on its own plain ioredis
// connection of the same options:
//   1. acquire+release throughput, 64 in flight (64 workers, one uncontended lock each);
//   2. handoff latency: contenders take turns on one lock; the time from a holder calling
//      release() to the next waiter's acquire resolving, p50 and p99, with 1 and 7 waiting.
// Writes bench/results/lock.json (schema: bench/README.md). BENCH_SLICES and BENCH_RUNS override
// the number of throughput slices and handoff runs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { findRedisServer, startStandalone } from '@coordis/testkit';
import { Redis } from 'ioredis';
import { Mutex } from 'redis-semaphore';
import Redlock from 'redlock';
import { createLocks } from '../src/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IN_FLIGHT = 64;
const THROUGHPUT_MS = 1000;
/** Throughput slices per library: more, shorter turns make the median robust to bursts of load elsewhere. */
const SLICES = Number(process.env.BENCH_SLICES ?? 9);
const HANDOFF_MS = 1500;
/** Waiters in the handoff runs: one (the plain handoff) and seven (a busy lock). */
const WAITERS = [1, 7] as const;
const HOLD_MS = 1;
const TTL_MS = 30_000;

/** One library's lock, reduced to what the benchmark does with it. */
interface Subject {
  readonly name: string;
  /** Acquires `resource` for `worker` (waiting), resolves with its release. */
  acquire(resource: string, worker: number): Promise<() => Promise<unknown>>;
  close(): Promise<void>;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function coordis(url: string): Subject {
  const client = new Redis(url);
  const locks = createLocks(client, { ttlMs: TTL_MS, waitMs: 60_000 });
  const cache = new Map<string, ReturnType<typeof locks.lock>>();
  return {
    name: 'coordis',
    async acquire(resource) {
      let lock = cache.get(resource);
      if (!lock) {
        lock = locks.lock(resource);
        cache.set(resource, lock);
      }
      const lease = await lock.acquire();
      return () => lease.release();
    },
    async close() {
      locks.close();
      client.disconnect();
    },
  };
}

function redlock(url: string): Subject {
  const client = new Redis(url);
  // Redlock's defaults (retryDelay 200 ms, jitter 200 ms), but retrying as long as the others wait.
  const rl = new Redlock([client], { retryCount: -1 });
  rl.on('error', () => {});
  return {
    name: 'redlock',
    async acquire(resource) {
      const lock = await rl.acquire([`redlock:${resource}`], TTL_MS);
      return () => lock.release();
    },
    async close() {
      client.disconnect();
    },
  };
}

function redisSemaphore(url: string): Subject {
  const client = new Redis(url);
  const cache = new Map<string, Mutex>();
  return {
    name: 'redis-semaphore',
    async acquire(resource, worker) {
      // A Mutex holds one identifier: one per worker, reused across cycles.
      const id = `${resource}#${worker}`;
      let mutex = cache.get(id);
      // Its defaults: retryInterval 10 ms; a wait as long as the others'.
      if (!mutex) {
        mutex = new Mutex(client, `rs:${resource}`, { lockTimeout: TTL_MS, acquireTimeout: 60_000 });
        cache.set(id, mutex);
      }
      const m = mutex;
      await m.acquire();
      return () => m.release();
    },
    async close() {
      client.disconnect();
    },
  };
}

/** acquire+release cycles per second, IN_FLIGHT workers each on its own lock. */
async function throughput(subject: Subject): Promise<number> {
  let running = true;
  let cycles = 0;
  const workers = Array.from({ length: IN_FLIGHT }, async (_, w) => {
    const resource = `tp:${w}`;
    while (running) {
      const release = await subject.acquire(resource, w);
      await release();
      cycles++;
    }
  });
  // Warm up (connection, script loading, JIT) before counting.
  await sleep(200);
  const start = performance.now();
  const before = cycles;
  await sleep(THROUGHPUT_MS);
  const done = cycles - before;
  const elapsed = performance.now() - start;
  running = false;
  await Promise.all(workers);
  return (done / elapsed) * 1000;
}

/**
 * Milliseconds from a holder calling release() to the next waiter's acquire resolving, with
 * `waiters` contenders waiting. A releaser contends again only once another contender has the
 * lock, so every release is a handoff to a waiter that has been waiting (none is stolen back).
 */
async function handoff(subject: Subject, waiters: number): Promise<number[]> {
  const samples: number[] = [];
  let releasedAt: number | undefined;
  let counting = false;
  let running = true;
  let gates: (() => void)[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((r) => {
    stop = r;
  });
  const resource = `handoff:${waiters}:${Math.random().toString(36).slice(2)}`;
  const contenders = Array.from({ length: waiters + 1 }, async (_, w) => {
    while (running) {
      const release = await subject.acquire(resource, w);
      const at = performance.now();
      if (counting && releasedAt !== undefined) samples.push(at - releasedAt);
      releasedAt = undefined;
      for (const open of gates) open();
      gates = [];
      await sleep(HOLD_MS);
      const next = new Promise<void>((r) => gates.push(r));
      releasedAt = performance.now();
      await release();
      await Promise.race([next, stopped]);
    }
  });
  await sleep(300);
  counting = true;
  await sleep(HANDOFF_MS);
  counting = false;
  running = false;
  stop();
  await Promise.all(contenders);
  return samples;
}

const t = await startStandalone();
const subjects = [coordis(t.url), redlock(t.url), redisSemaphore(t.url)];
const rates: Record<string, number[]> = {};
/** `${library}:${waiters}` → per-run p50, p99 and sample counts. */
const p50s: Record<string, number[]> = {};
const p99s: Record<string, number[]> = {};
const counts: Record<string, number[]> = {};
const push = (m: Record<string, number[]>, id: string, value: number) => {
  const list = m[id] ?? [];
  list.push(value);
  m[id] = list;
};
// The host is shared and noisy: the libraries take turns in short slices, in a rotating
// order, so a burst of load elsewhere hits all of them alike; medians over the slices.
const rotation = (run: number) => [...subjects.slice(run % subjects.length), ...subjects.slice(0, run % subjects.length)];
try {
  for (let slice = 0; slice < SLICES; slice++) {
    for (const subject of rotation(slice)) push(rates, subject.name, await throughput(subject));
  }
  console.error(`throughput: ${SLICES} slices done`);
  for (let run = 0; run < RUNS; run++) {
    for (const waiters of WAITERS) {
      for (const subject of rotation(run)) {
        const samples = await handoff(subject, waiters);
        const id = `${subject.name}:${waiters}`;
        push(p50s, id, percentile(samples, 50));
        push(p99s, id, percentile(samples, 99));
        push(counts, id, samples.length);
      }
    }
    console.error(`handoff run ${run + 1}/${RUNS} done`);
  }
} finally {
  for (const subject of subjects) await subject.close();
  await t.stop();
}

const med = (m: Record<string, number[]>, id: string) => median(m[id] ?? []);
const ms = (n: number) => Number(n.toFixed(3));
const tpCoordis = med(rates, 'coordis');
const tpRedlock = med(rates, 'redlock');
const tpRs = med(rates, 'redis-semaphore');
const tpRatio = tpCoordis / Math.max(tpRedlock, tpRs);
const sliceRatios = (rates.coordis ?? []).map((c, i) => c / Math.max(rates.redlock?.[i] ?? 0, rates['redis-semaphore']?.[i] ?? 0));
const redis = await findRedisServer();
const results: Record<string, unknown>[] = [
  {
    name: `acquire+release, ${IN_FLIGHT} in flight`,
    unit: 'ops/s',
    higherIsBetter: true,
    coordis: Math.round(tpCoordis),
    baselines: { redlock: Math.round(tpRedlock), 'redis-semaphore': Math.round(tpRs) },
    ratio: Number(tpRatio.toFixed(2)),
    ratioOf: 'coordis / best baseline',
    goal: '>= 1.5',
    met: tpRatio >= 1.5,
    runs: SLICES,
    note: `median of ${SLICES} slices of ${THROUGHPUT_MS / 1000} s per library, taking turns; one op = acquire then release, ${IN_FLIGHT} workers each on its own lock, one plain ioredis connection per library; coordis / best baseline per slice: ${Math.min(...sliceRatios).toFixed(2)}–${Math.max(...sliceRatios).toFixed(2)}, median ${median(sliceRatios).toFixed(2)}`,
  },
];
for (const waiters of WAITERS) {
  for (const [stat, table] of [
    ['p50', p50s],
    ['p99', p99s],
  ] as const) {
    const c = med(table, `coordis:${waiters}`);
    const rs = med(table, `redis-semaphore:${waiters}`);
    const rl = med(table, `redlock:${waiters}`);
    const goal = stat === 'p50' && waiters === 1;
    results.push({
      name: `handoff, release → next waiter acquired, ${waiters} waiting (${stat})`,
      unit: 'ms',
      higherIsBetter: false,
      coordis: ms(c),
      baselines: { 'redis-semaphore': ms(rs), redlock: ms(rl) },
      ratio: Number((Math.min(rs, rl) / c).toFixed(1)),
      ratioOf: 'best baseline / coordis (times faster)',
      goal: goal ? 'coordis p50 <= 1 ms' : 'reported',
      met: goal ? c <= 1 : true,
      runs: RUNS,
      note: `${waiters + 1} contenders take turns on one lock (held ${HOLD_MS} ms; a releaser contends again once the next holder has it); median over ${RUNS} runs of each run's ${stat}; samples per ${HANDOFF_MS / 1000} s run: coordis ${med(counts, `coordis:${waiters}`)}, redis-semaphore ${med(counts, `redis-semaphore:${waiters}`)}, redlock ${med(counts, `redlock:${waiters}`)}; baselines at their default retry intervals (redis-semaphore 10 ms, redlock 200 ms + up to 200 ms jitter)`,
    });
  }
}

const out = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(
  `${out}lock.json`,
  `${JSON.stringify(
    {
      package: 'lock',
      generatedAt: new Date().toISOString(),
      environment: { node: process.version, redis: redis.version, cpus: cpus().length },
      results,
    },
    null,
    2,
  )}\n`,
);

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(3));
console.log(`\n@coordis/lock vs redlock 5.0.0-beta.2 and redis-semaphore 5.8.0 (${RUNS} runs, medians)\n`);
console.log(`${'benchmark'.padEnd(58)}${'coordis'.padStart(12)}${'redlock'.padStart(12)}${'redis-sem.'.padStart(12)}  goal`);
for (const r of results as {
  name: string;
  unit: string;
  coordis: number;
  baselines: Record<string, number>;
  goal: string;
  met: boolean;
  ratio?: number;
}[]) {
  const b = r.baselines;
  console.log(
    `${`${r.name} (${r.unit})`.padEnd(58)}${fmt(r.coordis).padStart(12)}${fmt(b.redlock ?? Number.NaN).padStart(12)}${fmt(b['redis-semaphore'] ?? Number.NaN).padStart(12)}  ${r.goal}: ${r.met ? 'met' : 'NOT met'}${r.ratio !== undefined ? ` (ratio ${r.ratio})` : ''}`,
  );
}
console.log(`\nwritten to ${out}lock.json`);
