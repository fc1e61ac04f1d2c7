import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';
import { DEFAULTS } from './defaults.js';
import { NodeStateError, PortInUseError, ServerStartError, TestkitError } from './errors.js';
import { type Info, parseInfo } from './info.js';
import { releasePort } from './ports.js';
import { STDERR_FILE } from './process-runner.js';
import { disownDir } from './reaper.js';
import { type ConfigLine, quoteArg, renderConfig } from './server-config.js';
import type { ServerDriver, ServerRunner } from './server-runner.js';
import { processTag } from './strays.js';
import type { TlsMaterial } from './tls.js';
import type { Placement } from './topology-network.js';
import { redisUrl } from './url.js';
import { waitFor } from './wait.js';

/** A data node (`redis-server`) or a sentinel (`redis-server --sentinel`). */
export type NodeKind = 'redis' | 'sentinel';
/** `paused` is a SIGSTOPped server: it holds its sockets open and answers nothing. */
export type NodeState = 'running' | 'paused' | 'stopped';

/** Credentials a node is reached with. */
export interface NodeAuth {
  readonly username?: string;
  readonly password?: string;
}

/** How to restart a node. */
export interface RestartOptions {
  /**
   * `'graceful'`: SIGTERM, so Redis saves (when persistence is on) and exits cleanly.
   * `'kill'`: SIGKILL, a crash: only what was already on disk survives.
   * @default 'graceful'
   */
  readonly mode?: 'graceful' | 'kill';
  /**
   * `'listening'` resolves as soon as the server accepts connections (it may still be
   * LOADING its dataset); `'ready'` waits until loading is over.
   * @default 'ready'
   */
  readonly waitFor?: 'listening' | 'ready';
  /** Pause between the old process's exit and the new start. @default 0 */
  readonly downMs?: number;
}

/** Where and how to reach a node; a subset of ioredis' options, so it can be spread into them. */
export interface NodeConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls?: TlsConnectionOptions;
}

/** What a node is made from; the topology builders fill it in. */
export interface NodeSpec {
  readonly name: string;
  readonly kind: NodeKind;
  /** The loopback address this process reaches the node at. */
  readonly host: string;
  readonly port: number;
  /** Where the node sits on its topology's network, and the address its peers know it by. */
  readonly placement: Placement;
  readonly dir: string;
  /** Directives beyond the ones every node gets (bind, port, dir, logfile, title). */
  readonly lines: readonly ConfigLine[];
  readonly tls?: TlsMaterial | undefined;
  /** Credentials for admin connections (the testkit's own INFO, ROLE, SENTINEL calls). */
  readonly auth?: NodeAuth | undefined;
  readonly startTimeoutMs?: number | undefined;
  /** Runs the server: a child process or a container. */
  readonly driver: ServerDriver;
}

const LOG_FILE = 'redis.log';

/**
 * A Redis or Sentinel server on a loopback port, with the faults a test can inject; the same
 * whether its driver runs it as a process or in a container.
 */
export class RedisNode {
  readonly name: string;
  readonly kind: NodeKind;
  /** The loopback address this process reaches the node at (`url`, `connectionOptions()`). */
  readonly host: string;
  readonly port: number;
  /**
   * The address the node's peers dial and that it announces, on the same port: `host` on the
   * host's network, its container's address in mapped mode (or a topology's `announceHost`).
   * The topology's `natMap` maps it back to `host`.
   */
  readonly announcedHost: string;
  /** The node's own directory: config, data files, logs. Removed by `stop()`. */
  readonly dir: string;
  readonly tls: TlsMaterial | undefined;
  readonly auth: NodeAuth | undefined;

  #state: NodeState = 'stopped';
  readonly #runner: ServerRunner;
  #admin: Redis | undefined;
  #destroyed = false;
  readonly #lines: readonly ConfigLine[];
  readonly #placement: Placement;
  readonly #startTimeoutMs: number;
  readonly #driverName: 'process' | 'container';

  private constructor(spec: NodeSpec) {
    this.name = spec.name;
    this.kind = spec.kind;
    this.host = spec.host;
    this.port = spec.port;
    this.announcedHost = spec.placement.announcedHost;
    this.#placement = spec.placement;
    this.dir = spec.dir;
    this.tls = spec.tls;
    this.auth = spec.auth;
    this.#lines = spec.lines;
    this.#startTimeoutMs = spec.startTimeoutMs ?? DEFAULTS.startTimeoutMs;
    this.#driverName = spec.driver.name;
    const tlsDirs = spec.tls ? Object.values(spec.tls.files).map((f) => dirname(f)) : [];
    this.#runner = spec.driver.runner({
      name: spec.name,
      kind: spec.kind,
      dir: spec.dir,
      host: spec.host,
      port: spec.port,
      bridge: spec.placement.bridge,
      configPath: this.configPath,
      readDirs: [...new Set(tlsDirs)].filter((d) => d !== spec.dir),
      onExit: () => {
        this.#state = 'stopped';
      },
    });
  }

  /** Writes the node's config and starts it; resolves once it accepts connections. */
  static async launch(spec: NodeSpec): Promise<RedisNode> {
    const node = new RedisNode(spec);
    await writeFile(node.configPath, renderConfig(node.#baseLines()));
    try {
      await node.#spawn('listening');
    } catch (e) {
      // The caller retries elsewhere or gives up: a container must not outlive the attempt.
      await node.#runner.dispose().catch(() => {});
      throw e;
    }
    return node;
  }

  /** The config file; Redis and Sentinel rewrite it (CONFIG REWRITE, failovers) as they run. */
  get configPath(): string {
    return join(this.dir, this.kind === 'sentinel' ? 'sentinel.conf' : 'redis.conf');
  }

  get state(): NodeState {
    return this.#state;
  }

  /** The server's process id while the node runs (with the container driver, its pid on the engine's host). */
  get pid(): number | undefined {
    return this.#state === 'stopped' ? undefined : this.#runner.pid;
  }

  /** Which driver runs the server. */
  get driver(): 'process' | 'container' {
    return this.#driverName;
  }

  /** `host:port`, the form Redis itself prints. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** `redis://` (or `rediss://` when TLS is on) with the node's credentials. */
  get url(): string {
    return redisUrl({ host: this.host, port: this.port, tls: this.tls !== undefined, ...this.auth });
  }

  /** Options for a plain ioredis connection to this node (baselines, benchmarks, tests). */
  connectionOptions(): NodeConnectionOptions {
    const opts: NodeConnectionOptions = { host: this.host, port: this.port };
    if (this.auth?.username) opts.username = this.auth.username;
    if (this.auth?.password) opts.password = this.auth.password;
    if (this.tls) opts.tls = { ca: this.tls.ca, cert: this.tls.clientCert, key: this.tls.clientKey };
    return opts;
  }

  #baseLines(): ConfigLine[] {
    const tlsLines: ConfigLine[] = this.tls
      ? [
          ['port', '0'],
          ['tls-port', String(this.port)],
          ['tls-cert-file', quoteArg(this.tls.files.cert)],
          ['tls-key-file', quoteArg(this.tls.files.key)],
          ['tls-ca-cert-file', quoteArg(this.tls.files.ca)],
          ['tls-replication', 'yes'],
        ]
      : [['port', String(this.port)]];
    const bridge = this.#placement.bridge;
    return [
      ['bind', bridge ? bridge.ip : this.host],
      // Through a published port, connections arrive from the bridge's gateway, not from
      // loopback, which protected mode would refuse; the port is published on loopback only.
      ...(bridge ? ([['protected-mode', 'no']] as const) : []),
      ...tlsLines,
      ['dir', quoteArg(this.dir)],
      ['logfile', quoteArg(join(this.dir, LOG_FILE))],
      ['daemonize', 'no'],
      // The owner's pid in the process title lets anyone find our servers (and strays).
      ['proc-title-template', quoteArg(`{title} {listen-addr} {server-mode} ${processTag()}`)],
      ...this.#lines,
    ];
  }

  async #spawn(until: 'listening' | 'ready'): Promise<void> {
    try {
      await this.#runner.start();
    } catch (e) {
      if (e instanceof TestkitError) throw e;
      throw new ServerStartError(this.#label(), (e as Error).message, '', { cause: e });
    }
    this.#state = 'running';
    await this.#waitUp(until);
  }

  async #waitUp(until: 'listening' | 'ready'): Promise<void> {
    try {
      // An exit ends the wait at once (a thrown probe would only count as "not yet").
      const outcome = await waitFor<'up' | 'exited'>(
        `${this.#label()} accepting connections`,
        async () => {
          if (this.#state === 'stopped') return { done: true, value: 'exited' };
          try {
            await this.call('PING');
          } catch (e) {
            if (await this.#runner.exited()) return { done: true, value: 'exited' };
            // LOADING (and MASTERDOWN on a replica) still means the server is listening.
            if (!(e instanceof Error && /^(LOADING|MASTERDOWN)/.test(e.message))) throw e;
            if (until === 'listening') return { done: true, value: 'up' };
            return { done: false, observed: e.message };
          }
          if (until === 'ready' && this.kind === 'redis') {
            const info = await this.info('persistence');
            if (info.loading === '1') return { done: false, observed: 'LOADING' };
          }
          return { done: true, value: 'up' };
        },
        { timeoutMs: this.#startTimeoutMs },
      );
      if (outcome === 'exited') throw new NodeExitedError();
    } catch (e) {
      const diagnostics = await this.#runner.diagnostics().catch(() => '');
      const tail = [this.logTail(), diagnostics].filter(Boolean).join('\n');
      if (this.#state !== 'stopped') await this.kill();
      if (/Address already in use/i.test(tail)) throw new PortInUseError(this.port, tail);
      throw new ServerStartError(this.#label(), e instanceof NodeExitedError ? 'the server exited' : (e as Error).message, tail, {
        cause: e,
      });
    }
  }

  #label(): string {
    const bridge = this.#placement.bridge;
    const where =
      this.#driverName !== 'container' ? '' : bridge ? `in a container (${bridge.ip} on network ${bridge.network}) ` : 'in a container ';
    return `${this.kind === 'sentinel' ? 'sentinel' : 'redis-server'} ${this.name} ${where}on ${this.address} (dir ${this.dir})`;
  }

  /** The last lines the server wrote to its log and to stderr. */
  logTail(lines = 20): string {
    const read = (file: string) => {
      try {
        return readFileSync(join(this.dir, file), 'utf8');
      } catch {
        return '';
      }
    };
    const all = `${read(LOG_FILE)}${read(STDERR_FILE)}`.split('\n').filter(Boolean);
    return all.slice(-lines).join('\n');
  }

  async #adminConnection(): Promise<Redis> {
    if (this.#admin?.status === 'ready') return this.#admin;
    this.#admin?.disconnect();
    const conn = new Redis({
      ...this.connectionOptions(),
      lazyConnect: true,
      // Admin calls fail fast instead of queueing or retrying: the caller polls.
      enableOfflineQueue: false,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: DEFAULTS.commandTimeoutMs,
      commandTimeout: DEFAULTS.commandTimeoutMs,
    });
    // Failures surface as rejected calls; an 'error' listener keeps them off stderr.
    conn.on('error', () => {});
    this.#admin = conn;
    try {
      await conn.connect();
    } catch (e) {
      conn.disconnect();
      if (this.#admin === conn) this.#admin = undefined;
      throw e;
    }
    return conn;
  }

  /** Runs one command on the node over the testkit's admin connection. */
  async call(command: string, ...args: (string | number | Buffer)[]): Promise<unknown> {
    if (this.#destroyed) throw new NodeStateError(`${this.name} was stopped for good; start a new topology.`);
    const conn = await this.#adminConnection();
    return conn.call(command, args);
  }

  /** INFO (one section or all) as a flat map. */
  async info(section?: string): Promise<Info> {
    const reply = await (section ? this.call('INFO', section) : this.call('INFO'));
    return parseInfo(String(reply));
  }

  /** The first element of ROLE: `master`, `slave` or `sentinel`. */
  async role(): Promise<'master' | 'slave' | 'sentinel'> {
    const reply = (await this.call('ROLE')) as unknown[];
    return String(reply[0]) as 'master' | 'slave' | 'sentinel';
  }

  #closeAdmin(): void {
    this.#admin?.disconnect();
    this.#admin = undefined;
  }

  /** SIGKILL: the server dies at once, like a crashed host. Resolves once it is gone. */
  async kill(): Promise<void> {
    this.#closeAdmin();
    if (this.#state === 'stopped') return;
    await this.#runner.kill();
    this.#state = 'stopped';
  }

  /**
   * SIGSTOP: the server keeps its sockets open and answers nothing, like a hung host. The state
   * is `paused` at once; the signal is delivered when the promise resolves (with the process
   * driver, before pause() returns).
   */
  pause(): Promise<void> {
    if (this.#state !== 'running') throw new NodeStateError(`${this.name} is ${this.#state}; only a running node can be paused.`);
    this.#state = 'paused';
    return this.#runner.signal('SIGSTOP');
  }

  /** SIGCONT: a paused node carries on where it stopped. Like pause(), the state changes at once. */
  resume(): Promise<void> {
    if (this.#state !== 'paused') throw new NodeStateError(`${this.name} is ${this.#state}; only a paused node can be resumed.`);
    this.#state = 'running';
    return this.#runner.signal('SIGCONT');
  }

  /** Starts a node that was killed, on the same port and data directory. */
  async start(opts: Pick<RestartOptions, 'waitFor'> = {}): Promise<void> {
    if (this.#destroyed) throw new NodeStateError(`${this.name} was stopped for good; start a new topology.`);
    if (this.#state !== 'stopped') throw new NodeStateError(`${this.name} is ${this.#state}; kill it before starting it again.`);
    await this.#spawn(opts.waitFor ?? 'ready');
  }

  /** Stops the server (gracefully or by SIGKILL) and starts it again on the same port and data. */
  async restart(opts: RestartOptions = {}): Promise<void> {
    if (this.#state !== 'stopped') {
      if ((opts.mode ?? 'graceful') === 'kill') {
        await this.kill();
      } else {
        if (this.#state === 'paused') await this.resume();
        this.#closeAdmin();
        await this.#runner.terminate(DEFAULTS.faultTimeoutMs);
        this.#state = 'stopped';
      }
    }
    if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
    await this.start({ waitFor: opts.waitFor ?? 'ready' });
  }

  /** Kills the server for good, removes its container (if any) and its directory. */
  async stop(): Promise<void> {
    if (this.#destroyed) return;
    await this.kill();
    this.#destroyed = true;
    await this.#runner.dispose();
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
    disownDir(this.dir);
    releasePort(this.port);
  }
}

class NodeExitedError extends Error {}
