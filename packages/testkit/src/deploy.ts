import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { type AnyTopology, startTopology, type TopologyKind } from './topologies.js';

/** How a suite connects to a topology: the client a service would make for it. */
export type ConnectTo<C> = (topology: AnyTopology, opts?: { keyPrefix?: string }) => Promise<C>;

/** A topology started for one describe block and a client connected to it. */
export interface Deployment<C extends Redis | Cluster> {
  readonly kind: TopologyKind;
  readonly topology: AnyTopology;
  readonly client: C;
  /** Another client of the same topology, for tests that need several; closed in afterAll. */
  connectAnother(opts?: { keyPrefix?: string }): Promise<C>;
  /** The primaries holding data: the one primary, or every cluster master. */
  primaries(): Redis[];
}

/**
 * For vitest suites parametrised over topologies (`describe.each(topologyKinds())`): starts
 * `kind` once for the enclosing describe (beforeAll), connects with `connectTo`, and closes
 * every client and stops the topology after (afterAll), also when a test failed. The returned
 * object is filled in by beforeAll: read its fields inside tests only.
 */
export function deploy<C extends Redis | Cluster>(kind: TopologyKind, connectTo: ConnectTo<C>): Deployment<C> {
  const extra: C[] = [];
  const d = {
    kind,
    connectAnother: async (opts: { keyPrefix?: string } = {}) => {
      const c = await connectTo(d.topology, opts);
      extra.push(c);
      return c;
    },
    primaries: () => (d.client.isCluster ? (d.client as Cluster).nodes('master') : [d.client as Redis]),
  } as { -readonly [K in keyof Deployment<C>]: Deployment<C>[K] };
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
