import { createKeyspace } from '@coordis/keyspace';
import { topologyKinds } from '@coordis/testkit';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimits } from '../src/index.js';
import { killFixtures, runFixture } from './support/spawn-node.js';
import { deploy } from './support/topology.js';

// 64 concurrent clients in 4 OS processes hammer one key per scenario; every process runs the
// scenarios at the same wall-clock times.
const PROCESSES = 4;
const CLIENTS = 16;
const APP = 'exact';
const DAY = 86_400_000;

interface Report {
  readonly scenario: string;
  readonly attempts: number;
  readonly admitted: Readonly<Record<string, number>>;
}

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  let client: Redis | Cluster;
  const reports = new Map<string, Report[]>();
  let plan: { name: string; startAt: number; stopAt: number }[] = [];

  beforeAll(async () => {
    client = d.client;
    // The multi-limiter scenarios use a fixed window of one day: stay clear of midnight UTC.
    const toMidnight = DAY - ((Number((await client.time())[0]) * 1000) % DAY);
    if (toMidnight < 30_000) await new Promise((r) => setTimeout(r, toMidnight + 1000));
    // Processes need a few seconds to start (tsx, 16 connections each) on two busy cores.
    let at = Date.now() + 6000;
    plan = [
      // Starts on a whole second so that three whole one-second windows fall inside.
      { name: 'fixed', ms: 3600 },
      { name: 'gcra', ms: 1500 },
      { name: 'multi-fixed-binds', ms: 1500 },
      { name: 'multi-gcra-binds', ms: 1500 },
    ].map(({ name, ms }) => {
      const startAt = name === 'fixed' ? Math.ceil(at / 1000) * 1000 : at;
      at = startAt + ms + 300;
      return { name, startAt, stopAt: startAt + ms };
    });
    const outputs = await Promise.all(
      Array.from({ length: PROCESSES }, () =>
        runFixture('hammer', { url: d.topology.url, app: APP, clients: CLIENTS, scenarios: plan }, 60_000),
      ),
    );
    const sources: Record<string, number> = {};
    for (const r of outputs.flat() as { bySource?: Record<string, number> }[])
      for (const [k, v] of Object.entries(r.bySource ?? {})) sources[k] = (sources[k] ?? 0) + v;
    console.info(`exactness on ${kind}: admissions by source ${JSON.stringify(sources)}`);
    for (const lines of outputs) {
      for (const line of lines as Report[]) reports.set(line.scenario, [...(reports.get(line.scenario) ?? []), line]);
    }
  }, 90_000);

  afterAll(() => killFixtures());

  function admittedBySecond(scenario: string): Map<number, number> {
    const total = new Map<number, number>();
    for (const r of reports.get(scenario) ?? []) {
      for (const [second, n] of Object.entries(r.admitted)) total.set(Number(second), (total.get(Number(second)) ?? 0) + n);
    }
    return total;
  }

  const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

  describe('64 clients in 4 processes hammering one key', () => {
    it('admit exactly the limit in every one-second fixed window, and never more', () => {
      const s = plan.find((p) => p.name === 'fixed');
      const perWindow = admittedBySecond('fixed');
      const attempts = (reports.get('fixed') ?? []).reduce((n, r) => n + r.attempts, 0);
      expect(attempts).toBeGreaterThan(1000);
      for (const n of perWindow.values()) expect(n).toBeLessThanOrEqual(50);
      // Windows wholly inside the run (server and wall clocks agree here to a few ms).
      const first = Math.ceil(((s?.startAt ?? 0) + 100) / 1000);
      const last = Math.floor(((s?.stopAt ?? 0) - 100) / 1000) - 1;
      expect(last - first).toBeGreaterThanOrEqual(1);
      for (let w = first; w <= last; w++) expect(perWindow.get(w), `window ${w}`).toBe(50);
    });

    it('admit exactly the GCRA burst, nothing more before a token refills', () => {
      expect(sum(admittedBySecond('gcra'))).toBe(50);
    });

    it('admit exactly what the tighter of two limiters allows, taking nothing from either on rejections', async () => {
      expect(sum(admittedBySecond('multi-fixed-binds'))).toBe(25);
      expect(sum(admittedBySecond('multi-gcra-binds'))).toBe(20);
      // What the server holds: each limiter took exactly the admitted checks, nothing for the refused ones.
      const rl = createRateLimits(client, { keyspace: createKeyspace({ app: APP }), blockCache: false });
      const a1 = rl.gcra({ name: 'multi-fixed-binds-a', limit: 40, periodMs: 3_600_000, burst: 40 });
      const b1 = rl.fixedWindow({ name: 'multi-fixed-binds-b', limit: 25, periodMs: DAY });
      const a2 = rl.gcra({ name: 'multi-gcra-binds-a', limit: 40, periodMs: 3_600_000, burst: 20 });
      const b2 = rl.fixedWindow({ name: 'multi-gcra-binds-b', limit: 30, periodMs: DAY });
      const key = (id: string) => ({ family: 'f', id });
      expect((await a1.peek(key('ip'), { cost: 0 })).remaining).toBe(15);
      expect((await b1.peek(key('account'), { cost: 0 })).remaining).toBe(0);
      expect((await a2.peek(key('ip'), { cost: 0 })).remaining).toBe(0);
      expect((await b2.peek(key('account'), { cost: 0 })).remaining).toBe(10);
    });
  });
});
