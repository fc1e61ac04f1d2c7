import { readFileSync } from 'node:fs';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTAINER_LABELS, connectEngine, labelledContainers, labelledNetworks } from '../src/container-engine.js';
import { resolveDriver } from '../src/driver.js';
import setup from '../src/global-setup.js';
import { hostNetworkShared } from '../src/host-network-probe.js';
import {
  type SentinelTopology,
  ServerStartError,
  type StandaloneTopology,
  startCluster,
  startSentinel,
  startStandalone,
  TestkitOptionsError,
} from '../src/index.js';
import { pairsToRecord } from '../src/info.js';

// The driver-independent suite runs on containers when COORDIS_TESTKIT_DRIVER=container
// (`pnpm test:container`), in the network mode COORDIS_TESTKIT_NETWORK (or auto) settles on;
// these are the container driver's own promises, and each mode's.
const onContainers = process.env.COORDIS_TESTKIT_DRIVER === 'container';
const mode = onContainers ? await resolveDriver({}).ready() : undefined;

async function ownContainers() {
  const engine = await connectEngine();
  const list = await labelledContainers(engine, CONTAINER_LABELS.owner, String(process.pid));
  return Promise.all(list.map((c) => engine.client.container.getById(c.id).inspect()));
}

async function ownNetworks(): Promise<string[]> {
  return (await labelledNetworks(await connectEngine(), CONTAINER_LABELS.owner, String(process.pid))).map((n) => n.name);
}

async function containerOf(node: string) {
  const [c, ...others] = (await ownContainers()).filter((i) => i.Config.Labels[CONTAINER_LABELS.node] === node);
  expect(others).toEqual([]);
  if (!c) throw new Error(`no container for ${node}`);
  return c;
}

/** The local addresses of this machine's listening TCP sockets on `port`, from /proc/net/tcp{,6}. */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && f[1]?.endsWith(`:${hexPort}`))
      .map((f) => {
        const hex = (f[1] as string).split(':')[0] as string;
        if (hex.length === 8)
          return (hex.match(/../g) as string[])
            .reverse()
            .map((b) => Number.parseInt(b, 16))
            .join('.');
        // IPv6: loopback (::1) and IPv4-mapped loopback (::ffff:127.x.y.z) are what is allowed.
        if (hex === '00000000000000000000000001000000') return '::1';
        if (hex.startsWith('0000000000000000FFFF0000') && hex.endsWith('7F')) return '::ffff:127.x';
        return `[${hex}]`;
      }),
  );
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === '::ffff:127.x';
}

describe.runIf(onContainers)('the container driver', () => {
  it('runs a node in a labelled container, its directory mounted at its own path, as the test’s user', async () => {
    await using s = await startStandalone();
    expect(s.node.driver).toBe('container');
    const c = await containerOf('standalone');
    expect(c.Mounts.map((m) => [m.Source, m.Destination])).toContainEqual([s.node.dir, s.node.dir]);
    expect(c.Config.User).toBe(`${process.getuid?.()}:${process.getgid?.()}`);
    expect(c.Config.Labels[CONTAINER_LABELS.run]).toBe(process.env.COORDIS_TESTKIT_RUN);
    expect(c.State.Pid).toBe(s.node.pid);
  });

  it('removes the container on stop(), also one that was killed', async () => {
    const s = await startStandalone();
    await s.node.kill();
    expect((await ownContainers()).some((c) => c.Config.Labels[CONTAINER_LABELS.node] === 'standalone')).toBe(true);
    await s.stop();
    expect((await ownContainers()).some((c) => c.Config.Labels[CONTAINER_LABELS.node] === 'standalone')).toBe(false);
  });

  it('reports the server’s own output when it refuses to start, and leaves no container (nor network) behind', async () => {
    const error = await startStandalone({ config: { 'no-such-directive': 'yes' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerStartError);
    expect((error as Error).message).toMatch(/Bad directive or wrong number of arguments/);
    expect((error as Error).message).toContain('in a container');
    expect((await ownContainers()).filter((c) => c.Config.Labels[CONTAINER_LABELS.node] === 'standalone')).toEqual([]);
    expect(await ownNetworks()).toEqual([]);
  });

  it('has the global teardown remove what its run left (a container, in mapped mode its network), and fail the run for it', async () => {
    const outer = process.env.COORDIS_TESTKIT_RUN;
    const teardown = setup();
    const run = process.env.COORDIS_TESTKIT_RUN;
    try {
      const s = await startStandalone();
      try {
        const error = await teardown().catch((e: unknown) => e);
        expect((error as Error).message).toMatch(/outlived the test run/);
        expect((error as Error).message).toContain('container');
        if (mode === 'mapped') expect((error as Error).message).toContain('network');
        expect((await ownContainers()).filter((c) => c.Config.Labels[CONTAINER_LABELS.run] === run)).toEqual([]);
        expect(await ownNetworks()).toEqual([]);
      } finally {
        await s.stop();
      }
    } finally {
      process.env.COORDIS_TESTKIT_RUN = outer;
    }
  });

  it('settles network auto on host exactly when a server on the engine’s host network answers on 127.0.0.1', async () => {
    const image = process.env.COORDIS_TESTKIT_IMAGE || 'redis:7.2';
    const shared = await hostNetworkShared(await connectEngine(), image);
    const onHost = await startStandalone({ network: 'host', startTimeoutMs: 3000 }).then(
      async (s) => {
        await s.stop();
        return true;
      },
      () => false,
    );
    expect(shared).toBe(onHost);
  });
});

describe.runIf(mode === 'host')('the container driver on the host network', () => {
  it('runs every node with host networking, binding the loopback address it announces', async () => {
    await using s = await startStandalone();
    expect(s.network).toBe('host');
    expect((await containerOf('standalone')).HostConfig.NetworkMode).toBe('host');
    expect(s.node.announcedHost).toBe('127.0.0.1');
    expect(s.natMap).toEqual({});
  });

  it('has sentinels announce loopback addresses only, never a container bridge address', async () => {
    await using t = await startSentinel({ replicas: 1, sentinels: 2, quorum: 1 });
    for (const s of t.sentinels) {
      const [host] = (await s.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', t.masterName)) as [string, string];
      expect(host).toBe('127.0.0.1');
      const replicas = ((await s.call('SENTINEL', 'REPLICAS', t.masterName)) as unknown[]).map(pairsToRecord);
      expect(replicas.map((r) => r.ip)).toEqual(['127.0.0.1']);
      const peers = ((await s.call('SENTINEL', 'SENTINELS', t.masterName)) as unknown[]).map(pairsToRecord);
      expect(peers.map((p) => p.ip)).toEqual(['127.0.0.1']);
    }
  });
});

describe.runIf(mode === 'mapped')('the container driver with mapped ports', () => {
  describe('a standalone topology', () => {
    let s: StandaloneTopology;
    beforeAll(async () => {
      s = await startStandalone();
    });
    afterAll(() => s?.stop());

    it('runs on a labelled bridge network of its own, at a fixed address, its port published on 127.0.0.1 only', async () => {
      expect(s.network).toBe('mapped');
      const c = await containerOf('standalone');
      const [network, ...more] = await ownNetworks();
      expect(more).toEqual([]);
      expect(c.HostConfig.NetworkMode).toBe(network);
      expect(c.NetworkSettings.Networks[network as string]?.IPAddress).toBe(s.node.announcedHost);
      expect(c.HostConfig.PortBindings).toEqual({ [`${s.node.port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(s.node.port) }] });
      expect(s.natMap).toEqual({ [`${s.node.announcedHost}:${s.node.port}`]: { host: '127.0.0.1', port: s.node.port } });
      expect(s.url).toBe(`redis://127.0.0.1:${s.node.port}`);
    });

    it('keeps a restarted node at its container address and published port', async () => {
      const ip = s.node.announcedHost;
      await s.node.restart({ mode: 'kill' });
      const c = await containerOf('standalone');
      expect(Object.values(c.NetworkSettings.Networks).map((n) => n.IPAddress)).toEqual([ip]);
      expect(await s.node.call('PING')).toBe('PONG');
    });

    it('removes its network on stop()', async () => {
      await s.stop();
      expect(await ownNetworks()).toEqual([]);
    });
  });

  describe('a Sentinel topology', () => {
    let t: SentinelTopology;
    beforeAll(async () => {
      t = await startSentinel({ replicas: 1, sentinels: 2, quorum: 1 });
    });
    afterAll(() => t?.stop());

    it('has sentinels announce container addresses only, each of which natMap maps to its port on 127.0.0.1', async () => {
      const mapped = (host: string, port: string | number) => t.natMap[`${host}:${port}`];
      for (const s of t.sentinels) {
        const [host, port] = (await s.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', t.masterName)) as [string, string];
        expect(host.startsWith('127.')).toBe(false);
        expect(mapped(host, port)).toEqual({ host: '127.0.0.1', port: Number(port) });
        const replicas = ((await s.call('SENTINEL', 'REPLICAS', t.masterName)) as unknown[]).map(pairsToRecord);
        const peers = ((await s.call('SENTINEL', 'SENTINELS', t.masterName)) as unknown[]).map(pairsToRecord);
        for (const r of [...replicas, ...peers]) {
          expect(mapped(r.ip as string, r.port as string)).toEqual({ host: '127.0.0.1', port: Number(r.port) });
        }
      }
      expect(Object.keys(t.natMap)).toHaveLength(t.nodes.length + t.sentinels.length);
    });

    it('leaves no socket on this machine listening beyond 127.0.0.0/8', () => {
      for (const n of [...t.nodes, ...t.sentinels]) {
        const addresses = listeners(n.port);
        expect(addresses.length, `a listener for ${n.name}'s published port`).toBeGreaterThan(0);
        expect(
          addresses.filter((a) => !isLoopback(a)),
          n.name,
        ).toEqual([]);
      }
    });
  });

  it('gives a cluster client that takes natMap connections to 127.0.0.1 only', async () => {
    await using c = await startCluster({ masters: 3, replicasPerMaster: 0 });
    expect(Object.keys(c.natMap)).toHaveLength(3);
    const client = new Cluster([...c.seeds], { natMap: { ...c.natMap }, lazyConnect: true });
    try {
      await client.connect();
      for (let i = 0; i < 30; i++) await client.set(`key-${i}`, String(i));
      expect(client.nodes('all').map((n) => n.options.host)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    } finally {
      client.disconnect();
    }
  });

  it('refuses announceHost, which simulates on the host’s network what mapped mode already is', async () => {
    const error = await startSentinel({ announceHost: '127.0.0.2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TestkitOptionsError);
    expect((error as Error).message).toMatch(/network: 'host'/);
    expect(await ownNetworks()).toEqual([]);
  });
});
