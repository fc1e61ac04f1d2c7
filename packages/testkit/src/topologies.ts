import { type ClusterTopology, startCluster } from './cluster.js';
import { TestkitOptionsError } from './errors.js';
import type { ServerOptions } from './node-options.js';
import { type SentinelTopology, startSentinel } from './sentinel.js';
import { type StandaloneTopology, startStandalone } from './standalone.js';

/** The three shapes a coordis deployment takes. */
export type TopologyKind = 'standalone' | 'sentinel' | 'cluster';

/** Any running topology; `kind` tells which, and `url` is what a client connects with. */
export type AnyTopology = StandaloneTopology | SentinelTopology | ClusterTopology;

/** Every kind, in the order suites run them. */
export const TOPOLOGY_KINDS: readonly TopologyKind[] = Object.freeze(['standalone', 'sentinel', 'cluster'] as const);

/**
 * The kinds a parametrised suite runs against: all of them, or the comma list in
 * `COORDIS_TOPOLOGIES` (`COORDIS_TOPOLOGIES=cluster pnpm test`) for a quicker local run.
 */
export function topologyKinds(env: Readonly<Record<string, string | undefined>> = process.env): TopologyKind[] {
  const wanted = env.COORDIS_TOPOLOGIES?.trim();
  if (!wanted) return [...TOPOLOGY_KINDS];
  const kinds = wanted.split(',').map((k) => k.trim());
  for (const k of kinds) {
    if (!TOPOLOGY_KINDS.includes(k as TopologyKind)) {
      throw new TestkitOptionsError(`COORDIS_TOPOLOGIES names "${k}": use a comma list of ${TOPOLOGY_KINDS.join(', ')}.`);
    }
  }
  return kinds as TopologyKind[];
}

/**
 * Starts the small form of a topology that parametrised suites share: one server; a primary
 * with one replica watched by three sentinels (a majority survives one); or three masters
 * with one replica each, the smallest cluster that fails over. Start it once per file
 * (beforeAll) and stop it in afterAll.
 */
export function startTopology(kind: TopologyKind, opts: ServerOptions = {}): Promise<AnyTopology> {
  switch (kind) {
    case 'standalone':
      return startStandalone(opts);
    case 'sentinel':
      return startSentinel({ ...opts, replicas: 1, sentinels: 3 });
    case 'cluster':
      return startCluster({ ...opts, masters: 3, replicasPerMaster: 1 });
  }
}
