import type { Check } from './check.js';
import { announcedAddresses } from './checks/announced-addresses.js';
import { appUserAcl } from './checks/app-user-acl.js';
import { appendfsync } from './checks/appendfsync.js';
import { clientOptions } from './checks/client-options.js';
import { clientTimeout } from './checks/client-timeout.js';
import { clusterNodeHealth } from './checks/cluster-node-health.js';
import { clusterReplicas } from './checks/cluster-replicas.js';
import { clusterSlots } from './checks/cluster-slots.js';
import { clusterState } from './checks/cluster-state.js';
import { defaultUser } from './checks/default-user.js';
import { deploymentMode } from './checks/deployment-mode.js';
import { engineVersion } from './checks/engine-version.js';
import { evictionPolicy } from './checks/eviction-policy.js';
import { evictions } from './checks/evictions.js';
import { failoverBudget } from './checks/failover-budget.js';
import { foreignPrimary } from './checks/foreign-primary.js';
import { fullResyncs } from './checks/full-resyncs.js';
import { hostOvercommit } from './checks/host-overcommit.js';
import { hostSwap } from './checks/host-swap.js';
import { hostThp } from './checks/host-thp.js';
import { latencyConnect } from './checks/latency-connect.js';
import { latencyPing } from './checks/latency-ping.js';
import { maxclients } from './checks/maxclients.js';
import { memoryUsage } from './checks/memory-usage.js';
import { minReplicas } from './checks/min-replicas.js';
import { persistenceEnabled } from './checks/persistence-enabled.js';
import { persistenceLastWrite } from './checks/persistence-last-write.js';
import { promotableReplica } from './checks/promotable-replica.js';
import { protectedMode } from './checks/protected-mode.js';
import { reachable } from './checks/reachable.js';
import { rejectedConnections } from './checks/rejected-connections.js';
import { replicaLag } from './checks/replica-lag.js';
import { replicaLink } from './checks/replica-link.js';
import { replicaReadOnly } from './checks/replica-read-only.js';
import { replicatedPrimary } from './checks/replicated-primary.js';
import { replicationBacklog } from './checks/replication-backlog.js';
import { replicationRole } from './checks/replication-role.js';
import { sentinelAgreement } from './checks/sentinel-agreement.js';
import { sentinelCkquorum } from './checks/sentinel-ckquorum.js';
import { sentinelCountCheck } from './checks/sentinel-count.js';
import { sentinelPrimaryFlags } from './checks/sentinel-primary-flags.js';
import { sentinelQuorum } from './checks/sentinel-quorum.js';
import { sentinelTilt } from './checks/sentinel-tilt.js';
import { tcpKeepalive } from './checks/tcp-keepalive.js';
import { tcpRetries } from './checks/tcp-retries.js';
import { transportTls } from './checks/transport-tls.js';

/** Every check, in the order reports list them. Ids are stable: a rename is a breaking change. */
export const CATALOGUE: readonly Check[] = [
  reachable,
  engineVersion,
  deploymentMode,
  evictionPolicy,
  evictions,
  memoryUsage,
  persistenceEnabled,
  persistenceLastWrite,
  appendfsync,
  replicatedPrimary,
  tcpKeepalive,
  clientTimeout,
  maxclients,
  rejectedConnections,
  latencyPing,
  latencyConnect,
  replicationRole,
  replicaLink,
  replicaLag,
  fullResyncs,
  minReplicas,
  replicationBacklog,
  replicaReadOnly,
  foreignPrimary,
  sentinelCountCheck,
  sentinelQuorum,
  sentinelCkquorum,
  sentinelAgreement,
  sentinelTilt,
  sentinelPrimaryFlags,
  promotableReplica,
  announcedAddresses,
  failoverBudget,
  clusterState,
  clusterSlots,
  clusterNodeHealth,
  clusterReplicas,
  defaultUser,
  protectedMode,
  transportTls,
  appUserAcl,
  hostOvercommit,
  hostThp,
  hostSwap,
  tcpRetries,
  clientOptions,
];

/** Every check id, in catalogue order. */
export const CHECK_IDS: readonly string[] = CATALOGUE.map((c) => c.id);

/** The README's catalogue table, generated from the checks themselves. */
export function catalogueMarkdown(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = CATALOGUE.map(
    (c) => `| \`${c.id}\` | ${esc(c.doc.checks)} | ${esc(c.doc.verdicts)} | ${esc(c.doc.fix)} | ${esc(c.doc.answers ?? '')} |`,
  );
  return ['| id | what it checks | pass / warn / fail | fix | answers |', '|---|---|---|---|---|', ...rows].join('\n');
}
