import { type ClusterTopology, startCluster } from '@coordis/testkit';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMonitor } from '../src/monitor/run-monitor.js';
import type { MonitorSnapshot } from '../src/monitor/snapshot.js';
import { runDoctor } from '../src/run-doctor.js';
import { APP_RULES, doctor, problems, resultsOf, statusOf, WELL_CONFIGURED } from './support/doctor.js';

const clusters: ClusterTopology[] = [];
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
});

describe('doctor on a Redis Cluster', () => {
  let good: ClusterTopology;
  let bare: ClusterTopology;

  beforeAll(async () => {
    [good, bare] = await Promise.all([
      startCluster({
        password: 'admin-pw',
        users: [{ name: 'app', password: 'app-pw', rules: APP_RULES }],
        urlUser: 'app',
        config: { ...WELL_CONFIGURED, 'min-replicas-to-write': 1 },
      }),
      startCluster({ replicasPerMaster: 0 }),
    ]);
    clusters.push(good, bare);
  });

  it('finds every node from one of them, and every check passes on a well-configured cluster', async () => {
    const entry = good.nodes[3];
    if (!entry) throw new Error('no fourth node');
    // A plain redis:// URL of any node: the doctor sees cluster_enabled:1 and asks CLUSTER NODES.
    const r = await doctor(`redis://app:app-pw@${entry.host}:${entry.port}`, { checks: ['-host', '-client-host'] });
    expect(r.mode).toBe('cluster');
    expect(r.nodes.filter((n) => n.reachable)).toHaveLength(6);
    // Latency is a measurement of this busy test machine: its verdict is not asserted.
    expect(problems(r).filter((p) => !/ latency\./.test(p))).toEqual([]);
    expect(statusOf(r, 'cluster.slots')).toBe('pass');
    expect(resultsOf(r, 'cluster.state')).toHaveLength(6);
    expect(resultsOf(r, 'cluster.replicas').map((x) => x.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('takes a redis+cluster:// URL and moves past a dead seed', async () => {
    const seeds = good.nodes.map((n) => `${n.host}:${n.port}`).join(',');
    const r = await doctor(`redis+cluster://app:app-pw@127.0.0.1:1,${seeds}`, { checks: ['cluster'] });
    expect(r.connected).toBe(true);
    expect(r.mode).toBe('cluster');
    expect(statusOf(r, 'cluster.slots')).toBe('pass');
  });

  it('finds the cluster from an ioredis Cluster client', async () => {
    const client = new Cluster(
      good.seeds.map((a) => ({ host: a.host, port: a.port })),
      { redisOptions: { username: 'app', password: 'app-pw' } },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('ready', resolve);
        client.once('error', reject);
      });
      const r = await runDoctor({ client, checks: ['cluster', 'client'] });
      expect(r.mode).toBe('cluster');
      expect(statusOf(r, 'cluster.slots')).toBe('pass');
      expect(statusOf(r, 'client.options')).toBe('pass');
    } finally {
      client.disconnect();
    }
  });

  it('monitors every node of the cluster', async () => {
    let out = '';
    const code = await runMonitor({ url: good.url, once: true, json: true, intervalMs: 200, out: { write: (s: string) => (out += s) } });
    expect(code).toBe(0);
    const snap = JSON.parse(out) as MonitorSnapshot;
    expect(snap.mode).toBe('cluster');
    expect(snap.cluster).toEqual({ state: 'ok', slotsOk: 16384, slotsAssigned: 16384 });
    expect(snap.nodes.filter((n) => n.up)).toHaveLength(6);
    expect(snap.nodes.filter((n) => n.role === 'primary')).toHaveLength(3);
  });

  it('fails a master without a replica', async () => {
    const r = await doctor(bare.url, { checks: ['cluster'] });
    expect(resultsOf(r, 'cluster.replicas').map((x) => x.status)).toEqual(['fail', 'fail', 'fail']);
  });

  it('fails state, slots and node health when a master is gone', async () => {
    const victim = bare.nodes[2];
    const entry = bare.nodes[0];
    if (!victim || !entry) throw new Error('cluster incomplete');
    await victim.kill();
    // After cluster-node-timeout (1 s) the others flag it fail and the cluster stops serving.
    const end = Date.now() + 15_000;
    while (Date.now() < end && String(await entry.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) {
      await new Promise((res) => setTimeout(res, 100));
    }
    const r = await doctor(`redis://${entry.host}:${entry.port}`, { checks: ['cluster', 'server.reachable'] });
    expect(statusOf(r, 'cluster.slots')).toBe('fail');
    expect(statusOf(r, 'cluster.node-health', `${victim.host}:${victim.port}`)).toBe('fail');
    expect(statusOf(r, 'cluster.state', `${entry.host}:${entry.port}`)).toBe('fail');
    expect(statusOf(r, 'server.reachable', `${victim.host}:${victim.port}`)).toBe('fail');
  });
});
