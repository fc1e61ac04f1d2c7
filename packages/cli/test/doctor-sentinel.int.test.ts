import { type SentinelTopology, sentinelUrl, startSentinel } from '@coordis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCTOR_ACL_RULES, DOCTOR_SENTINEL_ACL_RULES } from '../src/doctor-acl.js';
import { runDoctor } from '../src/run-doctor.js';
import { APP_RULES, doctor, problems, resultOf, resultsOf, statusOf, WELL_CONFIGURED } from './support/doctor.js';

const topologies: SentinelTopology[] = [];
async function start(opts: Parameters<typeof startSentinel>[0]): Promise<SentinelTopology> {
  const t = await startSentinel(opts);
  topologies.push(t);
  return t;
}
afterAll(async () => {
  await Promise.all(topologies.map((t) => t.stop()));
});

const address = (n: { host: string; port: number }) => `${n.host}:${n.port}`;

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('doctor on a well-configured Sentinel topology', () => {
  let t: SentinelTopology;

  beforeAll(async () => {
    t = await start({
      password: 'admin-pw',
      users: [
        { name: 'app', password: 'app-pw', rules: APP_RULES },
        { name: 'doctor', password: 'doc-pw', rules: DOCTOR_ACL_RULES },
      ],
      urlUser: 'app',
      config: { ...WELL_CONFIGURED, 'min-replicas-to-write': 1 },
      sentinelConfig: { user: `doctor on >doc-pw ${DOCTOR_SENTINEL_ACL_RULES}` },
    });
  });

  it('queries every sentinel and every data node, and every check passes', async () => {
    const r = await doctor(t.url, { checks: ['-host', '-client-host'] });
    expect(r.mode).toBe('sentinel');
    expect(r.nodes.filter((n) => n.kind === 'sentinel' && n.reachable)).toHaveLength(3);
    expect(
      r.nodes
        .filter((n) => n.kind === 'data' && n.reachable)
        .map((n) => n.role)
        .sort(),
    ).toEqual(['primary', 'replica', 'replica']);
    // Latency is a measurement of this busy test machine: its verdict is not asserted.
    expect(problems(r).filter((p) => !/ latency\./.test(p))).toEqual([]);
    for (const id of ['sentinel.ckquorum', 'sentinel.tilt', 'sentinel.primary-flags', 'sentinel.quorum'])
      expect(resultsOf(r, id), id).toHaveLength(3);
    expect(resultsOf(r, 'sentinel.announced-addresses')).toHaveLength(6);
  });

  it('finds the whole topology from an ioredis Sentinel client', async () => {
    const client = new Redis({
      sentinels: t.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: t.masterName,
      username: 'app',
      password: 'app-pw',
      lazyConnect: true,
    });
    try {
      const r = await runDoctor({ client, checks: ['sentinel', 'client'] });
      expect(r.mode).toBe('sentinel');
      expect(r.target).not.toContain('app-pw');
      expect(statusOf(r, 'sentinel.agreement')).toBe('pass');
      expect(statusOf(r, 'client.options')).toBe('pass');
    } finally {
      client.disconnect();
    }
  });

  it('needs no more than the published ACL lines on data nodes and sentinels', async () => {
    const url = sentinelUrl({
      sentinels: t.sentinels.map((s) => ({ host: s.host, port: s.port })),
      masterName: t.masterName,
      username: 'doctor',
      password: 'doc-pw',
      sentinelUsername: 'doctor',
      sentinelPassword: 'doc-pw',
    });
    const r = await doctor(url);
    expect(r.connected).toBe(true);
    expect(r.results.filter((x) => x.status === 'error')).toEqual([]);
    expect(r.results.filter((x) => x.status === 'skip').map((x) => x.id)).toEqual(['security.acl']);
    expect(resultsOf(r, 'sentinel.ckquorum').map((x) => x.status)).toEqual(['pass', 'pass', 'pass']);
  });
});

describe('doctor on broken Sentinel topologies', () => {
  let two: SentinelTopology;
  let odd: SentinelTopology;
  let tilt: SentinelTopology;
  let lonely: SentinelTopology;
  let hung: SentinelTopology;

  beforeAll(async () => {
    [two, odd, tilt, lonely, hung] = await Promise.all([start({ sentinels: 2 }), start({}), start({}), start({ replicas: 0 }), start({})]);
  });

  it('fails two sentinels with one down: count, reachability and quorum', async () => {
    const dead = two.sentinels[1];
    if (!dead) throw new Error('no second sentinel');
    const live = two.sentinels[0];
    if (!live) throw new Error('no first sentinel');
    await dead.kill();
    // CKQUORUM counts a dead sentinel as usable until its down-after-milliseconds (1 s) passes.
    await until('the live sentinel to flag the dead one down', async () => {
      const peers = (await live.call('SENTINEL', 'SENTINELS', two.masterName)) as unknown[][];
      return peers.some((p) => String(p[p.indexOf('flags') + 1]).includes('s_down'));
    });
    const r = await doctor(two.url);
    expect(r.connected).toBe(true);
    expect(statusOf(r, 'sentinel.count')).toBe('fail');
    expect(statusOf(r, 'server.reachable', address(dead))).toBe('fail');
    const ck = resultsOf(r, 'sentinel.ckquorum');
    expect(ck).toHaveLength(1);
    expect(ck[0]?.status).toBe('fail');
    expect(ck[0]?.observed).toMatch(/NOQUORUM/);
  });

  it('fails a sentinel that names another primary', async () => {
    const rogue = odd.sentinels[2];
    const replica = (await odd.replicas())[0];
    if (!rogue || !replica) throw new Error('topology incomplete');
    await rogue.call('SENTINEL', 'REMOVE', odd.masterName);
    await rogue.call('SENTINEL', 'MONITOR', odd.masterName, replica.host, replica.port, 2);
    const res = resultOf(await doctor(odd.url, { checks: ['sentinel.agreement'] }), 'sentinel.agreement');
    expect(res.status).toBe('fail');
    expect(res.observed).toContain(`${address(rogue)} → ${address(replica)}`);
  });

  it('fails a sentinel in TILT', async () => {
    const s = tilt.sentinels[0];
    if (!s) throw new Error('no sentinel');
    // A sentinel whose timer fires more than 2 s late distrusts its clock and enters TILT.
    await s.pause();
    await new Promise((r) => setTimeout(r, 2_500));
    await s.resume();
    await until('TILT', async () => (await s.info('sentinel')).sentinel_tilt === '1');
    const r = await doctor(tilt.url, { checks: ['sentinel.tilt'] });
    expect(statusOf(r, 'sentinel.tilt', address(s))).toBe('fail');
    expect(resultsOf(r, 'sentinel.tilt').filter((x) => x.status === 'pass')).toHaveLength(2);
  });

  it('fails a primary with no replica to promote', async () => {
    const r = await doctor(lonely.url, { checks: ['sentinel.promotable-replica'] });
    expect(statusOf(r, 'sentinel.promotable-replica')).toBe('fail');
  });

  it('returns partial results when a node does not answer within the time budget', async () => {
    const replica = (await hung.replicas())[0];
    if (!replica) throw new Error('no replica');
    await replica.pause();
    try {
      const r = await doctor(hung.url, { timeoutMs: 1_500 });
      expect(r.complete).toBe(false);
      const res = resultOf(r, 'server.reachable', address(replica));
      expect(res.status).toBe('fail');
      expect(res.observed).toMatch(/no answer within/);
      // Everything else was still judged.
      expect(statusOf(r, 'sentinel.agreement')).toBe('pass');
      expect(resultsOf(r, 'memory.eviction-policy').length).toBe(2);
    } finally {
      await replica.resume();
    }
  });
});
