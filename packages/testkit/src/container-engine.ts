import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Testcontainers from 'testcontainers';
import type { ContainerRuntimeClient } from 'testcontainers';
import { DEFAULTS } from './defaults.js';
import { ContainerEngineUnavailableError, ContainerImageUnavailableError, TestcontainersNotInstalledError } from './errors.js';

/** A container as the engine's API client (dockerode) sees it. */
export type EngineContainer = ReturnType<ContainerRuntimeClient['container']['getById']>;

type ContainerSummary = Awaited<ReturnType<ContainerRuntimeClient['container']['list']>>[number];

/** A network on the engine, as the testkit uses it. */
export interface EngineNetwork {
  readonly id: string;
  inspect(): Promise<{ IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] } }>;
  remove(): Promise<void>;
}

/** A container made straight through the engine's API (the host-network probe). */
export interface ProbeContainer {
  readonly id: string;
  start(): Promise<void>;
  logs(options: { stdout: true; stderr: true }): Promise<Buffer>;
  inspect(): Promise<{ State: { Running: boolean } }>;
  remove(options: { force: true; v: true }): Promise<void>;
}

/**
 * The part of the engine's API (dockerode) the testkit calls beyond testcontainers, typed here:
 * dockerode's own types are not among this package's dependencies.
 */
export interface EngineApi {
  createContainer(options: {
    Image: string;
    Entrypoint: string[];
    Cmd: string[];
    Labels: Record<string, string>;
    HostConfig: { NetworkMode: string };
  }): Promise<ProbeContainer>;
  createNetwork(options: {
    Name: string;
    Driver: 'bridge';
    CheckDuplicate: boolean;
    Labels: Record<string, string>;
    IPAM?: { Driver: string; Config: { Subnet: string; Gateway?: string }[] };
    Options?: Record<string, string>;
  }): Promise<EngineNetwork>;
  getNetwork(id: string): EngineNetwork;
  listNetworks(options: { filters: { label: string[] } }): Promise<{ Id: string; Name: string }[]>;
}

/** The engine's API client, with the calls the testkit makes typed. */
export function engineApi(e: ContainerEngine): EngineApi {
  return e.client.container.dockerode;
}

/** Where the engine listens, in the form the reaper process can reach without testcontainers. */
export type EngineEndpoint = { readonly socketPath: string } | { readonly host: string; readonly port: number };

/** A Docker engine that answered, and the testcontainers module that talks to it. */
export interface ContainerEngine {
  readonly tc: typeof Testcontainers;
  readonly client: ContainerRuntimeClient;
  /** Undefined when the engine is reached in a way the reaper cannot follow (TLS, ssh). */
  readonly endpoint: EngineEndpoint | undefined;
}

/**
 * Labels on every container the testkit starts, and (run and owner) on every network: what finds
 * them again when their owner is gone.
 */
export const CONTAINER_LABELS = {
  run: 'coordis-testkit.run',
  owner: 'coordis-testkit.owner',
  node: 'coordis-testkit.node',
} as const;

/** The run and owner labels of what this process creates on the engine. */
export function ownerLabels(): Record<string, string> {
  return { [CONTAINER_LABELS.run]: process.env.COORDIS_TESTKIT_RUN ?? 'adhoc', [CONTAINER_LABELS.owner]: String(process.pid) };
}

/** The HTTP status of an engine API error: 404 gone, 409 in a state that refuses the call. */
export function statusCode(e: unknown): number | undefined {
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

let engine: Promise<ContainerEngine> | undefined;
const images = new Map<string, Promise<void>>();

/** The engine, connected once per process; a failure is not cached, so a later call can find it started. */
export function connectEngine(): Promise<ContainerEngine> {
  engine ??= connect().catch((e: unknown) => {
    engine = undefined;
    throw e;
  });
  return engine;
}

async function connect(): Promise<ContainerEngine> {
  let tc: typeof Testcontainers;
  try {
    tc = await import('testcontainers');
  } catch (e) {
    throw new TestcontainersNotInstalledError({ cause: e });
  }
  // testcontainers falls back from DOCKER_HOST to the default socket; a user who names an
  // engine means that one, so it must answer itself.
  const explicit = process.env.DOCKER_HOST;
  const named = explicit ? parseDockerHost(explicit) : undefined;
  if (explicit && named) {
    try {
      await ping(named);
    } catch (e) {
      throw new ContainerEngineUnavailableError(`DOCKER_HOST=${explicit}: ${(e as Error).message}`, { cause: e });
    }
  }
  let client: ContainerRuntimeClient;
  try {
    client = await tc.getContainerRuntimeClient();
  } catch (e) {
    const why = `${(e as Error).message}; DEBUG=testcontainers* shows why each way of reaching one failed`;
    throw new ContainerEngineUnavailableError(explicit ? `DOCKER_HOST=${explicit}: ${why}` : why, {
      cause: e,
    });
  }
  return { tc, client, endpoint: named ?? endpointOf(client) };
}

/** `unix:///path` or `tcp://host:port` without TLS; anything else is left to testcontainers. */
export function parseDockerHost(value: string): EngineEndpoint | undefined {
  if (value.startsWith('unix://')) return { socketPath: value.slice('unix://'.length) };
  const m = /^(?:tcp|http):\/\/([^:/]+):(\d+)\/?$/.exec(value);
  if (m && process.env.DOCKER_TLS_VERIFY !== '1') return { host: m[1] as string, port: Number(m[2]) };
  return undefined;
}

function endpointOf(client: ContainerRuntimeClient): EngineEndpoint | undefined {
  // dockerode types its modem as any; read the two shapes it takes, checked.
  const modem: unknown = client.container.dockerode.modem;
  if (typeof modem !== 'object' || modem === null) return undefined;
  const m = modem as { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown };
  if (typeof m.socketPath === 'string' && m.socketPath) return { socketPath: m.socketPath };
  if (typeof m.host === 'string' && m.protocol === 'http' && m.port !== undefined) return { host: m.host, port: Number(m.port) };
  return undefined;
}

/** GET /_ping on the engine's API; resolves on a 200. */
export function ping(endpoint: EngineEndpoint, timeoutMs: number = DEFAULTS.engineTimeoutMs): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(new Error(`/_ping answered HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Makes sure `image` is on the engine, pulling it once if it is not. */
export function ensureImage(e: ContainerEngine, image: string): Promise<void> {
  let pending = images.get(image);
  if (!pending) {
    pending = (async () => {
      const name = e.tc.ImageName.fromString(image);
      if (await e.client.image.exists(name)) return;
      try {
        await e.client.image.pull(name, { force: false, platform: undefined });
      } catch (cause) {
        throw new ContainerImageUnavailableError(image, { cause });
      }
    })().catch((err: unknown) => {
      images.delete(image);
      throw err;
    });
    images.set(image, pending);
  }
  return pending;
}

/**
 * The file that tells a run's global teardown that containers were started and must be
 * swept: test workers cannot tell the main process otherwise.
 */
export function runMarker(run: string): string {
  return join(tmpdir(), `coordis-testkit-${run}.containers`);
}

const marked = new Set<string>();
/** Leaves the run's marker once per process and run, when it starts its first container. */
export function markRun(): void {
  const run = process.env.COORDIS_TESTKIT_RUN;
  if (!run || marked.has(run)) return;
  writeFileSync(runMarker(run), `${process.pid}\n`, { flag: 'a' });
  marked.add(run);
}

/** Every container (running or not) whose `label` is `value`, found through the engine. */
export async function labelledContainers(
  e: ContainerEngine,
  label: string,
  value: string,
): Promise<{ id: string; name: string; state: string }[]> {
  const list: ContainerSummary[] = await e.client.container.dockerode.listContainers({
    all: true,
    filters: { label: [`${label}=${value}`] },
  });
  return list.map((c) => ({ id: c.Id, name: c.Labels[CONTAINER_LABELS.node] ?? c.Names[0] ?? c.Id, state: c.State }));
}

/** Every container a run left, so its teardown can remove them. */
export function runContainers(e: ContainerEngine, run: string): Promise<{ id: string; name: string; state: string }[]> {
  return labelledContainers(e, CONTAINER_LABELS.run, run);
}

/** Every network whose `label` is `value`. */
export async function labelledNetworks(e: ContainerEngine, label: string, value: string): Promise<{ id: string; name: string }[]> {
  const list = await engineApi(e).listNetworks({ filters: { label: [`${label}=${value}`] } });
  return list.map((n) => ({ id: n.Id, name: n.Name }));
}

/** Every network a run left, so its teardown can remove them. */
export function runNetworks(e: ContainerEngine, run: string): Promise<{ id: string; name: string }[]> {
  return labelledNetworks(e, CONTAINER_LABELS.run, run);
}
