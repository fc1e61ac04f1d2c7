import type { Cluster, Redis } from 'ioredis';

/** A client namespace operations run on: any ioredis standalone or Sentinel client, or a Cluster. */
export type KeyspaceClient = Redis | Cluster;

/** True for an ioredis Cluster; works across copies of ioredis, unlike instanceof. */
export function isCluster(client: KeyspaceClient): client is Cluster {
  return client.isCluster;
}
