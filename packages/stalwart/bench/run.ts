// Benchmarks of @coordis/stalwart. No other library speaks Stalwart's formats, so the baseline
// of each is the same Redis commands sent by hand with plain ioredis — what a service would write
// without this package — in this process, against the same testkit servers, in the same run:
//   1. rate-limit hits in Stalwart's shape (MULTI INCRBY EXPIRE EXEC), 64 in flight over 1000
//      accounts: `stalwartRateLimits().hit` against a hand-built key and `multi()`;
//   2. following stwt.agora: events delivered per second to typed handlers by `followStalwart`
//      against a raw subscriber that only counts messages (no decoding), batches of 10 state
//      changes published 64 in flight;
//   3. GETs over a two-store sharded store: `StalwartShards.call` (xxh3 routing per call) against
//      GET on a store chosen in advance.
// Each pair warms up once, then takes turns, in alternating order, RUNS times; medians. Writes
// bench/results/stalwart.json (schema: bench/README.md). BENCH_RUNS overrides the run count.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startStandalone } from '@coordis/testkit';
import { Redis } from 'ioredis';
import {
  createStalwartShards,
  encodeBroadcast,
  followStalwart,
  rateWindow,
  shardIndex,
  stalwartKeys,
  stalwartRateLimits,
} from '../src/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IN_FLIGHT = 64;
const SLICE_MS = 1000;
const ACCOUNTS = 1000;
const GOAL = 0.8;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Operations per second with IN_FLIGHT loops calling `op` for SLICE_MS. */
async function throughput(op: (i: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  let i = 0;
  const started = performance.now();
  const end = started + SLICE_MS;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        await op(i++);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/** Runs both sides RUNS times, alternating which goes first; their medians. */
async function pair(coordis: () => Promise<number>, baseline: () => Promise<number>): Promise<[number, number, number[], number[]]> {
  const a: number[] = [];
  const b: number[] = [];
  // One untimed slice each first: JIT warm-up and connection set-up are not what is compared.
  await coordis();
  await baseline();
  for (let r = 0; r < RUNS; r++) {
    if (r % 2 === 0) {
      a.push(await coordis());
      b.push(await baseline());
    } else {
      b.push(await baseline());
      a.push(await coordis());
    }
  }
  return [median(a), median(b), a, b];
}

async function main(): Promise<void> {
  const [s1, s2] = await Promise.all([startStandalone(), startStandalone()]);
  const connections: Redis[] = [];
  const open = async (url: string) => {
    const c = new Redis(url);
    await c.ping();
    connections.push(c);
    return c;
  };
  const redisVersion = /redis_version:(\S+)/.exec(await (await open(s1.url)).info('server'))?.[1] ?? 'unknown';
  const results: object[] = [];
  const table: string[][] = [];
  const record = (name: string, unit: string, c: number, b: number, runs: [number[], number[]], note: string) => {
    const ratio = round(c / b);
    results.push({
      name,
      unit,
      higherIsBetter: true,
      coordis: Math.round(c),
      baselines: { 'plain ioredis, by hand': Math.round(b) },
      ratio,
      ratioOf: 'coordis / plain ioredis',
      goal: `>= ${GOAL}`,
      met: ratio >= GOAL,
      runs: RUNS,
      note: `${note}; runs coordis ${runs[0].map(Math.round).join(', ')}, by hand ${runs[1].map(Math.round).join(', ')}`,
    });
    table.push([name, `${Math.round(c).toLocaleString('en')} ${unit}`, `${Math.round(b).toLocaleString('en')} ${unit}`, `${ratio}`]);
  };

  // 1. Rate-limit hits.
  {
    const rate = { count: 1_000_000_000, periodS: 3600 };
    const limits = stalwartRateLimits(await open(s1.url));
    const raw = await open(s1.url);
    const [c, b, ...runs] = await pair(
      () => throughput((i) => limits.hit('KV_RATE_LIMIT_IMAP', { accountId: i % ACCOUNTS }, rate)),
      () => {
        // The baseline builds its keys and window once per slice: the cheapest hand-written form.
        const nowMs = Date.now();
        const { expiresInS } = rateWindow(rate.periodS, nowMs);
        const keys = Array.from({ length: ACCOUNTS }, (_, a) =>
          stalwartKeys.rateLimit('KV_RATE_LIMIT_IMAP', { accountId: a }, { periodS: rate.periodS, nowMs }),
        );
        return throughput((i) =>
          raw
            .multi()
            .incrby(keys[i % ACCOUNTS] as Buffer, 1)
            .expire(keys[i % ACCOUNTS] as Buffer, expiresInS)
            .exec(),
        );
      },
    );
    record('rate-limit hit, MULTI INCRBY EXPIRE, 64 in flight', 'ops/s', c, b, runs, 'coordis computes the window and key on every call');
  }

  // 2. Following the broadcast.
  {
    const publisher = await open(s1.url);
    const batch = encodeBroadcast({
      nodeId: 1,
      events: Array.from(
        { length: 10 },
        (_, i) => ({ type: 'stateChange', accountId: i, changeId: BigInt(1000 + i), types: 25n }) as const,
      ),
    });
    const flood = async (received: () => number): Promise<number> => {
      const start = received();
      const started = performance.now();
      await throughput(() => publisher.publish('stwt.agora', batch));
      // Let what was published arrive before the count is read.
      for (let last = -1; last !== received(); ) {
        last = received();
        await new Promise((r) => setTimeout(r, 20));
      }
      return (received() - start) / ((performance.now() - started) / 1000);
    };
    const followerClient = await open(s1.url);
    let counted = 0;
    const rawSub = await open(s1.url);
    const onRaw = () => {
      counted += 10;
    };
    const [c, b, ...runs] = await pair(
      async () => {
        let handled = 0;
        const follower = followStalwart({ client: followerClient, handlers: { stateChange: () => void handled++ } });
        await follower.ready;
        const rate = await flood(() => handled);
        await follower.close();
        return rate;
      },
      async () => {
        await rawSub.subscribe('stwt.agora');
        rawSub.on('messageBuffer', onRaw);
        const rate = await flood(() => counted);
        rawSub.off('messageBuffer', onRaw);
        await rawSub.unsubscribe('stwt.agora');
        return rate;
      },
    );
    record(
      'follow stwt.agora, batches of 10 state changes, 64 publishes in flight',
      'events/s',
      c,
      b,
      runs,
      'one subscriber at a time; publisher and subscriber share this process, so decoding slows publishing too',
    );
  }

  // 3. Shard routing.
  {
    const stores = [await open(s1.url), await open(s2.url)];
    const shards = await createStalwartShards(stores);
    const keys = Array.from({ length: ACCOUNTS }, (_, a) => stalwartKeys.taskLock({ taskId: BigInt(a) }));
    const homes = await Promise.all(keys.map((k) => shardIndex(k, 2)));
    for (const [i, k] of keys.entries()) await stores[homes[i] as number]?.set(k, '1');
    const [c, b, ...runs] = await pair(
      () => throughput((i) => shards.call('GET', keys[i % ACCOUNTS] as Buffer)),
      () => throughput((i) => (stores[homes[i % ACCOUNTS] as number] as Redis).get(keys[i % ACCOUNTS] as Buffer)),
    );
    record(
      'GET over a 2-store sharded store, 64 in flight',
      'ops/s',
      c,
      b,
      runs,
      'coordis hashes each key (xxh3-64) to route it; the baseline knows the store in advance',
    );
  }

  const out = {
    package: 'stalwart',
    generatedAt: new Date().toISOString(),
    environment: { node: process.version, redis: redisVersion, cpus: cpus().length },
    results,
  };
  const dir = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}stalwart.json`;
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);

  const head = ['', 'coordis', 'plain ioredis, by hand', 'ratio'];
  const widths = head.map((_, i) => Math.max(...[head, ...table].map((r) => (r[i] ?? '').length)));
  for (const row of [head, ...table]) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
  console.log(`\nwrote ${file}`);
  for (const c of connections) c.disconnect();
  await Promise.all([s1.stop(), s2.stop()]);
}

await main();
