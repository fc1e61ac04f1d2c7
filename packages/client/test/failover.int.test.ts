import { nowMs, startSentinel, startStandalone } from '@coordis/testkit';
import { describe, expect, it, vi } from 'vitest';
import { type CoordisClient, connect, type FailoverEvent, isUnknownOutcomeError } from '../src/index.js';
import { recordDials } from './support/dials.js';
import { audit, startWriteLoad, until } from './support/write-load.js';

function failovers(client: CoordisClient): FailoverEvent[] {
  const seen: FailoverEvent[] = [];
  client.events.on('failover', (e) => seen.push(e));
  return seen;
}

describe('a primary SIGKILLed under continuous writes', () => {
  it('resumes on the new primary, and with durable writes loses no acknowledged write and doubles none', async () => {
    const dials = recordDials();
    await using t = await startSentinel({ replicas: 2, sentinels: 3, downAfterMs: 1000 });
    // The natMap is empty on the host's network; in mapped mode it turns the container
    // addresses the sentinels announce into the ports published on 127.0.0.1.
    const client = await connect(t.url, { natMap: t.natMap, durable: { replicas: 1, timeoutMs: 2000 } });
    const seen = failovers(client);
    const load = startWriteLoad(client, 16);
    try {
      await until(() => load.result.acked.size > 500, 10_000, 'writes before the fault');
      const old = await t.primary();
      const killedAt = nowMs();
      await old.kill();
      const sw = await t.watch.waitForSwitchMaster({ after: killedAt, timeoutMs: 20_000 });
      const ackedAtSwitch = load.result.acked.size;
      await until(() => load.result.acked.size > ackedAtSwitch + 500, 20_000, 'writes after the switch');
      const result = await load.stop();
      const next = await t.waitForPrimary({ not: old });
      expect(next.port).toBe(sw.to.port);
      expect(client.address).toBe(`127.0.0.1:${next.port}`);
      const { missing, duplicated } = await audit(next, result);
      expect(missing).toEqual([]);
      expect(duplicated).toBe(0);
      // Only writes whose fate is unknown may fail, never with READONLY or a raw socket error.
      for (const e of result.errors) expect(isUnknownOutcomeError(e), e.message).toBe(true);
      expect(seen[0]).toMatchObject({ to: `127.0.0.1:${next.port}`, detectedBy: 'switch-master' });
      expect(dials.all().length).toBeGreaterThan(0);
      expect(dials.beyondLoopback()).toEqual([]);
    } finally {
      dials.stop();
      await load.stop();
      client.disconnect();
    }
  });
});

describe('a primary SIGSTOPped (hung) for 8 s under continuous writes', () => {
  it('moves to the new primary while the old one hangs, and takes no reply from it afterwards', async () => {
    const dials = recordDials();
    await using t = await startSentinel({ replicas: 2, sentinels: 3, downAfterMs: 1000 });
    const client = await connect(t.url, { natMap: t.natMap });
    const seen = failovers(client);
    const load = startWriteLoad(client, 16);
    const hung = await t.primary();
    try {
      await until(() => load.result.acked.size > 500, 10_000, 'writes before the fault');
      const pausedAt = nowMs();
      await hung.pause();
      const sw = await t.watch.waitForSwitchMaster({ after: pausedAt, timeoutMs: 20_000 });
      const ackedAtSwitch = load.result.acked.size;
      await until(() => load.result.acked.size > ackedAtSwitch + 500, 5_000, 'writes on the new primary while the old one hangs');
      expect(hung.state).toBe('paused');
      expect(client.address).toBe(`127.0.0.1:${sw.to.port}`);
      const left = 8000 - (nowMs() - pausedAt);
      if (left > 0) await new Promise((r) => setTimeout(r, left));
      await hung.resume();
      // Writes go on while the old primary wakes, runs what was left in its socket, and is demoted.
      await t.waitForHealthy({ reconcile: true });
      const result = await load.stop();
      const next = await t.primary();
      expect(next).not.toBe(hung);
      const { missing, duplicated } = await audit(next, result);
      expect(missing).toEqual([]);
      expect(duplicated).toBe(0);
      expect(seen[0]?.detectedBy).toBe('switch-master');
      expect(dials.all().length).toBeGreaterThan(0);
      expect(dials.beyondLoopback()).toEqual([]);
    } finally {
      dials.stop();
      if (hung.state === 'paused') await hung.resume();
      await load.stop();
      client.disconnect();
    }
  }, 90_000);
});

describe('a primary demoted by SENTINEL FAILOVER', () => {
  it('never hands READONLY to the caller, following +switch-master', async () => {
    await using t = await startSentinel({ replicas: 2, sentinels: 3 });
    const client = await connect(t.url);
    const load = startWriteLoad(client, 32);
    try {
      await until(() => load.result.acked.size > 300, 10_000, 'writes before the failover');
      const old = await t.primary();
      await t.failover();
      await t.waitForHealthy({ reconcile: true });
      const after = load.result.acked.size;
      await until(() => load.result.acked.size > after + 300, 10_000, 'writes after the demotion');
      const result = await load.stop();
      for (const e of result.errors) expect(e.message).not.toMatch(/READONLY/);
      expect(client.address).not.toBe(`127.0.0.1:${old.port}`);
    } finally {
      await load.stop();
      client.disconnect();
    }
  });

  it('never hands READONLY to the caller when only READONLY reveals the move (no Sentinel events, no poll)', async () => {
    await using t = await startSentinel({ replicas: 1, sentinels: 3 });
    const client = await connect(t.url, { sentinelSubscriptions: 0, sentinelPollMs: 0 });
    const recovered: string[] = [];
    client.events.on('readonlyRecovered', (e) => recovered.push(e.command));
    const load = startWriteLoad(client, 8);
    try {
      await until(() => load.result.acked.size > 200, 10_000, 'writes before the failover');
      const old = await t.primary();
      await t.failover();
      // The old primary is demoted (REPLICAOF) while the client still writes to it.
      await t.waitForHealthy({ reconcile: true });
      await until(() => recovered.length > 0, 10_000, 'a READONLY recovered');
      const after = load.result.acked.size;
      await until(() => load.result.acked.size > after + 200, 10_000, 'writes on the new primary');
      const result = await load.stop();
      for (const e of result.errors) expect(e.message).not.toMatch(/READONLY/);
      const next = await t.primary();
      expect(client.address).toBe(`127.0.0.1:${next.port}`);
      expect(next).not.toBe(old);
      // Blind to the switch, the client kept writing to the old primary until its demotion:
      // those acknowledgements die with its dataset (that is what Sentinel events and durable
      // writes are for). Nothing is applied twice, though.
      const { duplicated } = await audit(next, result);
      expect(duplicated).toBe(0);
    } finally {
      await load.stop();
      client.disconnect();
    }
  });
});

describe('a restart with a dataset that takes a while to load', () => {
  it('answers the commands issued during LOADING once the data is loaded', async () => {
    await using s = await startStandalone({
      config: { save: '3600 1', 'key-load-delay': -10, 'loading-process-events-interval-bytes': 65536 },
    });
    await s.node.call('DEBUG', 'POPULATE', 300_000);
    await s.node.call('SAVE');
    const client = await connect(s.url, { offlineQueueTimeoutMs: 60_000 });
    try {
      expect(await client.get('key:7')).toBe('value:7');
      await s.node.restart({ waitFor: 'listening' });
      const loading = (await s.node.info('persistence')).loading;
      const replies = await Promise.all([client.get('key:1'), client.get('key:299999'), client.dbsize()]);
      expect(loading).toBe('1');
      expect(replies).toEqual(['value:1', 'value:299999', 300_000]);
    } finally {
      client.disconnect();
    }
  });
});

describe('duplicate() for subscribers', () => {
  it('keeps its subscription through a failover and receives what is published on the new primary', async () => {
    await using t = await startSentinel({ replicas: 1, sentinels: 3 });
    const client = await connect(t.url);
    const sub = client.duplicate();
    const received: string[] = [];
    sub.on('message', (_channel: string, message: string) => received.push(message));
    try {
      await sub.subscribe('news');
      await client.publish('news', 'before');
      await until(() => received.includes('before'), 5_000, 'a message before the failover');
      const old = await t.primary();
      const killedAt = nowMs();
      await old.kill();
      await t.watch.waitForSwitchMaster({ after: killedAt, timeoutMs: 20_000 });
      const next = await t.waitForPrimary({ not: old });
      // Publish until the resubscribed duplicate hears it: it moves on its own schedule.
      for (let i = 0; !received.includes(`after-${i - 1}`) && i < 200; i++) {
        await client.publish('news', `after-${i}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(received.some((m) => m.startsWith('after-'))).toBe(true);
      expect(sub.address).toBe(`127.0.0.1:${next.port}`);
    } finally {
      sub.disconnect();
      client.disconnect();
    }
  });
});

describe('errors during a failover', () => {
  it('reach the typed events and never ioredis’ unhandled-error output on stderr', async () => {
    await using t = await startSentinel({ replicas: 1, sentinels: 3 });
    const printed: unknown[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      printed.push(args);
    });
    const client = await connect(t.url);
    const seen: Error[] = [];
    client.events.on('error', (e) => seen.push(e));
    try {
      const old = await t.primary();
      await old.kill();
      await t.waitForPrimary({ not: old });
      await client.set('k', 'v');
      expect(seen.length).toBeGreaterThan(0);
      expect(printed).toEqual([]);
    } finally {
      spy.mockRestore();
      client.disconnect();
    }
  });
});
