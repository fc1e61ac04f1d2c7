import { setTimeout as sleep } from 'node:timers/promises';
import { openBridgeNetwork } from './bridge-network.js';
import {
  CONTAINER_LABELS,
  type ContainerEngine,
  connectEngine,
  demux,
  type EngineContainer,
  ensureImage,
  markRun,
  ownerLabels,
  statusCode,
} from './container-engine.js';
import { DEFAULTS } from './defaults.js';
import { PortInUseError } from './errors.js';
import { hostNetworkShared } from './host-network-probe.js';
import type { NetworkMode, NetworkSetting } from './network-mode.js';
import { disownContainer, ownContainer } from './reaper.js';
import type { RunnerSpec, ServerDriver, ServerRunner } from './server-runner.js';
import { type BridgeAttachment, hostNetwork } from './topology-network.js';

/**
 * Runs each server in a container of `image`. On the host's network (`host`) a server binds
 * the loopback address and port it would as a process, so sentinels and cluster nodes
 * announce addresses the host reaches. In `mapped` mode each topology gets a bridge network,
 * each server a fixed address on it and its port published on the loopback address; the
 * topology maps announced addresses back (`natMap`). Either way each node's directory is
 * mounted at its own path, so config, data and logs sit where the process driver puts them.
 */
export function containerDriver(image: string, network: NetworkSetting): ServerDriver {
  return {
    name: 'container',
    runner: (spec) => new ContainerRunner(spec, image),
    ready: () => networkMode(image, network),
    network: async (host) => ((await networkMode(image, network)) === 'host' ? hostNetwork(host) : openBridgeNetwork()),
  };
}

async function networkMode(image: string, setting: NetworkSetting): Promise<NetworkMode> {
  const engine = await connectEngine();
  await ensureImage(engine, image);
  if (setting !== 'auto') return setting;
  return (await hostNetworkShared(engine, image)) ? 'host' : 'mapped';
}

type Tc = ContainerEngine['tc'];

/**
 * testcontainers' GenericContainer, plus what it has no builder for: a fixed address on a
 * network and a port published on one host address only (withExposedPorts publishes on every
 * address), and the container's id as soon as it exists, so that a container whose start
 * fails (a published port taken meanwhile) is still removed.
 */
function testkitContainerClass(tc: Tc) {
  return class TestkitContainer extends tc.GenericContainer {
    readonly #onCreated: (id: string) => void;

    constructor(image: string, onCreated: (id: string) => void) {
      super(image);
      this.#onCreated = onCreated;
    }

    onBridge(bridge: BridgeAttachment, hostIp: string, port: number): this {
      const key = `${port}/tcp`;
      this.withNetworkMode(bridge.network);
      this.createOpts.NetworkingConfig = { EndpointsConfig: { [bridge.network]: { IPAMConfig: { IPv4Address: bridge.ip } } } };
      this.createOpts.ExposedPorts = { [key]: {} };
      this.hostConfig.PortBindings = { [key]: [{ HostIp: hostIp, HostPort: String(port) }] };
      return this;
    }

    protected override async containerCreated(id: string): Promise<void> {
      this.#onCreated(id);
    }
  };
}

const containerClasses = new WeakMap<Tc, ReturnType<typeof testkitContainerClass>>();

function containerClass(tc: Tc): ReturnType<typeof testkitContainerClass> {
  let cls = containerClasses.get(tc);
  if (!cls) {
    cls = testkitContainerClass(tc);
    containerClasses.set(tc, cls);
  }
  return cls;
}

type Signal = 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT';

class ContainerRunner implements ServerRunner {
  readonly #spec: RunnerSpec;
  readonly #image: string;
  #container: EngineContainer | undefined;
  #pid: number | undefined;

  constructor(spec: RunnerSpec, image: string) {
    this.#spec = spec;
    this.#image = image;
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  async start(): Promise<void> {
    const engine = await connectEngine();
    if (this.#container) {
      // The same container again: a restart keeps its config, data and log, as a process restart does.
      await this.#container.start();
    } else {
      await ensureImage(engine, this.#image);
      this.#container = await this.#create(engine);
    }
    const info = await this.#container.inspect();
    this.#pid = info.State.Pid || undefined;
  }

  async #create(engine: ContainerEngine): Promise<EngineContainer> {
    const s = this.#spec;
    const mounts = [s.dir, ...s.readDirs].map((p) => ({ source: p, target: p, mode: (p === s.dir ? 'rw' : 'ro') as 'rw' | 'ro' }));
    const command = ['redis-server', s.configPath, ...(s.kind === 'sentinel' ? ['--sentinel'] : [])];
    const user =
      typeof process.getuid === 'function' && typeof process.getgid === 'function' ? `${process.getuid()}:${process.getgid()}` : undefined;
    let created: string | undefined;
    const TestkitContainer = containerClass(engine.tc);
    let container = new TestkitContainer(this.#image, (id) => {
      created = id;
      ownContainer(id, engine.endpoint);
    })
      .withBindMounts(mounts)
      .withWorkingDir(s.dir)
      // The image's entrypoint (the official one's docker-entrypoint.sh) would chown the data
      // directory and drop privileges; the server runs as the test's own user instead, so the
      // files it writes in the mounted directory stay the test's to read and remove.
      .withEntrypoint([])
      .withCommand(command)
      .withLabels({ ...ownerLabels(), [CONTAINER_LABELS.node]: s.name })
      .withStartupTimeout(DEFAULTS.startTimeoutMs);
    container = s.bridge ? container.onBridge(s.bridge, s.host, s.port) : container.withNetworkMode('host');
    // testcontainers' own wait checks exposed ports only through withExposedPorts, which is
    // not used, so it returns at once and the testkit waits for PING itself, as for a process.
    if (user) container = container.withUser(user);
    markRun();
    let started: Awaited<ReturnType<typeof container.start>>;
    try {
      started = await container.start();
    } catch (e) {
      if (created) await this.#removeFailed(engine, created);
      const message = (e as Error).message;
      // The engine publishes the port when the container starts: another process may have
      // bound it since it was allocated, as with a process's own bind.
      if (s.bridge && /port is already allocated|address already in use/i.test(message)) throw new PortInUseError(s.port, message);
      // Ryuk is an image of its own, pulled on the first start of a process: where no
      // registry answers, that pull is what fails, not the Redis image.
      if (/ryuk/i.test(message) && process.env.TESTCONTAINERS_RYUK_DISABLED !== 'true') {
        throw new Error(
          `${message} — testcontainers could not start its reaper, Ryuk; set TESTCONTAINERS_RYUK_DISABLED=true (the testkit removes its containers itself)`,
          { cause: e },
        );
      }
      throw e;
    }
    return engine.client.container.getById(started.getId());
  }

  async #removeFailed(engine: ContainerEngine, id: string): Promise<void> {
    try {
      await engine.client.container.getById(id).remove({ force: true, v: true });
      disownContainer(id);
    } catch {
      // Still registered with the reaper, which removes it when this process ends; the start's
      // own error is the one to report.
    }
  }

  async exited(): Promise<boolean> {
    if (!this.#container) return true;
    const info = await this.#container.inspect();
    if (info.State.Running) return false;
    this.#pid = undefined;
    this.#spec.onExit();
    return true;
  }

  async #send(signal: Signal): Promise<void> {
    try {
      await this.#container?.kill({ signal });
    } catch (e) {
      // 409: not running; 404: removed from outside (a teardown, `docker rm -f`). Either way
      // there is nothing left to signal, which is what a kill wants anyway.
      const code = statusCode(e);
      if (code !== 409 && code !== 404) throw e;
    }
  }

  /** Resolves once the container is not running (or no longer exists). */
  async #stopped(): Promise<void> {
    try {
      await this.#container?.wait();
    } catch (e) {
      if (statusCode(e) !== 404) throw e;
    }
  }

  async kill(): Promise<void> {
    if (!this.#container) return;
    await this.#send('SIGKILL');
    await this.#stopped();
    this.#pid = undefined;
  }

  async terminate(graceMs: number): Promise<void> {
    if (!this.#container) return;
    await this.#send('SIGTERM');
    const stopped = await Promise.race([this.#stopped().then(() => true), sleep(graceMs).then(() => false)]);
    if (!stopped) await this.kill();
    this.#pid = undefined;
  }

  async signal(signal: 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    // A signal, not `docker pause`: SIGSTOP is what the process driver sends, and what a test
    // reading /proc/<pid>/stat expects (T, stopped).
    await this.#send(signal);
  }

  async diagnostics(): Promise<string> {
    if (!this.#container) return '';
    const output = demux(await this.#container.logs({ stdout: true, stderr: true, tail: 20 }));
    const s = this.#spec;
    const hint = s.bridge
      ? `mapped networking: the server is at ${s.bridge.ip} on bridge network ${s.bridge.network}, published on ${s.host}:${s.port}; containers of one network reach each other only where the engine manages the firewall (dockerd's default, --iptables=true)`
      : "host networking: the server binds this machine's loopback address; on Docker Desktop, host networking must be enabled (Settings → Resources → Network), or use network: 'mapped'";
    return `${output.trim()}\n(${hint})`;
  }

  async dispose(): Promise<void> {
    const c = this.#container;
    if (!c) return;
    this.#container = undefined;
    try {
      await c.remove({ force: true, v: true });
    } catch (e) {
      if (statusCode(e) !== 404) throw e;
    }
    disownContainer(c.id);
  }
}
