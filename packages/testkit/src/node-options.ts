import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from './defaults.js';
import { type DriverOptions, resolveDriver } from './driver.js';
import { PortInUseError, TestkitOptionsError } from './errors.js';
import type { NetworkMode } from './network-mode.js';
import { allocatePort, releasePort } from './ports.js';
import { disownDir, ownDir } from './reaper.js';
import { type NodeAuth, type NodeSpec, RedisNode } from './redis-node.js';
import { type ConfigLine, configLines, quoteArg, type ServerConfig } from './server-config.js';
import type { ServerDriver } from './server-runner.js';
import { generateCertificates, type TlsMaterial } from './tls.js';

/** An ACL user created on every data node. */
export interface AclUser {
  readonly name: string;
  readonly password: string;
  /** ACL rules after the password. @default '~* &* +@all' */
  readonly rules?: string;
}

/** TLS for a topology: certificates are generated unless you pass your own. */
export interface TlsOptions {
  /** Whether servers demand a client certificate. @default 'optional' */
  readonly clientAuth?: 'no' | 'optional' | 'yes';
  /** Use these certificates instead of generating a fresh CA. */
  readonly material?: TlsMaterial;
}

/** Options every topology takes for its data nodes, and where its servers run. */
export interface ServerOptions extends DriverOptions {
  /**
   * Loopback address to bind, `127.0.0.1` or another address in 127.0.0.0/8 (Linux routes
   * all of it to loopback), useful for address-mapping tests. @default '127.0.0.1'
   */
  readonly host?: string;
  /** Password of the default user (`requirepass`); replicas and sentinels use it too. */
  readonly password?: string;
  /** Extra ACL users on every data node. */
  readonly users?: readonly AclUser[];
  /** Name of one of `users` to put in the topology's URL instead of the default user. */
  readonly urlUser?: string;
  /** TLS on every port (`rediss://`); `true` generates a CA and certificates. */
  readonly tls?: boolean | TlsOptions;
  /**
   * redis.conf directives for every data node, after the testkit's own (so they win):
   * `{ 'maxmemory-policy': 'noeviction', appendonly: 'yes', save: '60 1' }`. The testkit's
   * defaults are no persistence (`save ""`, `appendonly no`) and no sync delay.
   */
  readonly config?: ServerConfig;
  /** Time for each process to start listening. @default 15000 */
  readonly startTimeoutMs?: number;
  /** Time for the whole topology to become healthy. @default 30000 */
  readonly readyTimeoutMs?: number;
}

/** Server options with defaults applied and certificates generated. */
export interface ResolvedServerOptions {
  readonly driver: ServerDriver;
  /** How the host reaches the servers: the driver's answer, `auto` settled. */
  readonly network: NetworkMode;
  readonly host: string;
  readonly password: string | undefined;
  readonly users: readonly AclUser[];
  readonly urlAuth: NodeAuth | undefined;
  readonly tls: TlsMaterial | undefined;
  readonly tlsClientAuth: 'no' | 'optional' | 'yes';
  readonly config: ServerConfig;
  readonly startTimeoutMs: number;
  readonly readyTimeoutMs: number;
}

function validateHost(host: string): void {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && host !== '::1') {
    throw new TestkitOptionsError(`host ${host} is not a loopback address; test servers listen on 127.0.0.0/8 or ::1 only.`);
  }
}

export async function resolveServerOptions(opts: ServerOptions): Promise<ResolvedServerOptions> {
  const host = opts.host ?? DEFAULTS.host;
  validateHost(host);
  const driver = resolveDriver(opts);
  // A missing redis-server, engine or image fails here, before any port or directory is taken.
  const network = await driver.ready();
  const users = opts.users ?? [];
  let urlAuth: NodeAuth | undefined = opts.password ? { password: opts.password } : undefined;
  if (opts.urlUser) {
    const user = users.find((u) => u.name === opts.urlUser);
    if (!user)
      throw new TestkitOptionsError(
        `urlUser ${opts.urlUser} is not one of users (${users.map((u) => u.name).join(', ') || 'none given'}).`,
      );
    urlAuth = { username: user.name, password: user.password };
  }
  const tlsOpts: TlsOptions | undefined = opts.tls === true ? {} : opts.tls || undefined;
  const tls = tlsOpts ? (tlsOpts.material ?? (await generateCertificates({ hosts: [host, 'localhost'] }))) : undefined;
  return {
    driver,
    network,
    host,
    password: opts.password,
    users,
    urlAuth,
    tls,
    tlsClientAuth: tlsOpts?.clientAuth ?? 'optional',
    config: opts.config ?? {},
    startTimeoutMs: opts.startTimeoutMs ?? DEFAULTS.startTimeoutMs,
    readyTimeoutMs: opts.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs,
  };
}

/** The directives every data node gets, before the caller's pass-through config. */
export function dataNodeLines(o: ResolvedServerOptions, extra: readonly ConfigLine[] = []): ConfigLine[] {
  const lines: ConfigLine[] = [
    // No persistence unless asked for: tests start empty and stop fast.
    ['save', '""'],
    ['appendonly', 'no'],
    // Disk-based sync: with test-sized datasets the RDB is written in milliseconds, and the
    // replica streams at once. Diskless sync holds the stream back until the replica's first
    // REPLCONF ACK (up to 1 s), during which a failover would lose every write.
    ['repl-diskless-sync', 'no'],
    ['repl-diskless-sync-delay', '0'],
    // DEBUG SLEEP / POPULATE / RELOAD are how tests make a slow or LOADING server. Through a
    // published port a call arrives from the bridge's gateway, which 'local' refuses; the port
    // is published on loopback only, so 'yes' opens it to nothing beyond this machine either.
    ['enable-debug-command', o.network === 'mapped' ? 'yes' : 'local'],
  ];
  if (o.password) lines.push(['requirepass', quoteArg(o.password)], ['masterauth', quoteArg(o.password)]);
  for (const u of o.users) lines.push(['user', quoteArg(u.name), 'on', quoteArg(`>${u.password}`), u.rules ?? '~* &* +@all']);
  if (o.tls) lines.push(['tls-auth-clients', o.tlsClientAuth]);
  lines.push(...extra, ...configLines(o.config));
  return lines;
}

/** A new temporary directory for one node, removed with the process if nothing else does. */
export async function nodeDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `coordis-testkit-${name}-`));
  ownDir(dir);
  return dir;
}

/**
 * Launches a node on a free port, retrying on another port when a parallel test process
 * takes the first one between allocation and bind.
 */
export async function launchOnFreePort(
  name: string,
  host: string,
  make: (port: number) => Omit<NodeSpec, 'port' | 'dir' | 'host' | 'name'>,
): Promise<RedisNode> {
  for (let attempt = 1; ; attempt++) {
    const port = await allocatePort(host);
    const dir = await nodeDir(name);
    try {
      return await RedisNode.launch({ ...make(port), name, host, port, dir });
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      disownDir(dir);
      releasePort(port);
      if (!(e instanceof PortInUseError) || attempt >= 5) throw e;
    }
  }
}

/** Stops nodes in parallel; used by every topology's `stop()` and by failed starts. */
export async function stopAll(nodes: readonly RedisNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.stop()));
}
