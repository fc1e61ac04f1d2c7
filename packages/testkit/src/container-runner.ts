import { setTimeout as sleep } from 'node:timers/promises';
import { CONTAINER_LABELS, type ContainerEngine, connectEngine, type EngineContainer, ensureImage, markRun } from './container-engine.js';
import { DEFAULTS } from './defaults.js';
import { disownContainer, ownContainer } from './reaper.js';
import type { RunnerSpec, ServerDriver, ServerRunner } from './server-runner.js';

/**
 * Runs each server in a container of `image`, on the host's network: a server binds the same
 * loopback address and port it would as a process, so sentinels and cluster nodes announce
 * addresses the host reaches (a bridge network would have them announce 172.17.x.y). Each
 * node's directory is mounted at its own path, so config, data and logs sit where the
 * process driver puts them.
 */
export function containerDriver(image: string): ServerDriver {
  return {
    name: 'container',
    runner: (spec) => new ContainerRunner(spec, image),
    ready: async () => {
      await ensureImage(await connectEngine(), image);
    },
  };
}

type Signal = 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT';

function statusCode(e: unknown): number | undefined {
  const code: unknown = typeof e === 'object' && e !== null ? (e as { statusCode?: unknown }).statusCode : undefined;
  return typeof code === 'number' ? code : undefined;
}

/**
 * A container's output as text. Without a TTY the engine multiplexes stdout and stderr in
 * frames of an 8-byte header (stream, 3 zero bytes, big-endian length) and the payload.
 */
export function demux(raw: Buffer): string {
  let out = '';
  let i = 0;
  while (i + 8 <= raw.length) {
    const size = raw.readUInt32BE(i + 4);
    out += raw.subarray(i + 8, i + 8 + size).toString('utf8');
    i += 8 + size;
  }
  return out;
}

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
    const { tc } = engine;
    const s = this.#spec;
    const mounts = [s.dir, ...s.readDirs].map((p) => ({ source: p, target: p, mode: (p === s.dir ? 'rw' : 'ro') as 'rw' | 'ro' }));
    const command = ['redis-server', s.configPath, ...(s.kind === 'sentinel' ? ['--sentinel'] : [])];
    const user =
      typeof process.getuid === 'function' && typeof process.getgid === 'function' ? `${process.getuid()}:${process.getgid()}` : undefined;
    let container = new tc.GenericContainer(this.#image)
      .withNetworkMode('host')
      .withBindMounts(mounts)
      .withWorkingDir(s.dir)
      // The image's entrypoint (the official one's docker-entrypoint.sh) would chown the data
      // directory and drop privileges; the server runs as the test's own user instead, so the
      // files it writes in the mounted directory stay the test's to read and remove.
      .withEntrypoint([])
      .withCommand(command)
      .withLabels({
        [CONTAINER_LABELS.run]: process.env.COORDIS_TESTKIT_RUN ?? 'adhoc',
        [CONTAINER_LABELS.owner]: String(process.pid),
        [CONTAINER_LABELS.node]: s.name,
      })
      .withStartupTimeout(DEFAULTS.startTimeoutMs);
    // No port is exposed (host network), so testcontainers' default wait returns at once and
    // the testkit waits for PING itself, as it does for a process.
    if (user) container = container.withUser(user);
    markRun();
    let started: Awaited<ReturnType<typeof container.start>>;
    try {
      started = await container.start();
    } catch (e) {
      // Ryuk is an image of its own, pulled on the first start of a process: where no
      // registry answers, that pull is what fails, not the Redis image.
      if (/ryuk/i.test((e as Error).message) && process.env.TESTCONTAINERS_RYUK_DISABLED !== 'true') {
        throw new Error(
          `${(e as Error).message} — testcontainers could not start its reaper, Ryuk; set TESTCONTAINERS_RYUK_DISABLED=true (the testkit removes its containers itself)`,
          { cause: e },
        );
      }
      throw e;
    }
    const id = started.getId();
    ownContainer(id, engine.endpoint);
    return engine.client.container.getById(id);
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
    const hint =
      'the container driver runs servers on the host network: on Docker Desktop, host networking must be enabled (Settings → Resources → Network)';
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
