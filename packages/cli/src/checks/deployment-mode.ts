import { type DeploymentCheck, pass } from '../check.js';
import { reachableData, reachableSentinels, type Topology } from '../topology.js';

/** A one-line description of the topology found. */
export function describeTopology(t: Topology): string {
  const data = reachableData(t);
  if (t.mode === 'cluster') {
    const masters = (t.cluster?.nodes ?? []).filter((n) => n.role === 'master' && n.slots.length > 0).length;
    const replicas = (t.cluster?.nodes ?? []).filter((n) => n.role === 'replica').length;
    return `Cluster: ${masters} masters with slots, ${replicas} replicas`;
  }
  if (t.mode === 'sentinel') {
    return `Sentinel: master "${t.masterName}" at ${t.primary ?? '?'}, ${t.dataNodes.length - 1} replica(s), ${t.sentinels.length} sentinel(s) (${reachableSentinels(t).length} answering)`;
  }
  const replicas = data.filter((n) => n.info.role === 'slave').length;
  return `standalone: primary ${t.primary ?? '?'}${replicas ? ` with ${replicas} replica(s)` : ', no replica'}`;
}

const PRIMITIVES: Readonly<Record<Topology['mode'], string>> = {
  standalone:
    'every coordis primitive (locks, semaphores, rate limits, events) through connect(); no failover: the host is a single point of failure',
  sentinel: 'every coordis primitive through connect(), which follows Sentinel failovers',
  cluster:
    'the primitives with an ioredis Cluster (their multi-key scripts use hash-tagged keys); connect() does not open Cluster connections yet',
  unknown: 'unknown',
};

/** `server.mode`: standalone, Sentinel or Cluster, and which coordis primitives run there. */
export const deploymentMode: DeploymentCheck = {
  kind: 'deployment',
  id: 'server.mode',
  title: 'Deployment mode',
  doc: {
    checks: 'the URL scheme, INFO `redis_mode` / `cluster_enabled`, and what discovery found',
    verdicts: 'pass (informational): the mode and which coordis primitives run there',
    fix: '—',
  },
  run(ctx) {
    const t = ctx.topology;
    if (t.mode === 'unknown') return [];
    return [pass(`${describeTopology(t)}; runs ${PRIMITIVES[t.mode]}`, 'standalone, Sentinel or Cluster')];
  },
};
