import type { Secret } from './secret.js';

/** A host and a port. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * TLS towards one side (data nodes or sentinels). Certificates are verified by default;
 * `insecureSkipVerify: true` is the one, explicit way to turn that off.
 */
export interface TlsSettings {
  /** CA certificates (PEM) to trust instead of the system's. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Path of a PEM file of CA certificates (the URL's `tlsCaFile`). */
  readonly caFile?: string;
  /** Client certificate (PEM), for servers with `tls-auth-clients yes`. */
  readonly cert?: string | Buffer;
  readonly certFile?: string;
  /** Client key (PEM). A Secret keeps it out of logs and inspect output. */
  readonly key?: string | Buffer | Secret;
  readonly keyFile?: string;
  /**
   * The name the server certificate must carry. By default, the host actually dialled
   * (after any natMap), so each node is checked against its own name.
   */
  readonly servername?: string;
  /** Accept any certificate. Only for tests against throwaway servers. @default false */
  readonly insecureSkipVerify?: boolean;
}

/** Client settings a URL's query may carry. */
export interface UrlTuning {
  readonly clientName?: string;
  readonly connectTimeoutMs?: number;
  readonly commandTimeoutMs?: number;
  readonly keepAliveMs?: number;
}

interface SpecBase {
  /** Logical database (SELECT). Sentinel and standalone only; Cluster has only 0. */
  readonly db: number;
  readonly username?: string;
  readonly password?: Secret;
  /** TLS towards the data nodes; absent means plaintext. */
  readonly tls?: TlsSettings;
  readonly tuning: UrlTuning;
}

/** One server at a host and port (`redis://`, `rediss://`). */
export interface StandaloneSpec extends SpecBase {
  readonly mode: 'standalone';
  readonly host: string;
  readonly port: number;
}

/** One server on a Unix socket (`unix:///run/redis.sock`). */
export interface SocketSpec extends SpecBase {
  readonly mode: 'socket';
  readonly path: string;
}

/** A primary (or replica) found through Sentinel (`redis-sentinel://`). */
export interface SentinelSpec extends SpecBase {
  readonly mode: 'sentinel';
  readonly sentinels: readonly HostPort[];
  readonly masterName: string;
  /** Connect to the primary, or to a replica for reads. @default 'master' */
  readonly role: 'master' | 'replica';
  /** Sentinels' own credentials, apart from the data nodes'. */
  readonly sentinelUsername?: string;
  readonly sentinelPassword?: Secret;
  /** TLS towards the sentinels; absent means plaintext. */
  readonly sentinelTls?: TlsSettings;
}

/**
 * A Redis Cluster reached through seed nodes (`redis+cluster://`, `rediss+cluster://`); the
 * other nodes are discovered from them. Cluster has database 0 only, so there is no `db`.
 */
export interface ClusterSpec extends Omit<SpecBase, 'db'> {
  readonly mode: 'cluster';
  /** Seed nodes: any reachable one is enough to learn the cluster. */
  readonly nodes: readonly HostPort[];
}

/** One primary, alone or followed through Sentinel: what `connect()` takes. */
export type PrimarySpec = StandaloneSpec | SocketSpec | SentinelSpec;

/** Where and how to connect, validated: what `parseRedisUrl` and `connectionFromEnv` return. */
export type ConnectionSpec = PrimarySpec | ClusterSpec;
