import { connect, connectCluster } from '@coordis/client';
import type { AnyTopology, TopologyKind } from '@coordis/testkit';
import { type Deployment as Deployed, deploy as deployWith } from '@coordis/testkit/deploy';
import type { Cluster, Redis } from 'ioredis';

export type Deployment = Deployed<Redis | Cluster>;

/** connect() for one primary, connectCluster() for a cluster: what a service would call. */
export function connectTo(topology: AnyTopology, opts: { keyPrefix?: string } = {}): Promise<Redis | Cluster> {
  return topology.kind === 'cluster' ? connectCluster(topology.url, { redis: opts }) : connect(topology.url, { redis: opts });
}

/** `kind` started once for the enclosing describe, with a coordis client (see testkit's deploy). */
export const deploy = (kind: TopologyKind): Deployment => deployWith(kind, connectTo);
