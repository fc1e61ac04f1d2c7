import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDriver } from '../src/driver.js';
import { nowMs, type SentinelTopology, startSentinel } from '../src/index.js';
import { pairsToRecord, parseInfo } from '../src/info.js';
import { waitFor } from '../src/wait.js';

function processState(pid: number | undefined): string {
  // The third field of /proc/<pid>/stat: R running, S sleeping, T stopped.
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] ?? '?';
}

describe('startSentinel', () => {
  let t: SentinelTopology;
  beforeAll(async () => {
    t = await startSentinel();
  });
  afterAll(() => t.stop());

  it('comes up with replicas in sync with the primary', async () => {
    const primary = await t.primary();
    expect(primary).toBe(t.nodes[0]);
    expect(await primary.role()).toBe('master');
    for (const r of t.nodes.slice(1)) {
      const info = await r.info('replication');
      expect(info).toMatchObject({ role: 'slave', master_link_status: 'up', master_port: String(primary.port) });
    }
  });

  it('comes up with every replica already streaming: the first write reaches all of them at once', async () => {
    const primary = await t.primary();
    await primary.call('SET', 'first-write', '1');
    expect(await primary.call('WAIT', 2, 50)).toBe(2);
    for (const r of t.nodes.slice(1)) expect(await r.call('GET', 'first-write')).toBe('1');
  });

  it('comes up with every sentinel knowing the others and the replicas, and passing CKQUORUM', async () => {
    for (const s of t.sentinels) {
      expect(String(await s.call('SENTINEL', 'CKQUORUM', t.masterName))).toMatch(/^OK/);
      const master = pairsToRecord(await s.call('SENTINEL', 'MASTER', t.masterName));
      expect(master).toMatchObject({ flags: 'master', 'num-slaves': '2', 'num-other-sentinels': '2', quorum: '2' });
    }
  });

  it('hands out a redis-sentinel URL naming every sentinel and the master', () => {
    for (const s of t.sentinels) expect(t.url).toContain(`127.0.0.1:${s.port}`);
    expect(t.url).toMatch(/^redis-sentinel:\/\/.*\/\?name=coordis$/);
  });

  it('pauses a node with SIGSTOP so it answers nothing, and resumes it with SIGCONT', async () => {
    const replica = t.nodes[2];
    if (!replica) throw new Error('no replica');
    await replica.pause();
    expect(replica.state).toBe('paused');
    // The kernel stops a process running on another core a moment after kill() returns.
    await waitFor(
      'the stopped state',
      async () => (processState(replica.pid) === 'T' ? { done: true, value: 0 } : { done: false, observed: processState(replica.pid) }),
      { timeoutMs: 2000 },
    );
    await expect(replica.call('PING')).rejects.toThrow(/timed out|timeout/i);
    await replica.resume();
    expect(processState(replica.pid)).not.toBe('T');
    expect(await replica.call('PING')).toBe('PONG');
  });

  it('fails over on SENTINEL FAILOVER and resolves on +switch-master', async () => {
    const before = await t.primary();
    const start = nowMs();
    const sw = await t.failover();
    expect(sw.at).toBeGreaterThanOrEqual(start);
    expect(sw.from.port).toBe(before.port);
    expect(sw.to.port).not.toBe(before.port);
    const after = await t.waitForPrimary({ not: before });
    expect(after.port).toBe(sw.to.port);
    expect(await after.role()).toBe('master');
    await t.waitForHealthy({ reconcile: true });
    expect(await before.role()).toBe('slave');
    expect(t.watch.switchMasters().at(-1)).toMatchObject({ from: sw.from, to: sw.to });
  });
});

describe('faults on a Sentinel primary', () => {
  let t: SentinelTopology;
  beforeAll(async () => {
    t = await startSentinel({ password: 'data-secret', sentinelPassword: 'sentinel-secret' });
  });
  afterAll(() => t.stop());

  it('uses separate passwords for data nodes and sentinels', async () => {
    expect(t.url).toContain(':data-secret@');
    expect(t.url).toContain('sentinelPassword=sentinel-secret');
    const sentinel = t.sentinels[0];
    if (!sentinel) throw new Error('no sentinel');
    const anonymous = new Redis({ host: sentinel.host, port: sentinel.port, lazyConnect: true, retryStrategy: () => null });
    const failed = new Promise<string>((resolve) => anonymous.once('error', (e: Error) => resolve(e.message)));
    await anonymous.connect().catch(() => {});
    expect(await failed).toMatch(/NOAUTH/);
    anonymous.disconnect();
  });

  it('SIGKILL of the primary: the process is gone, sentinels promote a replica', async () => {
    const old = await t.primary();
    const pid = old.pid;
    const killedAt = nowMs();
    await old.kill();
    expect(old.state).toBe('stopped');
    expect(() => process.kill(pid as number, 0)).toThrow();
    const sw = await t.watch.waitForSwitchMaster({ after: killedAt, timeoutMs: 20_000 });
    expect(sw.from.port).toBe(old.port);
    const next = await t.waitForPrimary({ not: old });
    expect(next.port).toBe(sw.to.port);
    expect(t.watch.events.some((e) => e.channel === '+odown' && e.at >= killedAt)).toBe(true);
  });

  it('restart brings a killed node back on the same port and directory, and it rejoins as a replica', async () => {
    const old = t.nodes.find((n) => n.state === 'stopped');
    if (!old) throw new Error('expected the killed node');
    const { port, dir } = old;
    await old.start();
    expect(old.port).toBe(port);
    expect(old.dir).toBe(dir);
    expect(await old.call('CONFIG', 'GET', 'dir')).toEqual(['dir', dir]);
    await t.waitForHealthy({ reconcile: true });
    expect(parseInfo(String(await old.call('INFO', 'replication'))).role).toBe('slave');
  });

  it('SIGSTOP of the primary (a hung host): sentinels fail over while it hangs; on SIGCONT it is demoted', async () => {
    const hung = await t.primary();
    const pausedAt = nowMs();
    await hung.pause();
    try {
      const sw = await t.watch.waitForSwitchMaster({ after: pausedAt, timeoutMs: 20_000 });
      expect(sw.from.port).toBe(hung.port);
      const next = await t.waitForPrimary({ not: hung });
      expect(hung.state).toBe('paused');
      expect(await next.role()).toBe('master');
    } finally {
      await hung.resume();
    }
    await t.waitForHealthy({ reconcile: true });
    expect(await hung.role()).toBe('slave');
  });
});

describe('restart and persistence', () => {
  it('keeps data across a graceful restart when AOF is on, and loses it across SIGKILL when persistence is off', async () => {
    await using t = await startSentinel({ replicas: 0, sentinels: 1, config: { appendonly: 'yes', appendfsync: 'always' } });
    const node = t.nodes[0];
    if (!node) throw new Error('no node');
    await node.call('SET', 'k', 'v');
    await node.restart();
    expect(await node.call('GET', 'k')).toBe('v');
    await node.restart({ mode: 'kill' });
    expect(await node.call('GET', 'k')).toBe('v');
    await node.call('CONFIG', 'SET', 'appendonly', 'no');
    await node.call('SET', 'k2', 'v2');
    await node.restart({ mode: 'kill' });
    // The config file still says appendonly yes, so what the AOF held before CONFIG SET remains.
    expect(await node.call('GET', 'k2')).toBeNull();
  });
});

// announceHost simulates NAT on the host's network; mapped mode is NAT already and refuses it
// (the container suite checks that).
const network = await resolveDriver({}).ready();

describe.skipIf(network === 'mapped')('announced addresses', () => {
  it('makes sentinels report every node by announceHost and maps it back through natMap', async () => {
    await using t = await startSentinel({ announceHost: '127.0.0.2', replicas: 1, sentinels: 1 });
    const sentinel = t.sentinels[0];
    if (!sentinel) throw new Error('no sentinel');
    const primary = t.nodes[0];
    if (!primary) throw new Error('no primary');
    expect(await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', t.masterName)).toEqual(['127.0.0.2', String(primary.port)]);
    const replicas = ((await sentinel.call('SENTINEL', 'REPLICAS', t.masterName)) as unknown[]).map(pairsToRecord);
    expect(replicas.map((r) => r.ip)).toEqual(['127.0.0.2']);
    expect(t.natMap[`127.0.0.2:${primary.port}`]).toEqual({ host: '127.0.0.1', port: primary.port });
    expect(t.url).toContain(`127.0.0.2:${sentinel.port}`);
  });
});

describe('TLS and ACL users on Sentinel', () => {
  it('runs every node and sentinel on TLS only, replicating and failing over through it', async () => {
    await using t = await startSentinel({ tls: true, replicas: 1, sentinels: 3 });
    expect(t.url).toContain('tls=true');
    const primary = await t.primary();
    expect(await primary.call('CONFIG', 'GET', 'port')).toEqual(['port', '0']);
    expect(await primary.call('CONFIG', 'GET', 'tls-port')).toEqual(['tls-port', String(primary.port)]);
    const sw = await t.failover();
    expect(sw.to.port).toBe(t.nodes[1]?.port);
  });

  it('gives sentinels an ACL user of their own', async () => {
    await using t = await startSentinel({ replicas: 1, sentinels: 2, quorum: 1, sentinelUsername: 'watcher', sentinelPassword: 's3cret' });
    expect(t.url).toContain('sentinelUsername=watcher');
    const s = t.sentinels[0];
    expect(await s?.call('ACL', 'WHOAMI')).toBe('watcher');
    const master = pairsToRecord(await s?.call('SENTINEL', 'MASTER', t.masterName));
    expect(master['num-other-sentinels']).toBe('1');
  });
});
