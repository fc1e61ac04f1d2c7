import type { ClusterNode } from './cluster-nodes.js';
import type { ConfigFacts } from './config-facts.js';
import type { Info } from './info.js';
import type { NodeTarget } from './node-connection.js';
import type { DeploymentMode } from './report.js';

/** A node that did not answer (or refused the credentials). */
export interface UnreachableNode {
  readonly kind: 'data' | 'sentinel';
  readonly reachable: false;
  readonly address: string;
  readonly target: NodeTarget;
  /** How the doctor learnt of it: `url`, `sentinel`, `replica`, `primary`, `cluster`. */
  readonly source: string;
  readonly error: string;
  readonly auth: boolean;
}

/** A data node (primary, replica, cluster node) that answered, with what it said. */
export interface DataNodeFacts {
  readonly kind: 'data';
  readonly reachable: true;
  readonly address: string;
  readonly target: NodeTarget;
  readonly source: string;
  /** INFO, all default sections; empty when INFO was refused (`infoError`). */
  readonly info: Info;
  readonly infoError: string | undefined;
  readonly config: ConfigFacts;
  /** CLUSTER INFO, on cluster nodes. */
  readonly clusterInfo: Info | undefined;
  /** TCP (+TLS) connect and PING, from here. */
  readonly connectMs: number;
}

/** What one sentinel says about the monitored master. */
export interface SentinelView {
  /** SENTINEL MASTER <name>; undefined when the sentinel refused or does not know the name. */
  readonly master: Readonly<Record<string, string>> | undefined;
  readonly masterError: string | undefined;
  readonly replicas: readonly Readonly<Record<string, string>>[];
  readonly sentinels: readonly Readonly<Record<string, string>>[];
  /** SENTINEL CKQUORUM: its answer or its error. */
  readonly ckquorum: { readonly ok: boolean; readonly message: string } | undefined;
}

/** A sentinel that answered. */
export interface SentinelFacts {
  readonly kind: 'sentinel';
  readonly reachable: true;
  readonly address: string;
  readonly target: NodeTarget;
  readonly source: string;
  readonly info: Info;
  readonly view: SentinelView;
}

/** A data node, reachable or not. */
export type DataNode = DataNodeFacts | (UnreachableNode & { readonly kind: 'data' });
/** A sentinel, reachable or not. */
export type SentinelNode = SentinelFacts | (UnreachableNode & { readonly kind: 'sentinel' });

/** The deployment as discovered from the URL. */
export interface Topology {
  readonly mode: DeploymentMode;
  /** The URL's host (or socket path); with TLS, whether the URL asked for it. */
  readonly urlHost: string;
  readonly tls: boolean;
  readonly masterName: string | undefined;
  /** The data node the URL names (standalone and cluster URLs). */
  readonly entry: string | undefined;
  /** The primary: the URL's node or its master (standalone), Sentinel's choice (Sentinel). */
  readonly primary: string | undefined;
  readonly dataNodes: readonly DataNode[];
  readonly sentinels: readonly SentinelNode[];
  /** CLUSTER NODES as one node saw it. */
  readonly cluster: { readonly nodes: readonly ClusterNode[]; readonly source: string } | undefined;
  /** Set when nothing could be checked: the URL's node or every sentinel unreachable, a wrong password, an unknown master. */
  readonly fatal: { readonly reason: string; readonly auth: boolean; readonly fix: string } | undefined;
}

/** The data nodes that answered. */
export function reachableData(t: Topology): DataNodeFacts[] {
  return t.dataNodes.filter((n): n is DataNodeFacts => n.reachable);
}

/** The sentinels that answered. */
export function reachableSentinels(t: Topology): SentinelFacts[] {
  return t.sentinels.filter((n): n is SentinelFacts => n.reachable);
}

/** The role INFO gives a data node. */
export function nodeRole(n: DataNodeFacts): 'primary' | 'replica' | 'unknown' {
  if (n.info.role === 'master') return 'primary';
  if (n.info.role === 'slave') return 'replica';
  return 'unknown';
}
