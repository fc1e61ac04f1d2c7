import type { ConnectionOptions } from 'node:tls';
import {
  type ConnectionSpec,
  CoordisConfigError,
  type HostPort,
  parseRedisUrl,
  redactUrl,
  Secret,
  type TlsSettings,
} from '@coordis/client';
import type { Cluster, Redis } from 'ioredis';
import { formatHostPort, parseHostPort } from './address.js';
import { DoctorOptionsError } from './errors.js';
import type { NodeCredentials, NodeTarget } from './node-connection.js';

/** What the doctor inspects and with which credentials. */
export type DoctorTarget =
  | {
      readonly kind: 'direct';
      /** The node the URL names; `fallbacks` are tried in order when it does not answer (cluster seeds). */
      readonly node: NodeTarget;
      readonly fallbacks: readonly NodeTarget[];
      readonly dataCreds: NodeCredentials;
      readonly description: string;
    }
  | {
      readonly kind: 'sentinel';
      readonly sentinels: readonly HostPort[];
      readonly masterName: string;
      readonly dataCreds: NodeCredentials;
      readonly sentinelCreds: NodeCredentials;
      readonly description: string;
    };

/** A spec as a URL without credentials, for the report. */
export function describeSpec(spec: ConnectionSpec): string {
  const tls = spec.tls !== undefined;
  if (spec.mode === 'socket') return `unix://${spec.path}`;
  if (spec.mode === 'standalone') return `${tls ? 'rediss' : 'redis'}://${formatHostPort(spec.host, spec.port)}`;
  if (spec.mode === 'cluster')
    return `${tls ? 'rediss' : 'redis'}+cluster://${spec.nodes.map((n) => formatHostPort(n.host, n.port)).join(',')}`;
  return `${tls ? 'rediss' : 'redis'}-sentinel://${spec.sentinels.map((s) => formatHostPort(s.host, s.port)).join(',')}/?name=${spec.masterName}`;
}

/** A validated connection spec as a doctor target; `description` is already free of credentials. */
export function targetFromSpec(spec: ConnectionSpec, description: string): DoctorTarget {
  const dataCreds: NodeCredentials = { username: spec.username, password: spec.password, tls: spec.tls };
  if (spec.mode === 'sentinel') {
    return {
      kind: 'sentinel',
      sentinels: spec.sentinels,
      masterName: spec.masterName,
      dataCreds,
      sentinelCreds: { username: spec.sentinelUsername, password: spec.sentinelPassword, tls: spec.sentinelTls },
      description,
    };
  }
  if (spec.mode === 'cluster') {
    // The seeds are tried in order; the doctor discovers the rest of the cluster from the first that answers.
    const [first, ...rest] = spec.nodes.map((n) => ({ host: n.host, port: n.port }));
    return { kind: 'direct', node: first as NodeTarget, fallbacks: rest, dataCreds, description };
  }
  const node: NodeTarget = spec.mode === 'socket' ? { path: spec.path } : { host: spec.host, port: spec.port };
  return { kind: 'direct', node, fallbacks: [], dataCreds, description };
}

/**
 * A target from a URL: every form `@coordis/client` parses, `redis+cluster://h1:p1,h2:p2` (and
 * `rediss+cluster://`) included, whose seeds are tried in order; a plain `redis://` URL of any
 * cluster node works as well.
 */
export function targetFromUrl(url: string): DoctorTarget {
  const description = redactUrl(url.trim());
  try {
    return targetFromSpec(parseRedisUrl(url), description);
  } catch (e) {
    if (e instanceof CoordisConfigError) throw new DoctorOptionsError('url', e.message, { cause: e });
    throw e;
  }
}

function tlsFromIoredis(tls: ConnectionOptions | undefined): TlsSettings | undefined {
  if (!tls) return undefined;
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca as string | Buffer | (string | Buffer)[] } : {}),
    ...(typeof tls.cert === 'string' || Buffer.isBuffer(tls.cert) ? { cert: tls.cert } : {}),
    ...(typeof tls.key === 'string' || Buffer.isBuffer(tls.key) ? { key: new Secret(tls.key.toString()) } : {}),
    ...(tls.servername ? { servername: tls.servername } : {}),
    ...(tls.rejectUnauthorized === false ? { insecureSkipVerify: true } : {}),
  };
}

function secret(value: string | undefined | null): Secret | undefined {
  return value ? new Secret(value) : undefined;
}

/** Duck-typed, so a CoordisClient from another copy of @coordis/client is recognised too. */
export function isCoordisClient(client: unknown): client is Redis & { readonly address: string | undefined; withOptions: unknown } {
  return typeof client === 'object' && client !== null && 'withOptions' in client && 'events' in client && 'address' in client;
}

/** True for an ioredis Cluster. */
export function isCluster(client: Redis | Cluster): client is Cluster {
  return typeof (client as Cluster).nodes === 'function' && (client as Redis).options?.sentinels === undefined && 'startupNodes' in client;
}

/**
 * A target from a live client: an ioredis `Redis` (standalone or Sentinel), an ioredis
 * `Cluster`, or a CoordisClient (the node it talks to now; pass `url` too for its sentinels
 * and for TLS settings, which a CoordisClient keeps to itself).
 */
export function targetFromClient(client: Redis | Cluster): DoctorTarget {
  if (isCluster(client)) {
    const nodes = client.nodes('all');
    const first = nodes[0];
    if (!first) throw new DoctorOptionsError('client', 'the ioredis Cluster has no node yet: await its "ready" event first, or pass url.');
    const ro = client.options.redisOptions ?? {};
    const dataCreds = { username: ro.username, password: secret(ro.password), tls: tlsFromIoredis(ro.tls) };
    const targets = nodes.map((n) => ({ host: n.options.host ?? 'localhost', port: n.options.port ?? 6379 }));
    const [node, ...fallbacks] = targets as [NodeTarget, ...NodeTarget[]];
    return {
      kind: 'direct',
      node,
      fallbacks,
      dataCreds,
      description: `redis+cluster://${targets.map((t) => formatHostPort(t.host, t.port)).join(',')}`,
    };
  }
  const o = client.options;
  if (isCoordisClient(client)) {
    const addr = client.address ? parseHostPort(client.address) : undefined;
    const node: NodeTarget | undefined = addr ?? (client.address?.startsWith('/') ? { path: client.address } : undefined);
    if (!node) throw new DoctorOptionsError('client', 'the CoordisClient has not connected yet: await connect() first, or pass url.');
    if (o.tls) throw new DoctorOptionsError('client', 'a CoordisClient keeps its TLS settings to itself: pass url as well as client.');
    return {
      kind: 'direct',
      node,
      fallbacks: [],
      dataCreds: { username: o.username, password: secret(o.password) },
      description: `redis://${client.address}`,
    };
  }
  const dataCreds: NodeCredentials = { username: o.username, password: secret(o.password), tls: tlsFromIoredis(o.tls) };
  if (o.sentinels?.length) {
    const sentinels = o.sentinels.map((s) => ({ host: s.host ?? 'localhost', port: s.port ?? 26379 }));
    return {
      kind: 'sentinel',
      sentinels,
      masterName: o.name ?? 'mymaster',
      dataCreds,
      sentinelCreds: {
        username: o.sentinelUsername ?? undefined,
        password: secret(o.sentinelPassword),
        tls: o.enableTLSForSentinelMode ? tlsFromIoredis(o.sentinelTLS) : undefined,
      },
      description: `redis-sentinel://${sentinels.map((s) => formatHostPort(s.host, s.port)).join(',')}/?name=${o.name ?? 'mymaster'}`,
    };
  }
  const node: NodeTarget = o.path ? { path: o.path } : { host: o.host ?? 'localhost', port: o.port ?? 6379 };
  return {
    kind: 'direct',
    node,
    fallbacks: [],
    dataCreds,
    description: 'path' in node ? `unix://${node.path}` : `${o.tls ? 'rediss' : 'redis'}://${formatHostPort(node.host, node.port)}`,
  };
}
