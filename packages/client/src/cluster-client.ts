import { inspect } from 'node:util';
import { Cluster, type ClusterOptions as IoClusterOptions, type Redis } from 'ioredis';
// Types only: ioredis does not re-export these helper types (reply mapping, node) from its root.
import type { ClusterOptionsWithReplyMapping } from 'ioredis/built/cluster/ClusterOptions.js';
import type { ClusterNode } from 'ioredis/built/cluster/index.js';
import type { ReplyMappingFromClusterOptions, ReplyMappingMode } from 'ioredis/built/types.js';
import { positive } from './connect.js';
import type { ClusterSpec, HostPort, TlsSettings } from './connection-spec.js';
import { DEFAULTS } from './defaults.js';
import { dial } from './dial.js';
import { AuthError, ConnectionUnavailableError, CoordisConfigError, TlsError } from './errors.js';
import { clientLogger, type Logger, type LoggerInput } from './logger.js';
import { formatAddress, mapAddress, type NatMap } from './nat-map.js';
import { redactUrl } from './secret.js';
import { type ResolvedTls, resolveTls, tlsConnectOptions } from './tls-options.js';
import { parseRedisUrl } from './url.js';

/** What ioredis' Cluster constructor takes, with the legacy (RESP2-shaped) replies coordis reads. */
type ClusterConstructorOptions = ClusterOptionsWithReplyMapping<'legacy'>;

/** The ioredis Cluster options coordis owns; everything else passes through. */
export type ClusterPassThroughOptions = Omit<
  IoClusterOptions,
  | 'redisOptions'
  | 'natMap'
  | 'lazyConnect'
  | 'clusterRetryStrategy'
  | 'enableOfflineQueue'
  | 'enableReadyCheck'
  | 'maxRedirections'
  | 'retryDelayOnFailover'
  | 'retryDelayOnClusterDown'
  | 'retryDelayOnTryAgain'
  | 'retryDelayOnMoved'
  | 'slotsRefreshInterval'
  | 'slotsRefreshTimeout'
>;

/** Options of `connectCluster()`; each has a default in DEFAULTS with its reason. */
export interface ClusterClientOptions {
  /** A pino logger; coordis logs through a child of it, with credentials redacted. @default silent */
  readonly logger?: LoggerInput;
  /**
   * Rewrites the addresses the nodes announce in CLUSTER SLOTS (NAT, containers):
   * `{ 'ip:port': { host, port } }` or a function. Seeds are mapped too.
   */
  readonly natMap?: NatMap;
  /** TLS towards every node, merged over what the URL says (`rediss+cluster://`, `tls=true`). */
  readonly tls?: TlsSettings;
  /** @default 5000 */
  readonly connectTimeoutMs?: number;
  /** A reply later than this rejects the command (blocking commands exempt). @default off */
  readonly commandTimeoutMs?: number;
  /** TCP keepalive initial delay. @default 15000 */
  readonly keepAliveMs?: number;
  /** @default 10000 */
  readonly initialConnectTimeoutMs?: number;
  /** CLIENT SETNAME on every node connection. */
  readonly clientName?: string;
  /** Further ioredis Cluster options (scaleReads, keyPrefix via redis, …); the ones coordis owns are not accepted. */
  readonly redis?: ClusterPassThroughOptions;
}

/**
 * An ioredis `Cluster` with coordis' defaults: keepalive, failover-length retries, natMap,
 * and no password in inspect output, JSON or logs. Every ioredis Cluster command works.
 */
export class CoordisCluster extends Cluster {
  readonly #description: string;
  readonly #logger: Logger;
  /** The options as given, password included: for duplicate(), since the visible copy hides it. */
  readonly #ioOptions: ClusterConstructorOptions;
  readonly #startupNodes: readonly HostPort[];
  /** Set by disconnect() and quit(), cleared by connect(): no periodic slots refresh is re-armed meanwhile. */
  #closing = false;

  /** @internal Use {@link connectCluster}. */
  constructor(startupNodes: readonly HostPort[], options: ClusterConstructorOptions, description: string, logger: Logger) {
    super(
      startupNodes.map((n) => ({ host: n.host, port: n.port })),
      options,
    );
    this.#description = description;
    this.#logger = logger;
    this.#ioOptions = options;
    this.#startupNodes = startupNodes;
    // The connection pool copied redisOptions in the constructor; the copy left visible on
    // `options` keeps the password out of inspect(cluster.options) and JSON.stringify.
    if (this.options.redisOptions) {
      const visible = { ...this.options.redisOptions };
      if ('password' in visible) Object.defineProperty(visible, 'password', { enumerable: false, value: visible.password });
      this.options.redisOptions = visible;
    }
    this.on('+node', (node: Redis) => logger.debug({ node: nodeName(node) }, 'cluster node added'));
    this.on('-node', (node: Redis) => logger.info({ node: nodeName(node) }, 'cluster node removed'));
    this.on('node error', (e: Error, node: string) => logger.warn({ node, err: e.message }, 'cluster node error'));
    this.on('refresh', () => logger.debug('cluster slots refreshed'));
    this.#guardSlotsRefresh();
  }

  /**
   * ioredis 6 re-arms its periodic slots refresh from the callback of the refresh in flight, even
   * when disconnect() came meanwhile (the refresh ends with "Cluster is disconnected" and calls
   * it all the same): the disconnected cluster then keeps a 5-second timer forever and the
   * process never exits. Seen with 16 clients on a busy event loop; this replaces the method on
   * the instance with one that stops re-arming once the client was told to close.
   */
  #guardSlotsRefresh(): void {
    const self = this as unknown as {
      slotsTimer: NodeJS.Timeout | null;
      refreshSlotsCache(callback: () => void): void;
      resetNodesRefreshInterval(): void;
    };
    self.resetNodesRefreshInterval = () => {
      const intervalMs = this.options.slotsRefreshInterval;
      if (self.slotsTimer || !intervalMs) return;
      const nextRound = (): void => {
        if (this.#closing) {
          self.slotsTimer = null;
          return;
        }
        self.slotsTimer = setTimeout(() => self.refreshSlotsCache(nextRound), intervalMs);
      };
      nextRound();
    };
  }

  override connect(): Promise<void> {
    this.#closing = false;
    return super.connect();
  }

  override disconnect(reconnect = false): void {
    if (!reconnect) this.#closing = true;
    super.disconnect(reconnect);
  }

  override quit(callback?: Parameters<Cluster['quit']>[0]): Promise<'OK'> {
    this.#closing = true;
    return super.quit(callback);
  }

  /** The logger this cluster writes to. */
  get logger(): Logger {
    return this.#logger;
  }

  /** A new cluster client with the same seeds and options (password included), not yet connected. */
  override duplicate<Override extends ClusterOptionsWithReplyMapping<ReplyMappingMode> | undefined = undefined>(
    overrideStartupNodes: ClusterNode[] = [],
    overrideOptions?: Override,
  ): CoordisCluster & Cluster<ReplyMappingFromClusterOptions<'legacy', Override>> {
    const seeds = overrideStartupNodes.length > 0 ? overrideStartupNodes.flatMap((n) => (typeof n === 'object' ? [n] : [])) : [];
    // Built lazy, so the constructor does not connect before this class's fields exist; a
    // duplicate asked to connect at once does so right after.
    const options = {
      ...this.#ioOptions,
      ...(overrideOptions ?? {}),
      lazyConnect: true,
      redisOptions: { ...this.#ioOptions.redisOptions, ...(overrideOptions?.redisOptions ?? {}) },
    } as ClusterConstructorOptions;
    const copy = new CoordisCluster(
      seeds.length > 0 ? seeds.map((n) => ({ host: n.host ?? '127.0.0.1', port: n.port ?? DEFAULTS.port })) : this.#startupNodes,
      options,
      this.#description,
      this.#logger,
    );
    if (overrideOptions?.lazyConnect === false) copy.connect().catch(() => {});
    return copy as CoordisCluster & Cluster<ReplyMappingFromClusterOptions<'legacy', Override>>;
  }

  [inspect.custom](): string {
    return `CoordisCluster { target: ${this.#description}, status: ${this.status}, nodes: ${this.nodes('all').length} }`;
  }
}

function nodeName(node: Redis): string {
  return `${node.options.host ?? '?'}:${node.options.port ?? '?'}`;
}

function describeCluster(spec: ClusterSpec, source: string | undefined): string {
  if (source) return redactUrl(source);
  return `${spec.tls ? 'rediss' : 'redis'}+cluster://${spec.nodes.map(formatAddress).join(',')}`;
}

/** Parses a cluster URL, or says which function takes the URL it was given instead. */
function clusterSpecOf(target: string | ClusterSpec): ClusterSpec {
  if (typeof target !== 'string') return target;
  const spec = parseRedisUrl(target);
  if (spec.mode !== 'cluster') {
    throw new CoordisConfigError(
      'scheme',
      `connectCluster() was given a ${spec.mode} URL (${redactUrl(target)}): use connect() for one primary, or a redis+cluster:// URL for a Cluster.`,
    );
  }
  return spec;
}

/** The failover-length retry delay: exponential from reconnectBaseMs to reconnectMaxMs, jittered. */
function clusterRetryDelay(attempt: number): number {
  return Math.min(DEFAULTS.reconnectBaseMs * 2 ** attempt, DEFAULTS.reconnectMaxMs) * (0.5 + Math.random() / 2);
}

/** Builds the cluster client without connecting; `connectCluster()` is the public way. */
export function createCluster(target: string | ClusterSpec, options: ClusterClientOptions = {}): CoordisCluster {
  const spec = clusterSpecOf(target);
  const description = describeCluster(spec, typeof target === 'string' ? target : undefined);
  const logger = clientLogger(options.logger, { target: description });
  const tlsSettings = spec.tls || options.tls ? { ...(spec.tls ?? {}), ...(options.tls ?? {}) } : undefined;
  // No host: each node is verified against the name it is dialled by (Node's default), unless
  // a servername is fixed.
  const resolvedTls = tlsSettings ? resolveTls(tlsSettings, 'tls') : undefined;
  const tls = resolvedTls ? tlsConnectOptions(resolvedTls, '') : undefined;
  const commandTimeout = options.commandTimeoutMs ?? spec.tuning.commandTimeoutMs;
  const name = options.clientName ?? spec.tuning.clientName;
  const natMap = options.natMap;
  const ioOptions: ClusterConstructorOptions = {
    ...(options.redis ?? {}),
    lazyConnect: true,
    enableOfflineQueue: true,
    enableReadyCheck: true,
    clusterRetryStrategy: clusterRetryDelay,
    maxRedirections: DEFAULTS.clusterMaxRedirections,
    retryDelayOnFailover: DEFAULTS.clusterRetryDelayMs,
    retryDelayOnClusterDown: DEFAULTS.clusterRetryDelayMs,
    retryDelayOnTryAgain: DEFAULTS.clusterRetryDelayMs,
    retryDelayOnMoved: DEFAULTS.clusterRetryDelayOnMovedMs,
    slotsRefreshInterval: DEFAULTS.clusterSlotsRefreshMs,
    slotsRefreshTimeout: DEFAULTS.clusterSlotsRefreshTimeoutMs,
    ...(natMap
      ? {
          natMap: (key: string) => {
            const i = key.lastIndexOf(':');
            const announced = { host: key.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(key.slice(i + 1)) };
            const mapped = mapAddress(natMap, announced);
            return mapped === announced ? null : { host: mapped.host, port: mapped.port };
          },
        }
      : {}),
    redisOptions: {
      keepAlive: positive('keepAliveMs', options.keepAliveMs ?? spec.tuning.keepAliveMs, DEFAULTS.keepAliveMs, true),
      noDelay: DEFAULTS.noDelay,
      connectTimeout: positive('connectTimeoutMs', options.connectTimeoutMs ?? spec.tuning.connectTimeoutMs, DEFAULTS.connectTimeoutMs),
      ...(commandTimeout === undefined ? {} : { commandTimeout: positive('commandTimeoutMs', commandTimeout, 0) }),
      ...(spec.username ? { username: spec.username } : {}),
      ...(spec.password ? { password: spec.password.reveal() } : {}),
      ...(name ? { connectionName: name } : {}),
      ...(tls ? { tls } : {}),
    },
  };
  const seeds = spec.nodes.map((n) => mapAddress(natMap, n));
  const cluster = new CoordisCluster(seeds, ioOptions, description, logger);
  if (resolvedTls) tlsOf.set(cluster, resolvedTls);
  return cluster;
}

/** TLS settings of clusters made here, for the first-connect diagnosis. */
const tlsOf = new WeakMap<CoordisCluster, ResolvedTls>();

/**
 * ioredis reads CLUSTER SLOTS on a connection whose errors it discards, so a failed TLS
 * handshake shows only as "Connection is closed". One handshake with a seed tells why.
 */
function diagnoseTls(seed: HostPort, tls: ResolvedTls): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const socket = dial(seed, tls);
    const done = (e: Error | undefined) => {
      socket.destroy();
      resolve(e);
    };
    socket.setTimeout(DEFAULTS.connectTimeoutMs, () => done(undefined));
    socket.once('secureConnect', () => done(undefined));
    socket.once('error', (e: Error) => done(/ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|ETIMEDOUT/.test(e.message) ? undefined : e));
  });
}

/** The typed error for a failed first connection, from what the nodes answered. */
function connectError(e: Error, description: string): Error {
  const last = (e as { lastNodeError?: Error }).lastNodeError ?? e;
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(last.message)) return new AuthError('data', description, last);
  if (
    /certificate|self[- ]signed|SSL|TLS|handshake|wrong version number/i.test(last.message) ||
    /^ERR_TLS|^ERR_SSL|CERT/.test((last as NodeJS.ErrnoException).code ?? '')
  ) {
    return new TlsError(description, last);
  }
  return e;
}

/**
 * Connects to a Redis Cluster from a `redis+cluster://host:port,host:port` URL (or
 * `rediss+cluster://`, or a parsed {@link ClusterSpec}) and resolves once the slots are known
 * and the cluster reports `cluster_state:ok`. It rejects with a typed error — at once for a
 * wrong password or certificate, after `initialConnectTimeoutMs` when no seed answers — and
 * leaves nothing open behind. MOVED and ASK are followed, and a master's failover is ridden
 * out: commands for its slots wait and retry until a replica is promoted.
 */
export async function connectCluster(target: string | ClusterSpec, options: ClusterClientOptions = {}): Promise<CoordisCluster> {
  const cluster = createCluster(target, options);
  const deadlineMs = positive('initialConnectTimeoutMs', options.initialConnectTimeoutMs, DEFAULTS.initialConnectTimeoutMs);
  const description = describeCluster(clusterSpecOf(target), typeof target === 'string' ? target : undefined);
  await new Promise<void>((resolve, reject) => {
    let last: Error | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      cluster.off('error', onError);
      cluster.off('node error', onError);
      cluster.off('ready', onReady);
    };
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      cluster.disconnect();
      reject(e);
    };
    let diagnosed = false;
    const onError = (e: Error) => {
      last = connectError(e, description);
      if (last instanceof AuthError || last instanceof TlsError) {
        fail(last);
        return;
      }
      const tls = tlsOf.get(cluster);
      const seed = clusterSpecOf(target).nodes[0];
      if (tls && seed && !diagnosed) {
        diagnosed = true;
        diagnoseTls(mapAddress(options.natMap, seed), tls).then((tlsError) => {
          if (tlsError) fail(new TlsError(formatAddress(seed), tlsError));
        });
      }
    };
    const onReady = () => {
      settled = true;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => fail(new ConnectionUnavailableError('connectCluster()', deadlineMs, { cause: last })), deadlineMs);
    cluster.on('error', onError);
    cluster.on('node error', onError);
    cluster.once('ready', onReady);
    // ioredis rejects connect() at the first failed refresh but keeps retrying; 'ready' decides.
    cluster.connect().catch(() => {});
  });
  return cluster;
}
