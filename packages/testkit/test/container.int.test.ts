import { describe, expect, it } from 'vitest';
import { CONTAINER_LABELS, connectEngine, labelledContainers } from '../src/container-engine.js';
import setup from '../src/global-setup.js';
import { ServerStartError, startSentinel, startStandalone } from '../src/index.js';
import { pairsToRecord } from '../src/info.js';

// The driver-independent suite runs on containers when COORDIS_TESTKIT_DRIVER=container
// (`pnpm test:container`); these are the container driver's own promises.
const onContainers = process.env.COORDIS_TESTKIT_DRIVER === 'container';

async function ownContainers() {
  const engine = await connectEngine();
  const list = await labelledContainers(engine, CONTAINER_LABELS.owner, String(process.pid));
  return Promise.all(list.map((c) => engine.client.container.getById(c.id).inspect()));
}

describe.runIf(onContainers)('the container driver', () => {
  it('runs a node in a labelled container on the host network, its directory mounted at its own path, as the test’s user', async () => {
    await using s = await startStandalone();
    expect(s.node.driver).toBe('container');
    const [c, ...others] = (await ownContainers()).filter((i) => i.Config.Labels[CONTAINER_LABELS.node] === 'standalone');
    expect(others).toEqual([]);
    expect(c?.HostConfig.NetworkMode).toBe('host');
    expect(c?.Mounts.map((m) => [m.Source, m.Destination])).toContainEqual([s.node.dir, s.node.dir]);
    expect(c?.Config.User).toBe(`${process.getuid?.()}:${process.getgid?.()}`);
    expect(c?.Config.Labels[CONTAINER_LABELS.run]).toBe(process.env.COORDIS_TESTKIT_RUN);
    expect(c?.State.Pid).toBe(s.node.pid);
  });

  it('removes the container on stop(), also one that was killed', async () => {
    const s = await startStandalone();
    await s.node.kill();
    expect((await ownContainers()).some((c) => c.Config.Labels[CONTAINER_LABELS.node] === 'standalone')).toBe(true);
    await s.stop();
    expect((await ownContainers()).some((c) => c.Config.Labels[CONTAINER_LABELS.node] === 'standalone')).toBe(false);
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

  it('reports the server’s own output when it refuses to start, and leaves no container behind', async () => {
    const error = await startStandalone({ config: { 'no-such-directive': 'yes' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerStartError);
    expect((error as Error).message).toMatch(/Bad directive or wrong number of arguments/);
    expect((error as Error).message).toContain('in a container');
    expect((await ownContainers()).filter((c) => c.Config.Labels[CONTAINER_LABELS.node] === 'standalone')).toEqual([]);
  });

  it('has the global teardown remove a container its run left, and fail the run for it', async () => {
    const outer = process.env.COORDIS_TESTKIT_RUN;
    const teardown = setup();
    const run = process.env.COORDIS_TESTKIT_RUN;
    try {
      const s = await startStandalone();
      try {
        const error = await teardown().catch((e: unknown) => e);
        expect((error as Error).message).toMatch(/outlived the test run/);
        expect((error as Error).message).toContain('container');
        expect((await ownContainers()).filter((c) => c.Config.Labels[CONTAINER_LABELS.run] === run)).toEqual([]);
      } finally {
        await s.stop();
      }
    } finally {
      process.env.COORDIS_TESTKIT_RUN = outer;
    }
  });
});
