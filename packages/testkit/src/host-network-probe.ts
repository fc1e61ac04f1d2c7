import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONTAINER_LABELS, type ContainerEngine, demux, engineApi, markRun, ownerLabels, type ProbeContainer } from './container-engine.js';
import { DEFAULTS } from './defaults.js';
import { HostNetworkProbeError } from './errors.js';
import { allocatePort, releasePort } from './ports.js';
import { disownContainer, ownContainer } from './reaper.js';
import { waitFor } from './wait.js';

const verdicts = new Map<string, Promise<boolean>>();

/**
 * Whether a container on the engine's host network shares this machine's network, found out
 * once per engine and process. Docker on Linux does; Docker Desktop without host networking
 * enabled runs "host" containers inside its VM, and rootless engines inside their own network
 * namespace, where nothing on this machine's 127.0.0.1 reaches them. Asking the engine would
 * not tell these apart, so a server is started on the host network and dialled at 127.0.0.1.
 */
export function hostNetworkShared(engine: ContainerEngine, image: string): Promise<boolean> {
  const key = JSON.stringify(engine.endpoint ?? null);
  let verdict = verdicts.get(key);
  if (!verdict) {
    verdict = probe(engine, image).catch((e: unknown) => {
      verdicts.delete(key);
      throw e;
    });
    verdicts.set(key, verdict);
  }
  return verdict;
}

async function probe(engine: ContainerEngine, image: string): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const port = await allocatePort(DEFAULTS.host);
    try {
      const outcome = await probeOn(engine, image, port);
      if (typeof outcome === 'boolean') return outcome;
      // The port was taken on the engine's host between allocation and bind: try another.
      if (attempt >= 3) throw new HostNetworkProbeError(`its server exited: ${outcome.exited}`);
    } finally {
      releasePort(port);
    }
  }
}

async function probeOn(engine: ContainerEngine, image: string, port: number): Promise<boolean | { exited: string }> {
  markRun();
  let container: ProbeContainer;
  try {
    container = await engineApi(engine).createContainer({
      Image: image,
      Entrypoint: [],
      Cmd: ['redis-server', '--bind', DEFAULTS.host, '--port', String(port), '--save', '', '--appendonly', 'no'],
      Labels: { ...ownerLabels(), [CONTAINER_LABELS.node]: 'host-network-probe' },
      HostConfig: { NetworkMode: 'host' },
    });
  } catch (e) {
    throw new HostNetworkProbeError((e as Error).message, { cause: e });
  }
  ownContainer(container.id, engine.endpoint);
  try {
    await container.start();
    const ready = await waitFor<{ up: true } | { exited: string }>(
      'the host-network probe accepting connections',
      async () => {
        const output = demux(await container.logs({ stdout: true, stderr: true }));
        if (/Ready to accept connections/.test(output)) return { done: true, value: { up: true } };
        if (!(await container.inspect()).State.Running) return { done: true, value: { exited: output.trim() || 'no output' } };
        return { done: false, observed: output.trim().split('\n').at(-1) ?? 'no output yet' };
      },
      { timeoutMs: DEFAULTS.startTimeoutMs, intervalMs: 20 },
    );
    if ('exited' in ready) return ready;
    return await dialUntil(port, DEFAULTS.hostNetworkProbeMs);
  } catch (e) {
    if (e instanceof HostNetworkProbeError) throw e;
    throw new HostNetworkProbeError((e as Error).message, { cause: e });
  } finally {
    try {
      await container.remove({ force: true, v: true });
      disownContainer(container.id);
    } catch {
      // Still registered with the reaper, which removes it when this process ends; the verdict stands.
    }
  }
}

/** Dials 127.0.0.1:port until it answers (true) or `ms` have passed with every dial refused (false). */
async function dialUntil(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answered = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: DEFAULTS.host, port });
      socket.setTimeout(ms, () => socket.destroy(new Error('timeout')));
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (answered || Date.now() >= deadline) return answered;
    await sleep(50);
  }
}
