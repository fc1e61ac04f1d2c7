import type { ConnectionSpec, PrimarySpec, TlsSettings } from './connection-spec.js';
import type { ClientContext, ClientOptionsBase, DurableOptions, PassThroughOptions } from './coordis-redis.js';
import { CoordisClient } from './coordis-redis.js';
import { DEFAULTS } from './defaults.js';
import type { DeliveryPolicy } from './delivery.js';
import { ConnectionUnavailableError, CoordisConfigError, hasCode } from './errors.js';
import { clientLogger, type LoggerInput } from './logger.js';
import { formatAddress, mapAddress, type NatMap } from './nat-map.js';
import { redactUrl } from './secret.js';
import { resolveTls } from './tls-options.js';
import { parseRedisUrl } from './url.js';

/** Options of `connect()`; each has a default in DEFAULTS with its reason. */
export interface ClientOptions {
  /** A pino logger; coordis logs through a child of it, with credentials redacted. @default silent */
  readonly logger?: LoggerInput;
  /** What happens to commands in flight when a connection dies. @default 'safe' */
  readonly delivery?: DeliveryPolicy;
  /** Confirm every write only once this many replicas have it (WAIT). @default off */
  readonly durable?: DurableOptions;
  /** Rewrites addresses Sentinel announces (NAT, containers): `{ 'ip:port': { host, port } }` or a function. */
  readonly natMap?: NatMap;
  /** TLS towards the data nodes, merged over what the URL says (`rediss://`, `tls=true`). */
  readonly tls?: TlsSettings;
  /** TLS towards the sentinels, merged over what the URL says. */
  readonly sentinelTls?: TlsSettings;
  /** @default 5000 */
  readonly connectTimeoutMs?: number;
  /** A reply later than this rejects the command (blocking commands exempt). @default off */
  readonly commandTimeoutMs?: number;
  /** TCP keepalive initial delay. @default 15000 */
  readonly keepAliveMs?: number;
  /** @default 15000 */
  readonly offlineQueueTimeoutMs?: number;
  /** @default 60000 */
  readonly retryDeadlineMs?: number;
  /** @default 10000 */
  readonly initialConnectTimeoutMs?: number;
  /** @default 10000; 0 turns the backstop poll off */
  readonly sentinelPollMs?: number;
  /** @default 3 */
  readonly sentinelSubscriptions?: number;
  /** @default 1000 */
  readonly sentinelCommandTimeoutMs?: number;
  /**
   * Route writes only while at least this many sentinels agree on the primary; otherwise they
   * reject with NoQuorumError (reads still go). @default 1 (the best single answer)
   */
  readonly sentinelQuorum?: number;
  /** PING a link that has been silent this long; 0 turns the heartbeat off. @default 1000 */
  readonly heartbeatMs?: number;
  /** An unanswered PING makes the link suspect after this long. @default 2000 */
  readonly heartbeatTimeoutMs?: number;
  /** CLIENT SETNAME on every connection. */
  readonly clientName?: string;
  /** Further ioredis options (keyPrefix, enableAutoPipelining, …); the ones coordis owns are not accepted. */
  readonly redis?: PassThroughOptions;
}

function merge(a: TlsSettings | undefined, b: TlsSettings | undefined): TlsSettings | undefined {
  if (!a && !b) return undefined;
  return { ...(a ?? {}), ...(b ?? {}) };
}

/** An option in milliseconds, validated once at the boundary; `fallback` when not given. */
export function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new CoordisConfigError(`options.${name}`, `${name} must be a positive number of milliseconds, got ${value}.`);
  }
  return value;
}

function quorum(value: number | undefined, sentinels: number): number {
  if (value === undefined) return 1;
  if (!Number.isInteger(value) || value < 1 || value > Math.max(sentinels, 1)) {
    throw new CoordisConfigError(
      'options.sentinelQuorum',
      `sentinelQuorum must be a whole number from 1 to the number of sentinels given (${sentinels}), got ${value}.`,
    );
  }
  return value;
}

/** The spec of one primary; a cluster URL is refused with the function that takes it. */
function primarySpecOf(target: string | ConnectionSpec): PrimarySpec {
  const spec = typeof target === 'string' ? parseRedisUrl(target) : target;
  if (spec.mode === 'cluster') {
    throw new CoordisConfigError(
      'scheme',
      `connect() was given a Redis Cluster${typeof target === 'string' ? ` URL (${redactUrl(target)})` : ''}: use connectCluster() for a Cluster.`,
    );
  }
  return spec;
}

function describe(spec: PrimarySpec, source: string | undefined): string {
  if (source) return redactUrl(source);
  if (spec.mode === 'socket') return `unix://${spec.path}`;
  if (spec.mode === 'standalone') return `${spec.tls ? 'rediss' : 'redis'}://${formatAddress(spec)}`;
  return `redis-sentinel://${spec.sentinels.map(formatAddress).join(',')}/?name=${spec.masterName}`;
}

/** Builds the client and its shared context without connecting; `connect()` is the public way. */
export function createClient(target: string | ConnectionSpec, options: ClientOptions = {}): CoordisClient {
  const spec = primarySpecOf(target);
  const description = describe(spec, typeof target === 'string' ? target : undefined);
  const logger = clientLogger(options.logger, { target: description });
  const connectTimeoutMs = positive(
    'connectTimeoutMs',
    options.connectTimeoutMs ?? spec.tuning.connectTimeoutMs,
    DEFAULTS.connectTimeoutMs,
  );
  const keepAliveMs = positive('keepAliveMs', options.keepAliveMs ?? spec.tuning.keepAliveMs, DEFAULTS.keepAliveMs, true);
  const commandTimeout = options.commandTimeoutMs ?? spec.tuning.commandTimeoutMs;
  const durable = options.durable;
  if (durable && (!Number.isInteger(durable.replicas) || durable.replicas < 1 || !(durable.timeoutMs > 0))) {
    throw new CoordisConfigError('options.durable', `durable needs replicas >= 1 and timeoutMs > 0, got ${JSON.stringify(durable)}.`);
  }
  const tls = merge(spec.tls, options.tls);
  const dataTls = tls ? resolveTls(tls, 'tls') : undefined;
  const ctx: ClientContext = {
    target:
      spec.mode === 'sentinel'
        ? {
            kind: 'sentinel',
            role: spec.role,
            tls: dataTls,
            watch: {
              sentinels: spec.sentinels.map((s) => mapAddress(options.natMap, s)),
              masterName: spec.masterName,
              username: spec.sentinelUsername,
              password: spec.sentinelPassword,
              tls:
                spec.sentinelTls || options.sentinelTls
                  ? resolveTls(merge(spec.sentinelTls, options.sentinelTls) ?? {}, 'sentinelTls')
                  : undefined,
              natMap: options.natMap,
              commandTimeoutMs: positive('sentinelCommandTimeoutMs', options.sentinelCommandTimeoutMs, DEFAULTS.sentinelCommandTimeoutMs),
              connectTimeoutMs,
              subscriptions: positive('sentinelSubscriptions', options.sentinelSubscriptions, DEFAULTS.sentinelSubscriptions, true),
              pollMs: positive('sentinelPollMs', options.sentinelPollMs, DEFAULTS.sentinelPollMs, true),
              quorum: quorum(options.sentinelQuorum, spec.sentinels.length),
              logger,
            },
          }
        : { kind: 'direct', address: spec.mode === 'socket' ? { path: spec.path } : { host: spec.host, port: spec.port }, tls: dataTls },
    description,
    logger,
    delivery: options.delivery ?? DEFAULTS.delivery,
    durable,
    offlineQueueTimeoutMs: positive('offlineQueueTimeoutMs', options.offlineQueueTimeoutMs, DEFAULTS.offlineQueueTimeoutMs),
    retryDeadlineMs: positive('retryDeadlineMs', options.retryDeadlineMs, DEFAULTS.retryDeadlineMs),
    commandTimeoutMs: commandTimeout === undefined ? undefined : positive('commandTimeoutMs', commandTimeout, 0),
    reconnectBaseMs: DEFAULTS.reconnectBaseMs,
    reconnectMaxMs: DEFAULTS.reconnectMaxMs,
    heartbeatMs: positive('heartbeatMs', options.heartbeatMs, DEFAULTS.heartbeatMs, true),
    heartbeatTimeoutMs: positive('heartbeatTimeoutMs', options.heartbeatTimeoutMs, DEFAULTS.heartbeatTimeoutMs),
    sentinelQuorum: spec.mode === 'sentinel' ? quorum(options.sentinelQuorum, spec.sentinels.length) : 1,
  };
  const name = options.clientName ?? spec.tuning.clientName;
  const base: ClientOptionsBase = {
    ...(options.redis ?? {}),
    db: spec.db,
    keepAlive: keepAliveMs,
    noDelay: DEFAULTS.noDelay,
    connectTimeout: connectTimeoutMs,
    ...(spec.username ? { username: spec.username } : {}),
    ...(spec.password ? { password: spec.password.reveal() } : {}),
    ...(name ? { connectionName: name } : {}),
  };
  return new CoordisClient(base, ctx);
}

// Errors that waiting cannot fix: report them at once instead of after the deadline.
const DEFINITIVE = ['COORDIS_AUTH', 'COORDIS_MASTER_NAME_UNKNOWN', 'COORDIS_TLS', 'COORDIS_CONFIG'];

/**
 * Connects to Redis from a URL (`redis://`, `rediss://`, `redis-sentinel://`, `unix://`) or
 * a parsed spec (a Redis Cluster is `connectCluster()`'s), and resolves once the connection is verified (primary role, dataset
 * loaded). It rejects with a typed error — at once for a wrong master name, password or
 * certificate, after `initialConnectTimeoutMs` when nothing answers — and leaves nothing
 * open behind. The client is an ioredis `Redis`: every ioredis command works.
 */
export async function connect(target: string | ConnectionSpec, options: ClientOptions = {}): Promise<CoordisClient> {
  const client = createClient(target, options);
  const deadlineMs = positive('initialConnectTimeoutMs', options.initialConnectTimeoutMs, DEFAULTS.initialConnectTimeoutMs);
  await new Promise<void>((resolve, reject) => {
    let last: Error | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      client.events.off('error', onError);
      client.off('ready', onReady);
    };
    const fail = (e: Error) => {
      cleanup();
      client.disconnect();
      reject(e);
    };
    const onError = (e: Error) => {
      last = e;
      if (DEFINITIVE.some((code) => hasCode(e, code))) fail(e);
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => fail(last ?? new ConnectionUnavailableError('connect()', deadlineMs)), deadlineMs);
    client.events.on('error', onError);
    client.once('ready', onReady);
    // ioredis rejects connect() at the first closed attempt but keeps retrying; 'ready' decides.
    client.connect().catch(() => {});
  });
  return client;
}
