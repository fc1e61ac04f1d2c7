// Benchmarks of @coordis/ratelimit against rate-limiter-flexible's RateLimiterRedis, both in
// this process, on one testkit standalone server, in the same run:
//   1. checks per second, 64 in flight over 1000 keys (never refused): coordis `check` (fixed
//      window, and GCRA) against RateLimiterRedis.consume, each on its own connection of the same
//      kind — plain ioredis, then CoordisClient (connect()) for both;
//   2. Redis calls (EVALSHA + EVAL in INFO commandstats) made by one admitted check and 20,000
//      more (64 in flight) of the key it blocked: coordis with its block cache, coordis without
//      it, and RateLimiterRedis.consume (no inMemoryBlockOnConsumed: its default);
//   3. checks per second of coordis on a 3-master Redis Cluster (connectCluster()) beside the
//      single primary (connect()), taking turns in one run.
// Writes bench/results/ratelimit.json (schema: bench/README.md). BENCH_RUNS overrides the run count.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { connect, connectCluster } from '@coordis/client';
import { createKeyspace } from '@coordis/keyspace';
import { startCluster, startStandalone } from '@coordis/testkit';
import { type Cluster, Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { createRateLimits, type RateLimits } from '../src/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IN_FLIGHT = 64;
const SLICE_MS = 1500;
const KEYS = 1000;
const BLOCKED_CHECKS = 20_000;
const HOUR = 3_600_000;
const RLF = 'rate-limiter-flexible';

type ConnectionKind = 'plain ioredis' | 'CoordisClient' | 'CoordisCluster';

/** One library's check, reduced to what the benchmark does with it. */
interface Subject {
  readonly name: string;
  check(key: string): Promise<unknown>;
  /** Answers that did not come from Redis (coordis fallbacks), to prove none happened. */
  notFromRedis(): number;
  close(): void;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function client(kind: ConnectionKind, url: string): Promise<Redis | Cluster> {
  const c = kind === 'plain ioredis' ? new Redis(url) : kind === 'CoordisCluster' ? await connectCluster(url) : await connect(url);
  await c.ping();
  return c;
}

let apps = 0;
async function coordis(
  kind: ConnectionKind,
  url: string,
  algorithm: 'gcra' | 'fixed-window',
  blockCache = true,
  label = `coordis ${algorithm}`,
): Promise<Subject & { limits: RateLimits }> {
  const c = await client(kind, url);
  const limits = createRateLimits(c, { keyspace: createKeyspace({ app: `bench${++apps}` }), blockCache });
  const rate = { name: 'bench', limit: 1_000_000_000, periodMs: 60_000 };
  const limiter = algorithm === 'gcra' ? limits.gcra(rate) : limits.fixedWindow(rate);
  let fallbacks = 0;
  return {
    name: label,
    limits,
    async check(key) {
      const r = await limiter.check(key);
      if (r.source === 'fallback') fallbacks++;
      return r;
    },
    notFromRedis: () => fallbacks,
    close: () => c.disconnect(),
  };
}

async function flexible(kind: ConnectionKind, url: string, points = 1_000_000_000, duration = 60): Promise<Subject> {
  const c = await client(kind, url);
  const limiter = new RateLimiterRedis({ storeClient: c, useRedisPackage: false, points, duration, keyPrefix: `rlf${++apps}` });
  return {
    name: RLF,
    // consume rejects with a RateLimiterRes when refused; that is an answer, not a failure.
    check: (key) => limiter.consume(key).catch((r: unknown) => r),
    notFromRedis: () => 0,
    close: () => c.disconnect(),
  };
}

/** Checks per second with IN_FLIGHT workers for `ms`. */
async function throughput(subject: Subject, ms: number): Promise<number> {
  const keys = Array.from({ length: KEYS }, (_, i) => `key-${i}`);
  let done = 0;
  const end = performance.now() + ms;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, w) => {
      for (let i = w; performance.now() < end; i += IN_FLIGHT) {
        await subject.check(keys[i % KEYS] as string);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/**
 * Script calls the server received (EVALSHA and EVAL): the only commands either library sends
 * to check. (Commandstats also counts the commands scripts run inside, which are not calls.)
 */
async function scriptCalls(admin: Redis): Promise<number> {
  let total = 0;
  for (const line of (await admin.info('commandstats')).split('\n')) {
    const m = /^cmdstat_(evalsha|eval):calls=(\d+)/.exec(line);
    if (m) total += Number(m[2]);
  }
  return total;
}

/** Script calls made by one check that is admitted, then BLOCKED_CHECKS checks of the now blocked key. */
async function blockedCalls(admin: Redis, subject: Subject): Promise<number> {
  const before = await scriptCalls(admin);
  await subject.check('blocked');
  let left = BLOCKED_CHECKS;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (left-- > 0) await subject.check('blocked');
    }),
  );
  return (await scriptCalls(admin)) - before;
}

const round = (x: number, digits = 0) => Number(x.toFixed(digits));

async function main(): Promise<void> {
  const t = await startStandalone();
  const admin = new Redis(t.url);
  const redis = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1] ?? 'unknown';
  const results: object[] = [];
  const table: string[][] = [];

  for (const kind of ['plain ioredis', 'CoordisClient'] as const) {
    const subjects = [await flexible(kind, t.url), await coordis(kind, t.url, 'fixed-window'), await coordis(kind, t.url, 'gcra')];
    for (const s of subjects) await throughput(s, 300); // warm-up: JIT, script cache
    const rates = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
    for (let run = 0; run < RUNS; run++) {
      // Taking turns, in a rotating order, so that drift on a shared machine hits all alike.
      for (let i = 0; i < subjects.length; i++) {
        const s = subjects[(run + i) % subjects.length] as Subject;
        rates.get(s.name)?.push(await throughput(s, SLICE_MS));
      }
    }
    const fallbacks = subjects.reduce((n, s) => n + s.notFromRedis(), 0);
    const base = median(rates.get(RLF) ?? []);
    for (const algorithm of ['fixed-window', 'gcra'] as const) {
      const mine = median(rates.get(`coordis ${algorithm}`) ?? []);
      const ratio = round(mine / base, 2);
      results.push({
        name: `check (${algorithm}) vs consume, 64 in flight, ${kind}`,
        unit: 'checks/s',
        higherIsBetter: true,
        coordis: round(mine),
        baselines: { [RLF]: round(base) },
        ratio,
        ratioOf: 'coordis / baseline',
        goal: '>= 1.5',
        met: ratio >= 1.5,
        runs: RUNS,
        note: `median of ${RUNS} slices of ${SLICE_MS / 1000} s per subject, taking turns; 64 workers over ${KEYS} keys, never refused; each subject on its own ${kind} connection; RateLimiterRedis with useRedisPackage false; coordis answers not from Redis: ${fallbacks}`,
      });
      table.push([`check ${algorithm} / consume (${kind})`, `${round(mine)}/s`, `${round(base)}/s`, `${ratio}×`]);
    }
    for (const s of subjects) s.close();
  }

  // 3. The same checks on a 3-master Cluster and on the single primary, taking turns.
  const cluster = await startCluster({ masters: 3, replicasPerMaster: 0 });
  for (const algorithm of ['fixed-window', 'gcra'] as const) {
    const single = await coordis('CoordisClient', t.url, algorithm, true, 'single primary');
    const onCluster = await coordis('CoordisCluster', cluster.url, algorithm, true, '3-master Cluster');
    const subjects = [single, onCluster];
    for (const s of subjects) await throughput(s, 300);
    const rates = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
    for (let run = 0; run < RUNS; run++) {
      for (let i = 0; i < subjects.length; i++) {
        const s = subjects[(run + i) % subjects.length] as Subject;
        rates.get(s.name)?.push(await throughput(s, SLICE_MS));
      }
    }
    const mine = median(rates.get('3-master Cluster') ?? []);
    const base = median(rates.get('single primary') ?? []);
    const ratio = round(mine / base, 2);
    results.push({
      name: `check (${algorithm}), 64 in flight, 3-master Cluster beside the single primary`,
      unit: 'checks/s',
      higherIsBetter: true,
      coordis: round(mine),
      baselines: { 'single primary (CoordisClient)': round(base) },
      ratio,
      ratioOf: 'Cluster / single primary',
      runs: RUNS,
      note: `median of ${RUNS} slices of ${SLICE_MS / 1000} s each, taking turns; 64 workers over ${KEYS} keys spread over the masters' slots, never refused; connectCluster() against connect(); every server and this process share ${cpus().length} cores, so the Cluster's extra servers compete with the client; coordis answers not from Redis: ${single.notFromRedis() + onCluster.notFromRedis()}`,
    });
    table.push([`check ${algorithm}: Cluster / single primary`, `${round(mine)}/s`, `${round(base)}/s`, `${ratio}×`]);
    for (const s of subjects) s.close();
  }
  await cluster.stop();

  const cached = await blockedCoordis(admin, t.url, true);
  const uncached = await blockedCoordis(admin, t.url, false);
  const rlf = await flexible('plain ioredis', t.url, 1, 3600);
  const rlfCalls = await blockedCalls(admin, rlf);
  rlf.close();
  const ratio = round(rlfCalls / Math.max(1, cached), 0);
  results.push({
    name: `Redis calls for 1 + ${BLOCKED_CHECKS} checks of a key blocked after the first, 64 in flight`,
    unit: 'calls',
    higherIsBetter: false,
    coordis: cached,
    baselines: { [RLF]: rlfCalls, 'coordis, block cache off': uncached },
    ratio,
    ratioOf: `${RLF} / coordis (times fewer calls)`,
    goal: '>= 10',
    met: ratio >= 10,
    runs: 1,
    note: `EVALSHA + EVAL calls in INFO commandstats (what each library sends to check); limit 1 per hour (coordis GCRA, RateLimiterRedis 1 point per 3600 s without inMemoryBlockOnConsumed, its default); the block cache alone saves ${round(uncached / Math.max(1, cached), 0)}× over coordis without it, whose refused checks still share script runs`,
  });
  table.push([
    `Redis calls, 1 + ${BLOCKED_CHECKS} checks, blocked`,
    `${cached}`,
    `${rlfCalls} (cache off: ${uncached})`,
    `${ratio}× fewer`,
  ]);

  const out = {
    package: 'ratelimit',
    generatedAt: new Date().toISOString(),
    environment: { node: process.version, redis, cpus: cpus().length },
    results,
  };
  const file = fileURLToPath(new URL('../../../bench/results/ratelimit.json', import.meta.url));
  mkdirSync(fileURLToPath(new URL('../../../bench/results/', import.meta.url)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);

  const widths = [0, 1, 2, 3].map((i) => Math.max(...[['', 'coordis', RLF, 'ratio'], ...table].map((r) => (r[i] ?? '').length)));
  for (const row of [['', 'coordis', RLF, 'ratio'], ...table]) console.log(row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '));
  console.log(`\nwrote ${file}`);
  admin.disconnect();
  await t.stop();

  async function blockedCoordis(a: Redis, url: string, blockCache: boolean): Promise<number> {
    const c = await client('plain ioredis', url);
    const limits = createRateLimits(c, { keyspace: createKeyspace({ app: `bench${++apps}` }), blockCache });
    const g = limits.gcra({ name: 'blocked', limit: 1, periodMs: HOUR });
    const calls = await blockedCalls(a, { name: 'coordis', check: (k) => g.check(k), notFromRedis: () => 0, close: () => {} });
    c.disconnect();
    return calls;
  }
}

await main();
