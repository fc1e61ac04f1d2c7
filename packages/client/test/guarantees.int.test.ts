// Issue 14's failover guarantees, each with a real fault.
import { nowMs, startSentinel } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  type CoordisClient,
  connect,
  type FailoverEvent,
  isNoQuorumError,
  isUnknownOutcomeError,
  NoQuorumError,
} from '../src/index.js';
import type { SentinelWatch } from '../src/sentinel-watch.js';
import { rejection } from './support/capture.js';
import { audit, startWriteLoad, until } from './support/write-load.js';

function failovers(client: CoordisClient): FailoverEvent[] {
  const seen: FailoverEvent[] = [];
  client.events.on('failover', (e) => seen.push(e));
  return seen;
}

describe('detection that does not depend on one lucky message', () => {
  it('switches when the only sentinel it listens to dies with the primary', async () => {
    await using t = await startSentinel({ replicas: 2, sentinels: 3 });
    const client = await connect(t.url, { sentinelSubscriptions: 1 });
    const seen = failovers(client);
    try {
      const old = await t.primary();
      // The client subscribes to the first sentinel of its URL: that one dies with the primary.
      const listened = t.sentinels[0];
      if (!listened) throw new Error('no sentinel');
      await Promise.all([old.kill(), listened.kill()]);
      const next = await t.waitForPrimary({ not: old });
      await until(() => seen.length > 0, 15_000, 'the client to move');
      expect(await client.set('after', '1')).toBe('OK');
      expect(client.address).toBe(`127.0.0.1:${next.port}`);
      expect(seen[0]?.to).toBe(`127.0.0.1:${next.port}`);
    } finally {
      client.disconnect();
    }
  });

  it('flags a hung primary by heartbeat and moves as soon as Sentinel names another, with no Sentinel events or poll', async () => {
    await using t = await startSentinel({ replicas: 2, sentinels: 3 });
    const client = await connect(t.url, { sentinelSubscriptions: 0, sentinelPollMs: 0, heartbeatMs: 500, heartbeatTimeoutMs: 1000 });
    const seen = failovers(client);
    const suspects: string[] = [];
    client.events.on('suspect', (s) => suspects.push(s.address));
    const hung = await t.primary();
    try {
      hung.pause();
      await until(() => suspects.length > 0, 10_000, 'the link to be suspect');
      expect(suspects[0]).toBe(`127.0.0.1:${hung.port}`);
      const next = await t.waitForPrimary({ not: hung });
      await until(() => seen.length > 0, 15_000, 'the client to move');
      expect(seen[0]).toMatchObject({ to: `127.0.0.1:${next.port}`, detectedBy: 'heartbeat' });
      expect(await client.set('after', '1')).toBe('OK');
    } finally {
      hung.resume();
      client.disconnect();
    }
  });
});

describe('switches that are not newer are refused', () => {
  it('takes no write to the demoted node when an old +switch-master is replayed after a newer failover', async () => {
    await using t = await startSentinel({ replicas: 2, sentinels: 3 });
    const client = await connect(t.url);
    try {
      const a = await t.primary();
      const first = await t.failover();
      await t.waitForHealthy({ reconcile: true });
      await until(() => client.address === `127.0.0.1:${first.to.port}`, 10_000, 'the first move');
      const b = await t.primary();
      await t.failover();
      await t.waitForHealthy({ reconcile: true });
      const c = await t.primary();
      await until(() => client.address === `127.0.0.1:${c.port}`, 10_000, 'the second move');
      const moves: string[] = [];
      client.events.on('failover', (e) => moves.push(e.to));
      const connectionId = await client.call('CLIENT', ['ID']);
      // The announcement of the first failover, replayed as a sentinel back from downtime would.
      const watch = (client as unknown as { sentinelWatch: SentinelWatch }).sentinelWatch;
      watch.handleEvent('+switch-master', `${t.masterName} 127.0.0.1 ${a.port} 127.0.0.1 ${b.port}`, 'replay');
      for (let i = 0; i < 50; i++) await client.set(`k${i}`, '1');
      // Still on C, on the very same connection: the client never went to the demoted B.
      expect(client.address).toBe(`127.0.0.1:${c.port}`);
      expect(await client.call('CLIENT', ['ID'])).toBe(connectionId);
      expect(moves).toEqual([]);
      expect(watch.current?.announced.port).toBe(c.port);
    } finally {
      client.disconnect();
    }
  });
});

describe('what happens to each command', () => {
  it("applies no INCR twice under a hung primary in 'safe' mode, and counts what 'always' doubled", async () => {
    await using t = await startSentinel({ replicas: 2, sentinels: 3 });
    const results: Record<'safe' | 'always', { acked: number; unknown: number; value: number }> = {
      safe: { acked: 0, unknown: 0, value: 0 },
      always: { acked: 0, unknown: 0, value: 0 },
    };
    const clients = { safe: await connect(t.url, { delivery: 'safe' }), always: await connect(t.url, { delivery: 'always' }) };
    let running = true;
    const loops = (['safe', 'always'] as const).flatMap((mode) =>
      Array.from({ length: 16 }, async () => {
        while (running) {
          try {
            await clients[mode].incr(`counter:${mode}`);
            results[mode].acked++;
          } catch (e) {
            if (isUnknownOutcomeError(e)) results[mode].unknown++;
            await new Promise((r) => setTimeout(r, 5));
          }
        }
      }),
    );
    const hung = await t.primary();
    try {
      await new Promise((r) => setTimeout(r, 300));
      hung.pause();
      await t.waitForPrimary({ not: hung });
      await new Promise((r) => setTimeout(r, 1000));
      hung.resume();
      await t.waitForHealthy({ reconcile: true });
      running = false;
      await Promise.all(loops);
      const primary = await t.primary();
      for (const mode of ['safe', 'always'] as const) results[mode].value = Number(await primary.call('GET', `counter:${mode}`));
      // 'safe': every acknowledged increment is there, and none beyond those whose fate was unknown.
      expect(results.safe.value).toBeGreaterThanOrEqual(results.safe.acked);
      expect(results.safe.value).toBeLessThanOrEqual(results.safe.acked + results.safe.unknown);
      expect(results.safe.unknown).toBeGreaterThan(0);
      // 'always': nothing is reported unknown; what the server holds beyond the acknowledged was doubled.
      expect(results.always.unknown).toBe(0);
      expect(results.always.value).toBeGreaterThanOrEqual(results.always.acked);
      console.log(
        `INCR under a hung primary — safe: ${JSON.stringify(results.safe)}; always: ${JSON.stringify(results.always)}, doubled ${results.always.value - results.always.acked}`,
      );
    } finally {
      running = false;
      if (hung.state === 'paused') hung.resume();
      clients.safe.disconnect();
      clients.always.disconnect();
    }
  });

  it('never hands READONLY to 64 concurrent writers through SENTINEL FAILOVER', async () => {
    await using t = await startSentinel({ replicas: 2, sentinels: 3 });
    const client = await connect(t.url);
    const load = startWriteLoad(client, 64);
    try {
      await until(() => load.result.acked.size > 500, 10_000, 'writes before the failover');
      await t.failover();
      await t.waitForHealthy({ reconcile: true });
      const after = load.result.acked.size;
      await until(() => load.result.acked.size > after + 500, 10_000, 'writes after the demotion');
      const result = await load.stop();
      for (const e of result.errors) expect(e.message).not.toMatch(/READONLY/);
      const { duplicated } = await audit(await t.primary(), result);
      expect(duplicated).toBe(0);
    } finally {
      await load.stop();
      client.disconnect();
    }
  });
});

describe('a sentinel quorum for writes', () => {
  it('rejects writes with NoQuorumError while fewer sentinels than sentinelQuorum agree, and resumes when they do', async () => {
    await using t = await startSentinel({ replicas: 1, sentinels: 3 });
    const client = await connect(t.url, { sentinelQuorum: 3, sentinelPollMs: 200 });
    const quorum: boolean[] = [];
    client.events.on('quorum', (q) => quorum.push(q.ok));
    try {
      expect(await client.set('k', '1')).toBe('OK');
      const down = t.sentinels[2];
      if (!down) throw new Error('no sentinel');
      await down.kill();
      await until(() => quorum.includes(false), 10_000, 'the quorum to be lost');
      const e = await rejection(client.set('k', '2'));
      expect(e).toBeInstanceOf(NoQuorumError);
      expect(isNoQuorumError(e)).toBe(true);
      expect(await client.get('k')).toBe('1');
      await down.start();
      await until(() => quorum.at(-1) === true, 15_000, 'the quorum to come back');
      expect(await client.set('k', '3')).toBe('OK');
    } finally {
      client.disconnect();
    }
  });
});

describe('typed discovery errors through Sentinel', () => {
  it('reports a wrong data-node password as AuthError on the data side, not a sentinel problem', async () => {
    await using t = await startSentinel({ replicas: 0, sentinels: 1, password: 'right-password' });
    const e = await rejection(connect(t.url.replace('right-password', 'wrong-password')));
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).target).toBe('data');
    expect(e.message).not.toContain('wrong-password');
  });
});

describe('sentinel connections', () => {
  it('report each sentinel going down and coming back', async () => {
    await using t = await startSentinel({ replicas: 0, sentinels: 2, quorum: 1 });
    const client = await connect(t.url);
    const seen: string[] = [];
    client.events.on('sentinelDown', (s) => seen.push(`down ${s.address}`));
    client.events.on('sentinelUp', (s) => seen.push(`up ${s.address}`));
    try {
      const s = t.sentinels[1];
      if (!s) throw new Error('no sentinel');
      const at = nowMs();
      await s.kill();
      await until(() => seen.includes(`down 127.0.0.1:${s.port}`), 10_000, 'sentinelDown');
      await s.start();
      await until(() => seen.filter((x) => x === `up 127.0.0.1:${s.port}`).length > 0 && nowMs() > at, 10_000, 'sentinelUp');
    } finally {
      client.disconnect();
    }
  });
});

describe('the role check under a restrictive ACL', () => {
  it('verifies the role with ROLE when the ACL refuses INFO, and warns when it refuses both', async () => {
    await using t = await startSentinel({
      replicas: 1,
      sentinels: 1,
      password: 'admin-pw',
      users: [
        { name: 'noinfo', password: 'pw1', rules: '~* &* +@all -info' },
        { name: 'norole', password: 'pw2', rules: '~* &* +@all -info -role' },
      ],
    });
    const base = t.url.replace(':admin-pw@', '');
    const noInfo = await connect(base.replace('redis-sentinel://', 'redis-sentinel://noinfo:pw1@'));
    const warnings: string[] = [];
    noInfo.events.on('warning', (w) => warnings.push(w.code));
    expect(await noInfo.set('k', '1')).toBe('OK');
    await new Promise((r) => setTimeout(r, 200));
    expect(warnings).toEqual([]);
    noInfo.disconnect();
    const noRole = await connect(base.replace('redis-sentinel://', 'redis-sentinel://norole:pw2@'));
    const seen: string[] = [];
    noRole.events.on('warning', (w) => seen.push(w.code));
    await noRole.ping();
    await until(() => seen.length > 0, 5000, 'a warning');
    expect(seen).toEqual(['COORDIS_ROLE_UNVERIFIED']);
    noRole.disconnect();
  });
});

describe('reads from replicas', () => {
  it("serves readFrom: 'replica' reads from a replica, writes from the primary, and falls back to the primary without a healthy replica", async () => {
    await using t = await startSentinel({ replicas: 1, sentinels: 1 });
    const client = await connect(t.url);
    const reads = client.withOptions({ readFrom: 'replica' });
    const replica = t.nodes[1];
    const primary = t.nodes[0];
    if (!replica || !primary) throw new Error('topology');
    const gets = async (node: typeof replica) =>
      Number(
        /calls=(\d+)/.exec(
          String(await node.call('INFO', 'commandstats'))
            .split('\n')
            .find((l) => l.startsWith('cmdstat_get:')) ?? '',
        )?.[1] ?? 0,
      );
    try {
      await reads.set('k', 'v');
      await client.waitForReplicas(1, 1000);
      const [onReplica, onPrimary] = [await gets(replica), await gets(primary)];
      for (let i = 0; i < 20; i++) expect(await reads.get('k')).toBe('v');
      expect((await gets(replica)) - onReplica).toBe(20);
      expect(await gets(primary)).toBe(onPrimary);
      expect(String(await primary.call('GET', 'k'))).toBe('v');
      await replica.kill();
      // The replica connection moves to the primary, the only healthy node left.
      for (let i = 0; i < 5; i++) expect(await reads.get('k')).toBe('v');
      expect((await gets(primary)) - onPrimary).toBeGreaterThanOrEqual(5);
    } finally {
      client.disconnect();
    }
  });
});

describe('the sentinel list', () => {
  it('learns the other sentinels from one seed, and forgets a learnt one that keeps failing', async () => {
    await using t = await startSentinel({ replicas: 1, sentinels: 3 });
    const [seed, a, b] = t.sentinels;
    if (!seed || !a || !b) throw new Error('topology');
    const client = await connect(`redis-sentinel://127.0.0.1:${seed.port}/?name=${t.masterName}`, { sentinelPollMs: 100 });
    const watch = (client as unknown as { sentinelWatch: SentinelWatch }).sentinelWatch;
    const ports = () => watch.sentinels.map((s) => s.port).sort();
    try {
      await until(() => ports().length === 3, 10_000, 'the other sentinels to be learnt');
      expect(ports()).toEqual([seed.port, a.port, b.port].sort());
      await a.kill();
      await until(() => !ports().includes(a.port), 15_000, 'the dead sentinel to be forgotten');
      expect(ports()).toEqual([seed.port, b.port].sort());
      expect(await client.set('k', '1')).toBe('OK');
    } finally {
      client.disconnect();
    }
  });
});

describe('sentinel connections, shared', () => {
  it('are shared by every client of the process that watches the same master', async () => {
    await using t = await startSentinel({ replicas: 0, sentinels: 1 });
    const sentinel = t.sentinels[0];
    if (!sentinel) throw new Error('no sentinel');
    const count = async () =>
      String(await sentinel.call('CLIENT', 'LIST'))
        .trim()
        .split('\n').length;
    const baseline = await count();
    const first = await connect(t.url);
    const withOne = await count();
    const others = await Promise.all(Array.from({ length: 5 }, () => connect(t.url)));
    const dup = first.duplicate();
    await dup.ping();
    expect(await count()).toBe(withOne);
    expect(withOne).toBeGreaterThan(baseline);
    for (const c of [first, dup, ...others]) c.disconnect();
  });
});
