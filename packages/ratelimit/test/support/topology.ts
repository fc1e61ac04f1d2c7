import { connect, connectCluster } from '@coordis/client';
import { type AnyTopology, startTopology, type TopologyKind } from '@coordis/testkit';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

/** A topology started for one describe block and a coordis client connected to it. */
export interface Deployment {
  readonly kind: TopologyKind;
  readonly topology: AnyTopology;
  readonly client: Redis | Cluster;
  /** Another client of the same topology, for tests that need several; closed in afterAll. */
  connectAnother(opts?: { keyPrefix?: string }): Promise<Redis | Cluster>;
  /** The primaries holding data: the one primary, or every cluster master. */
  primaries(): Redis[];
}

/** connect() for one primary, connectCluster() for a cluster: what a service would call. */
export function connectTo(topology: AnyTopology, opts: { keyPrefix?: string } = {}): Promise<Redis | Cluster> {
  return topology.kind === 'cluster' ? connectCluster(topology.url, { redis: opts }) : connect(topology.url, { redis: opts });
}

/**
 * Starts `kind` once for the enclosing describe (beforeAll) and stops it after (afterAll).
 * The returned object is filled in by beforeAll: read its fields inside tests only.
 */
export function deploy(kind: TopologyKind): Deployment {
  const extra: (Redis | Cluster)[] = [];
  const d = {
    kind,
    connectAnother: async (opts: { keyPrefix?: string } = {}) => {
      const c = await connectTo(d.topology, opts);
      extra.push(c);
      return c;
    },
    primaries: () => (d.client.isCluster ? (d.client as Cluster).nodes('master') : [d.client as Redis]),
  } as { -readonly [K in keyof Deployment]: Deployment[K] };
  beforeAll(async () => {
    d.topology = await startTopology(kind);
    d.client = await connectTo(d.topology);
  });
  afterAll(async () => {
    for (const c of extra) c.disconnect();
    d.client?.disconnect();
    await d.topology?.stop();
  });
  return d;
}
