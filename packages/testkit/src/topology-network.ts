import type { NetworkMode } from './network-mode.js';

/** A container's place on a topology's bridge network. */
export interface BridgeAttachment {
  /** The network's name. */
  readonly network: string;
  /** The container's fixed address on it: a restarted container comes back at the same one. */
  readonly ip: string;
}

/** Where one node of a topology listens, and the address it is known by to its peers. */
export interface Placement {
  /**
   * The address the node's peers dial and that it announces (replication, Sentinel, Cluster),
   * always on the node's own port: the loopback address it binds on the host's network, its
   * container's address on a bridge.
   */
  readonly announcedHost: string;
  /** Set in mapped mode: the container joins this network at this address. */
  readonly bridge?: BridgeAttachment | undefined;
}

/** The network a topology's servers share, opened by its driver before the first node starts. */
export interface TopologyNetwork {
  readonly mode: NetworkMode;
  /** The placement of one more node. */
  place(): Placement;
  /** Removes what the network holds on the engine; called once every node is stopped. */
  close(): Promise<void>;
}

/** The host's own network: every node binds and announces `host`, as processes do. */
export function hostNetwork(host: string): TopologyNetwork {
  return { mode: 'host', place: () => ({ announcedHost: host }), close: async () => {} };
}
