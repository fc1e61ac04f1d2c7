import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterTopology, nowMs, parseInfo, startCluster } from '../src/index.js';

describe('startCluster', () => {
  let c: ClusterTopology;
  beforeAll(async () => {
    c = await startCluster({ masters: 3, replicasPerMaster: 1 });
  });
  afterAll(() => c.stop());

  it('comes up with all 16384 slots served and cluster_state ok on every node', async () => {
    for (const n of c.nodes) {
      const info = parseInfo(String(await n.call('CLUSTER', 'INFO')));
      expect(info).toMatchObject({
        cluster_state: 'ok',
        cluster_slots_assigned: '16384',
        cluster_slots_ok: '16384',
        cluster_known_nodes: '6',
      });
    }
  });

  it('gives every master one replica in sync', async () => {
    const masters = await c.masters();
    expect(masters).toHaveLength(3);
    for (const m of masters) {
      const replicas = await c.replicasOf(m);
      expect(replicas).toHaveLength(1);
      const info = await replicas[0]?.info('replication');
      expect(info).toMatchObject({ role: 'slave', master_link_status: 'up', master_port: String(m.port) });
    }
  });

  it('has every node announce its loopback address, or one that natMap maps to it', async () => {
    const view = await c.view();
    const reached = view.map((l) => c.natMap[`${l.host}:${l.port}`] ?? { host: l.host, port: l.port });
    expect(reached.map((a) => `${a.host}:${a.port}`).sort()).toEqual(c.nodes.map((n) => `127.0.0.1:${n.port}`).sort());
  });

  it('hands out a redis+cluster URL with every node as a seed', () => {
    for (const n of c.nodes) expect(c.url).toContain(`127.0.0.1:${n.port}`);
    expect(c.url.startsWith('redis+cluster://')).toBe(true);
  });

  it('moves a master role to its replica with CLUSTER FAILOVER', async () => {
    const sw = await c.failover();
    expect(await sw.to.role()).toBe('master');
    await c.waitForHealthy();
    expect(await sw.from.role()).toBe('slave');
  });

  it('promotes the replica of a SIGKILLed master after the node timeout', async () => {
    const [victim] = await c.masters();
    if (!victim) throw new Error('no master');
    const [heir] = await c.replicasOf(victim);
    if (!heir) throw new Error('no replica');
    const killedAt = nowMs();
    await victim.kill();
    await c.waitForHealthy();
    expect(await heir.role()).toBe('master');
    const view = await c.view();
    expect(view.find((l) => l.port === victim.port)?.failing).toBe(true);
    expect(nowMs()).toBeGreaterThan(killedAt);
  });
});
