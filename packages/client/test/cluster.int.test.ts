import { inspect } from 'node:util';
import { type ClusterTopology, generateCertificates, type RedisNode, startCluster } from '@coordis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  ConnectionUnavailableError,
  type CoordisCluster,
  connect,
  connectCluster,
  isConfigError,
  TlsError,
} from '../src/index.js';
import { captureLogs, rejection } from './support/capture.js';

const SECRET = 'Cl5ster-pw!';

/** The running master that serves `slot`, from the cluster's own view. */
async function masterOf(t: ClusterTopology, slot: number): Promise<RedisNode> {
  const line = (await t.view()).find((l) => l.role === 'master' && l.slots.some(([a, b]) => a <= slot && slot <= b));
  const node = t.nodes.find((n) => n.port === line?.port);
  if (!node) throw new Error(`no master serves slot ${slot}`);
  return node;
}

describe('connectCluster() to a 3-master cluster with a password', () => {
  let t: ClusterTopology;
  let cluster: CoordisCluster;
  const logs = captureLogs();

  beforeAll(async () => {
    t = await startCluster({
      masters: 3,
      replicasPerMaster: 1,
      password: SECRET,
      users: [{ name: 'app', password: SECRET }],
      urlUser: 'app',
    });
    cluster = await connectCluster(t.url, { logger: logs.logger });
  });

  afterAll(async () => {
    cluster?.disconnect();
    await t?.stop();
  });

  it('writes keys of every master through MOVED, as the ACL user, with no secret in inspect, JSON or logs', async () => {
    await Promise.all(Array.from({ length: 300 }, (_, i) => cluster.set(`k:${i}`, String(i))));
    const values = await Promise.all(Array.from({ length: 300 }, (_, i) => cluster.get(`k:${i}`)));
    expect(values).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));
    const perMaster = await Promise.all(cluster.nodes('master').map((m) => m.dbsize()));
    expect(perMaster).toHaveLength(3);
    expect(perMaster.every((n) => n > 0)).toBe(true);
    expect(await cluster.call('ACL', 'WHOAMI')).toBe('app');
    expect(inspect(cluster, { depth: 6 })).not.toContain(SECRET);
    expect(JSON.stringify(cluster.options)).not.toContain(SECRET);
    const dup = cluster.duplicate();
    expect(await dup.call('ACL', 'WHOAMI')).toBe('app');
    expect(inspect(dup)).not.toContain(SECRET);
    dup.disconnect();
    expect(logs.text()).toContain('cluster node added');
    expect(logs.text()).not.toContain(SECRET);
  });

  it('follows ASK while a slot migrates between masters', async () => {
    const key = 'migrating-key';
    await cluster.set(key, 'before');
    const slot = Number(await cluster.cluster('KEYSLOT', key));
    const from = await masterOf(t, slot);
    const to = (await t.masters()).find((m) => m.port !== from.port) as RedisNode;
    const [fromId, toId] = await Promise.all([from.call('CLUSTER', 'MYID'), to.call('CLUSTER', 'MYID')]).then((ids) => ids.map(String));
    await to.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId as string);
    await from.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId as string);
    await from.call('MIGRATE', to.host, to.port, key, 0, 5000, 'AUTH2', 'app', SECRET);
    // The slot still belongs to `from`, which answers ASK for the key that left it.
    expect(await cluster.get(key)).toBe('before');
    expect(await cluster.set(key, 'during')).toBe('OK');
    // The importing side first, so the slot is never owned by nobody (cluster spec, resharding).
    for (const n of [to, from]) await n.call('CLUSTER', 'SETSLOT', slot, 'NODE', toId as string);
    await t.waitForHealthy();
    expect(await cluster.get(key)).toBe('during');
    expect((await masterOf(t, slot)).port).toBe(to.port);
  });

  it('rejects a wrong password at once with AuthError, naming no secret', async () => {
    const wrong = t.url.replace(encodeURIComponent(SECRET), 'nope');
    const e = await rejection(connectCluster(wrong, { initialConnectTimeoutMs: 30_000 }));
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).not.toContain(SECRET);
  });

  it('tells connect() and connectCluster() apart with a config error', async () => {
    const e = await rejection(connect(t.url));
    expect(isConfigError(e)).toBe(true);
    expect(e.message).toMatch(/connectCluster\(\)/);
    expect(e.message).not.toContain(SECRET);
    const back = await rejection(connectCluster(t.nodes[0]?.url ?? ''));
    expect(isConfigError(back)).toBe(true);
    expect(back.message).toMatch(/use connect\(\)/);
  });

  it('rejects with ConnectionUnavailableError when no seed answers', async () => {
    const e = await rejection(connectCluster('redis+cluster://127.0.0.1:1', { initialConnectTimeoutMs: 500 }));
    expect(e).toBeInstanceOf(ConnectionUnavailableError);
  });

  // Last in this file: it changes which node is master.
  it('survives a SIGKILLed master under write load: writes resume, every write a replica acknowledged survives', async () => {
    // Keys of one hash tag: all on the victim's slot, so each pipeline of SET + WAIT goes to it.
    const slot = Number(await cluster.cluster('KEYSLOT', '{victim}'));
    const victim = await masterOf(t, slot);
    let stop = false;
    let n = 0;
    const replicated: string[] = [];
    const acknowledgedOnly: string[] = [];
    let failed = 0;
    let afterPromotion = 0;
    let promoted = false;
    const writer = async () => {
      while (!stop) {
        const key = `{victim}:${n++}`;
        try {
          // WAIT has no key: in a pipeline it goes to the node of the SET, and says whether a
          // replica has it. Short, because the promoted replica has no replica of its own.
          const replies = await cluster.pipeline().set(key, 'v').wait(1, 50).exec();
          const acks = Number(replies?.[1]?.[1] ?? 0);
          if (replies?.[0]?.[0]) failed++;
          else if (acks >= 1) replicated.push(key);
          else acknowledgedOnly.push(key);
          if (promoted) afterPromotion++;
        } catch {
          failed++;
        }
      }
    };
    const writers = [writer(), writer(), writer()];
    while (replicated.length < 200) await new Promise((r) => setTimeout(r, 10));
    await victim.kill();
    await t.waitForHealthy();
    promoted = true;
    while (afterPromotion < 100) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await Promise.all(writers);

    expect((await masterOf(t, slot)).port).not.toBe(victim.port);
    const present = await Promise.all(replicated.map((k) => cluster.exists(k)));
    const lost = replicated.filter((_, i) => present[i] !== 1);
    const survivedUnreplicated = (await Promise.all(acknowledgedOnly.map((k) => cluster.exists(k)))).filter((e) => e === 1).length;
    console.info(
      `cluster SIGKILL: ${replicated.length} writes acknowledged by a replica (${lost.length} lost), ${acknowledgedOnly.length} by the master only (${survivedUnreplicated} survived), ${failed} failed during the failover, ${afterPromotion} after the promotion`,
    );
    expect(lost).toEqual([]);
    expect(afterPromotion).toBeGreaterThanOrEqual(100);
  });
});

describe('connectCluster() over TLS', () => {
  it('connects with rediss+cluster:// and the CA, and refuses an unknown CA with TlsError', async () => {
    await using t = await startCluster({ masters: 3, replicasPerMaster: 0, tls: true });
    expect(t.url.startsWith('redis+cluster://') || t.url.startsWith('rediss+cluster://')).toBe(true);
    const url = `rediss+cluster://${t.seeds.map((s) => `${s.host}:${s.port}`).join(',')}`;
    const cluster = await connectCluster(url, { tls: { ca: t.tls?.ca ?? '' } });
    try {
      await Promise.all(Array.from({ length: 50 }, (_, i) => cluster.set(`t:${i}`, 'v')));
      expect(await cluster.get('t:7')).toBe('v');
    } finally {
      cluster.disconnect();
    }
    const other = await generateCertificates();
    const e = await rejection(connectCluster(url, { tls: { ca: other.ca }, initialConnectTimeoutMs: 30_000 }));
    expect(e).toBeInstanceOf(TlsError);
  });
});

describe('connectCluster() and the periodic slots refresh', () => {
  it('leaves no refresh timer behind when disconnect() meets a refresh in flight', async () => {
    await using t = await startCluster({ masters: 3, replicasPerMaster: 0 });
    const cluster = await connectCluster(t.url);
    // ioredis internals, read to catch the moment a periodic refresh is in flight.
    const internals = cluster as unknown as { isRefreshing: boolean; slotsTimer: NodeJS.Timeout | null };
    // Stopped nodes hold the periodic refresh (due 5 s after ready) until its timeouts.
    for (const n of t.nodes) n.pause();
    try {
      const until = async (what: string, check: () => boolean) => {
        for (let i = 0; i < 2000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
        if (!check()) throw new Error(`never saw ${what}`);
      };
      await until('a refresh in flight', () => internals.isRefreshing);
      cluster.disconnect();
      for (const n of t.nodes) n.resume();
      await until('the refresh end', () => !internals.isRefreshing);
      // ioredis alone re-arms the periodic refresh here, and the process never exits.
      expect(internals.slotsTimer).toBeNull();
      await until('the cluster closed', () => cluster.status === 'end' || cluster.status === 'close');
      expect(internals.slotsTimer).toBeNull();
    } finally {
      for (const n of t.nodes) if (n.state === 'paused') n.resume();
      cluster.disconnect();
    }
  }, 60_000);
});
