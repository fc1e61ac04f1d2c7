import { connect } from '@coordis/client';
import { allocatePort, type StandaloneTopology, startStandalone } from '@coordis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCTOR_ACL_RULES } from '../src/doctor-acl.js';
import { runDoctor } from '../src/run-doctor.js';
import { APP_RULES, doctor, problems, resultOf, resultsOf, statusOf, WELL_CONFIGURED } from './support/doctor.js';

// One server per misconfiguration, started together; no test changes another's server.
const servers: StandaloneTopology[] = [];
async function start(opts: Parameters<typeof startStandalone>[0]): Promise<StandaloneTopology> {
  const s = await startStandalone(opts);
  servers.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

function addressOf(t: StandaloneTopology): string {
  return `${t.node.host}:${t.node.port}`;
}

describe('doctor on a standalone server', () => {
  let allkeys: StandaloneTopology;
  let volatile: StandaloneTopology;
  let evicting: StandaloneTopology;
  let bare: StandaloneTopology;
  let keepalive0: StandaloneTopology;
  let openNoPass: StandaloneTopology;
  let noConfigUser: StandaloneTopology;
  let minimal: StandaloneTopology;
  let minimalPlusGetuser: StandaloneTopology;
  let good: StandaloneTopology;

  beforeAll(async () => {
    [allkeys, volatile, evicting, bare, keepalive0, openNoPass, noConfigUser, minimal, minimalPlusGetuser, good] = await Promise.all([
      start({ config: { 'maxmemory-policy': 'allkeys-lru', maxmemory: '10mb' } }),
      start({ config: { 'maxmemory-policy': 'volatile-lru', maxmemory: '10mb' } }),
      start({ config: { 'maxmemory-policy': 'allkeys-lru', maxmemory: '3mb' } }),
      start({}),
      start({ config: { 'tcp-keepalive': 0 } }),
      start({ config: { 'protected-mode': 'no' } }),
      start({ users: [{ name: 'app', password: 'app-pw', rules: '~* &* +@all -config' }], urlUser: 'app' }),
      start({ users: [{ name: 'doctor', password: 'doc-pw', rules: DOCTOR_ACL_RULES }], urlUser: 'doctor' }),
      start({ users: [{ name: 'doctor', password: 'doc-pw', rules: `${DOCTOR_ACL_RULES} +acl|getuser` }], urlUser: 'doctor' }),
      start({
        password: 'admin-pw',
        users: [{ name: 'app', password: 'app-pw', rules: APP_RULES }],
        urlUser: 'app',
        config: WELL_CONFIGURED,
      }),
    ]);
  });

  it('fails allkeys-lru for coordination and passes it for a cache', async () => {
    expect(statusOf(await doctor(allkeys.url), 'memory.eviction-policy')).toBe('fail');
    expect(statusOf(await doctor(allkeys.url, { profile: 'cache' }), 'memory.eviction-policy')).toBe('pass');
  });

  it('fails volatile-lru with maxmemory for coordination and warns it for a queue', async () => {
    const r = await doctor(volatile.url);
    expect(statusOf(r, 'memory.eviction-policy')).toBe('fail');
    expect(resultOf(r, 'memory.eviction-policy').fix).toContain('maxmemory-policy noeviction');
    expect(statusOf(await doctor(volatile.url, { profile: 'queue' }), 'memory.eviction-policy')).toBe('warn');
  });

  it('fails evictions that happened', async () => {
    const r = new Redis(evicting.node.connectionOptions());
    const value = 'x'.repeat(10_000);
    const p = r.pipeline();
    for (let i = 0; i < 1000; i++) p.set(`fill:${i}`, value);
    await p.exec();
    r.disconnect();
    const report = await doctor(evicting.url, { checks: ['memory'] });
    expect(statusOf(report, 'memory.evictions')).toBe('fail');
    expect(resultOf(report, 'memory.evictions').observed).toMatch(/^[1-9]\d* keys evicted/);
  });

  it('fails a server without persistence, and passes it for a cache', async () => {
    expect(statusOf(await doctor(bare.url), 'persistence.enabled')).toBe('fail');
    expect(statusOf(await doctor(bare.url, { profile: 'cache' }), 'persistence.enabled')).toBe('pass');
  });

  it('reports a check that overruns its own time as error, and the report as partial', async () => {
    const r = await runDoctor({ url: bare.url, checkTimeoutMs: 50, latency: { samples: 100, intervalMs: 10 } });
    const ping = resultOf(r, 'latency.ping');
    expect(ping.status).toBe('error');
    expect(ping.observed).toBe('did not finish within 50 ms');
    expect(r.complete).toBe(false);
    // The other checks were judged all the same.
    expect(statusOf(r, 'persistence.enabled')).toBe('fail');
  });

  it('fails tcp-keepalive 0', async () => {
    expect(statusOf(await doctor(keepalive0.url), 'connections.tcp-keepalive')).toBe('fail');
  });

  it('sees no password and protected-mode off, and passes both while the server listens on loopback only', async () => {
    const r = await doctor(openNoPass.url);
    const pm = resultOf(r, 'security.protected-mode');
    expect(pm.observed).toContain('protected-mode no');
    expect(pm.observed).toContain('bind 127.0.0.1');
    expect(pm.status).toBe('pass');
    const du = resultOf(r, 'security.default-user');
    expect(du.observed).toMatch(/no password.*loopback only/);
    expect(du.status).toBe('pass');
  });

  it('skips what needs CONFIG for a user that may not run it, with the fix, and never errors', async () => {
    const r = await doctor(noConfigUser.url);
    for (const id of ['connections.tcp-keepalive', 'connections.timeout', 'persistence.enabled', 'security.protected-mode']) {
      const res = resultOf(r, id);
      expect(res.status, id).toBe('skip');
      expect(res.observed, id).toMatch(/NOPERM/);
      expect(res.fix, id).toMatch(/\+config\|get/);
    }
    // INFO still answers what it can without CONFIG.
    expect(statusOf(r, 'memory.eviction-policy')).toBe('pass');
    expect(r.results.filter((x) => x.status === 'error')).toEqual([]);
    // The same user may still load modules: the ACL check says so.
    expect(statusOf(r, 'security.acl')).toBe('warn');
  });

  it('needs no more than the published ACL line: no error, and only security.acl skipped', async () => {
    const r = await doctor(minimal.url);
    expect(r.connected).toBe(true);
    expect(r.results.filter((x) => x.status === 'error')).toEqual([]);
    expect(r.results.filter((x) => x.status === 'skip').map((x) => x.id)).toEqual(['security.acl']);
    const withGetuser = await doctor(minimalPlusGetuser.url);
    expect(withGetuser.results.filter((x) => x.status === 'skip' || x.status === 'error')).toEqual([]);
    expect(statusOf(withGetuser, 'security.acl')).toBe('pass');
  });

  it('passes every deployment check on a well-configured server', async () => {
    // Host checks judge this machine (vm.overcommit_memory, tcp_retries2), not the deployment.
    const r = await doctor(good.url, { checks: ['-host', '-client-host'] });
    // Latency is a measurement of this busy test machine: its verdict is not asserted.
    expect(problems(r).filter((p) => !/ latency\./.test(p))).toEqual([]);
    expect(resultsOf(r, 'latency.ping')).toHaveLength(1);
    expect(r.results.length).toBeGreaterThan(15);
  });

  it('fails a server whose last background save failed (MISCONF ahead)', async () => {
    const s = await start({ config: { save: '3600 1', 'enable-protected-configs': 'yes' } });
    // Even root cannot create the temporary RDB file in /proc.
    await s.node.call('CONFIG', 'SET', 'dir', '/proc');
    await s.node.call('BGSAVE');
    for (let i = 0; i < 200; i++) {
      const info = await s.node.info('persistence');
      if (info.rdb_bgsave_in_progress === '0' && info.rdb_last_bgsave_status === 'err') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const res = resultOf(await doctor(s.url, { checks: ['persistence'] }), 'persistence.last-write');
    expect(res.status).toBe('fail');
    expect(res.observed).toContain('rdb_last_bgsave_status:err');
    expect(res.observed).toContain('MISCONF');
  });

  it('warns when connections near maxclients', async () => {
    const s = await start({ config: { maxclients: 20 } });
    const held: Redis[] = [];
    try {
      // Up to 17 connected (the testkit's admin connection included); the doctor's own makes 18 of 20.
      while (Number((await s.node.info('clients')).connected_clients) < 17) {
        const r = new Redis(s.node.connectionOptions());
        await r.ping();
        held.push(r);
      }
      const res = resultOf(await doctor(s.url, { checks: ['connections.maxclients'] }), 'connections.maxclients');
      expect(res.observed).toMatch(/^18 of 20 clients \(90%\)/);
      expect(res.status).toBe('warn');
    } finally {
      for (const r of held) r.disconnect();
    }
  });

  it('reports an unreachable server as not connected', async () => {
    const port = await allocatePort('127.0.0.1');
    const r = await doctor(`redis://127.0.0.1:${port}`);
    expect(r.connected).toBe(false);
    expect(r.results.map((x) => [x.id, x.status])).toEqual([['server.reachable', 'fail']]);
    expect(resultOf(r, 'server.reachable').observed).toMatch(/ECONNREFUSED/);
  });

  it('reports a wrong password as not connected, with the credentials fix', async () => {
    const r = await doctor(`redis://app:wrong-pw@${addressOf(good)}`);
    expect(r.connected).toBe(false);
    const res = resultOf(r, 'server.reachable');
    expect(res.observed).toMatch(/WRONGPASS/);
    expect(res.fix).toMatch(/username and password/);
  });
});

describe('doctor on a primary and its replica', () => {
  let primary: StandaloneTopology;
  let replica: StandaloneTopology;

  beforeAll(async () => {
    primary = await start({});
    replica = await start({ config: { replicaof: `127.0.0.1 ${primary.node.port}` } });
    for (let i = 0; i < 200; i++) {
      if ((await replica.node.info('replication')).master_link_status === 'up') break;
      await new Promise((r) => setTimeout(r, 25));
    }
  });

  it('fails a URL that points at the replica', async () => {
    const r = await doctor(replica.url);
    const role = resultOf(r, 'replication.role');
    expect(role.status).toBe('fail');
    expect(role.fix).toContain(addressOf(primary));
    // The doctor followed the replica to its primary and checked both.
    expect(r.nodes.map((n) => [n.address, n.role])).toEqual([
      [addressOf(replica), 'replica'],
      [addressOf(primary), 'primary'],
    ]);
  });

  it('fails a primary without persistence that has replicas', async () => {
    const r = await doctor(primary.url);
    expect(statusOf(r, 'persistence.replicated-primary', addressOf(primary))).toBe('fail');
    expect(resultsOf(r, 'server.reachable').map((x) => x.status)).toEqual(['pass', 'pass']);
  });
});

describe("runDoctor with the service's own client", () => {
  let s: StandaloneTopology;

  beforeAll(async () => {
    s = await start({});
  });

  it('finds the deployment from an ioredis client and fails its keepalive 0', async () => {
    const client = new Redis({ ...s.node.connectionOptions(), keepAlive: 0 });
    try {
      const r = await runDoctor({ client, checks: ['client', 'server.reachable'] });
      expect(r.target).toBe(`redis://${addressOf(s)}`);
      expect(statusOf(r, 'server.reachable')).toBe('pass');
      expect(resultOf(r, 'client.options').status).toBe('fail');
    } finally {
      client.disconnect();
    }
  });

  it('passes a CoordisClient and inspects the node it talks to', async () => {
    const client = await connect(s.url);
    try {
      const r = await runDoctor({ client, checks: ['client', 'server.reachable'] });
      expect(r.nodes.map((n) => n.address)).toEqual([addressOf(s)]);
      expect(resultOf(r, 'client.options').observed).toMatch(/^CoordisClient/);
      expect(statusOf(r, 'client.options')).toBe('pass');
    } finally {
      client.disconnect();
    }
  });
});
