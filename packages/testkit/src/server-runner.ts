import type { NetworkMode } from './network-mode.js';
import type { BridgeAttachment, TopologyNetwork } from './topology-network.js';

/** What a runner needs to run one node's server. */
export interface RunnerSpec {
  readonly name: string;
  /** A data node, or a sentinel (`redis-server --sentinel`). */
  readonly kind: 'redis' | 'sentinel';
  /** The node's directory: config, data and log live here, and survive restarts. */
  readonly dir: string;
  readonly configPath: string;
  /** The loopback address and port this process reaches the server at. */
  readonly host: string;
  readonly port: number;
  /** Mapped mode: the bridge network and address the server's container joins; `port` is published on `host`. */
  readonly bridge: BridgeAttachment | undefined;
  /** Directories the server reads besides `dir` (TLS certificates). */
  readonly readDirs: readonly string[];
  /** Called when the driver sees the server exit, killed or on its own (a crash, a refused config). */
  readonly onExit: () => void;
}

/**
 * How a node's server runs: the one thing the process and container drivers do differently.
 * Everything above it (config, ports, admin connections, waiting, topologies) is shared, so
 * both drivers give the same API and the same faults.
 */
export interface ServerRunner {
  /** The server's pid on the engine's host while it runs; the host's own pid on Linux. */
  readonly pid: number | undefined;
  /** Starts the server, or starts it again on the same config and data; resolves once launched, before it listens. */
  start(): Promise<void>;
  /** Whether the server has exited since it was last started. */
  exited(): Promise<boolean>;
  /** SIGKILL; resolves once the server is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the server is gone. */
  terminate(graceMs: number): Promise<void>;
  /** SIGSTOP or SIGCONT, delivered before the returned promise settles. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): Promise<void>;
  /** What the runner knows about a failed start beyond the server's log (a container's output). */
  diagnostics(): Promise<string>;
  /** Removes what lives on between restarts (a container); called once, after the final kill. */
  dispose(): Promise<void>;
}

/** Makes the runner of each node of a topology. */
export interface ServerDriver {
  readonly name: 'process' | 'container';
  runner(spec: RunnerSpec): ServerRunner;
  /**
   * Fails early, before any port or directory is taken, when the driver cannot run servers;
   * resolves with the network mode its servers run in.
   */
  ready(): Promise<NetworkMode>;
  /** Opens the network one topology's servers share; the host's network for processes. */
  network(host: string): Promise<TopologyNetwork>;
}
