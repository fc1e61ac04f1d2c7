import { rm } from 'node:fs/promises';
import { nowMs } from './clock.js';
import { type ClusterNodeLine, parseClusterNodes, slotRanges } from './cluster-nodes.js';
import { DEFAULTS } from './defaults.js';
import { PortInUseError, TestkitOptionsError } from './errors.js';
import { parseInfo } from './info.js';
import { natMapOf } from './nat-map.js';
import type { NetworkMode } from './network-mode.js';
import { dataNodeLines, nodeDir, type ResolvedServerOptions, resolveServerOptions, type ServerOptions, stopAll } from './node-options.js';
import { allocatePort, releasePort } from './ports.js';
import { disownDir } from './reaper.js';
import { RedisNode } from './redis-node.js';
import { replicasStreaming } from './replication.js';
import type { Address } from './sentinel-watch.js';
import type { TlsMaterial } from './tls.js';
import type { TopologyNetwork } from './topology-network.js';
import { clusterUrl } from './url.js';
import { type Probe, waitFor } from './wait.js';

/** A Redis Cluster of masters, each with replicas. */
export interface ClusterOptions extends ServerOptions {
  /** @default 3 */
  readonly masters?: number;
  /** @default 1 */
  readonly replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a silent master has before its replica takes over. @default 1000 */
  readonly nodeTimeoutMs?: number;
}

/** A cluster failover: which node served the slots before and which serves them now. */
export interface ClusterSwitch {
  readonly from: RedisNode;
  readonly to: RedisNode;
  /** From the call to the new master's first answer as master. */
  readonly ms: number;
}

/** A running cluster and the faults it can take. */
export interface ClusterTopology extends AsyncDisposable {
  readonly kind: 'cluster';
  /** `redis+cluster://host:port,…` listing every node as a seed. */
  readonly url: string;
  readonly seeds: readonly Address[];
  readonly nodes: readonly RedisNode[];
  readonly tls: TlsMaterial | undefined;
  /** How this process reaches the nodes: on the host's network, or through published ports. */
  readonly network: NetworkMode;
  /**
   * Every `host:port` a node announces (CLUSTER SLOTS, MOVED) that this process does not reach
   * it at → the address it does reach, for `connectCluster(url, { natMap })`; empty on the
   * host's network.
   */
  readonly natMap: Readonly<Record<string, Address>>;
  /** The cluster's view (CLUSTER NODES) from a running node. */
  view(): Promise<ClusterNodeLine[]>;
  /** Running nodes that serve slots now. */
  masters(): Promise<RedisNode[]>;
  /** Running replicas of `master`. */
  replicasOf(master: RedisNode): Promise<RedisNode[]>;
  /** CLUSTER FAILOVER on a replica (by default one of the master serving slot 0); resolves when it is master and the old master its replica. */
  failover(replica?: RedisNode, opts?: { timeoutMs?: number }): Promise<ClusterSwitch>;
  /** Resolves once every slot is served by a running master and every running node says `cluster_state:ok`. */
  waitForHealthy(opts?: { timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a Redis Cluster on free loopback ports: slots split evenly over the masters,
 * config epochs set apart, nodes met, replicas attached; resolves once every node reports
 * `cluster_state:ok` with all 16384 slots and every replica is in sync.
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<ClusterTopology> {
  const o = await resolveServerOptions(opts);
  const masterCount = opts.masters ?? 3;
  const perMaster = opts.replicasPerMaster ?? 1;
  if (masterCount < 1 || perMaster < 0) throw new TestkitOptionsError('a cluster needs masters >= 1 and replicasPerMaster >= 0.');
  const nodeTimeoutMs = opts.nodeTimeoutMs ?? DEFAULTS.clusterNodeTimeoutMs;
  const total = masterCount * (1 + perMaster);
  const net = await o.driver.network(o.host);
  const nodes: RedisNode[] = [];
  try {
    const launched = await Promise.all(
      Array.from({ length: total }, (_, i) =>
        launchClusterNode(o, net, i < masterCount ? `master-${i + 1}` : `replica-${i - masterCount + 1}`, nodeTimeoutMs),
      ),
    );
    nodes.push(...launched);
    const masters = nodes.slice(0, masterCount);
    const replicas = nodes.slice(masterCount);
    // Distinct epochs before the nodes meet spare the cluster its epoch-collision rounds.
    await Promise.all(nodes.map((n, i) => n.call('CLUSTER', 'SET-CONFIG-EPOCH', i + 1)));
    const ranges = slotRanges(masterCount);
    await Promise.all(masters.map((m, i) => m.call('CLUSTER', 'ADDSLOTSRANGE', ...(ranges[i] as [number, number]))));
    const first = nodes[0] as RedisNode;
    const firstBus = busPorts.get(first) as number;
    await Promise.all(nodes.slice(1).map((n) => n.call('CLUSTER', 'MEET', first.announcedHost, first.port, firstBus)));
    await waitFor(
      'every cluster node knowing every other',
      async () => {
        for (const n of nodes) {
          const known = Number(parseInfo(String(await n.call('CLUSTER', 'INFO'))).cluster_known_nodes);
          if (known < total) return { done: false, observed: `${n.name} knows ${known} of ${total}` };
        }
        return { done: true, value: undefined };
      },
      { timeoutMs: o.readyTimeoutMs },
    );
    const ids = await Promise.all(masters.map(async (m) => String(await m.call('CLUSTER', 'MYID'))));
    await Promise.all(
      replicas.map((r, i) =>
        waitFor(
          `${r.name} replicating`,
          async () => {
            await r.call('CLUSTER', 'REPLICATE', ids[i % masterCount] as string);
            return { done: true, value: undefined };
          },
          { timeoutMs: o.readyTimeoutMs },
        ),
      ),
    );
    const topology = new ClusterTopologyImpl(nodes, net, o);
    await topology.waitForHealthy({ timeoutMs: o.readyTimeoutMs, replicasPerMaster: perMaster });
    return topology;
  } catch (e) {
    await stopAll(nodes);
    await net.close();
    throw e;
  }
}

const busPorts = new WeakMap<RedisNode, number>();

async function launchClusterNode(o: ResolvedServerOptions, net: TopologyNetwork, name: string, nodeTimeoutMs: number): Promise<RedisNode> {
  for (let attempt = 1; ; attempt++) {
    const [port, bus] = await Promise.all([allocatePort(o.host), allocatePort(o.host)]);
    const dir = await nodeDir(name);
    try {
      const node = await RedisNode.launch({
        name,
        kind: 'redis',
        host: o.host,
        port,
        placement: net.place(),
        dir,
        lines: dataNodeLines(o, [
          ['cluster-enabled', 'yes'],
          ['cluster-config-file', 'nodes.conf'],
          ['cluster-node-timeout', String(nodeTimeoutMs)],
          // An explicit bus port: port + 10000 could fall outside the range or be taken. In
          // mapped mode it stays on the bridge: only the nodes dial it.
          ['cluster-port', String(bus)],
          ...(o.tls ? ([['tls-cluster', 'yes']] as const) : []),
        ]),
        tls: o.tls,
        auth: o.password ? { password: o.password } : undefined,
        startTimeoutMs: o.startTimeoutMs,
        driver: o.driver,
      });
      busPorts.set(node, bus);
      return node;
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      disownDir(dir);
      releasePort(port);
      releasePort(bus);
      if (!(e instanceof PortInUseError) || attempt >= 5) throw e;
    }
  }
}

class ClusterTopologyImpl implements ClusterTopology {
  readonly kind = 'cluster' as const;
  readonly url: string;
  readonly seeds: readonly Address[];
  readonly tls: TlsMaterial | undefined;
  readonly network: NetworkMode;
  readonly natMap: Readonly<Record<string, Address>>;
  readonly #net: TopologyNetwork;
  #stopped = false;

  constructor(
    readonly nodes: readonly RedisNode[],
    net: TopologyNetwork,
    o: ResolvedServerOptions,
  ) {
    this.tls = o.tls;
    this.#net = net;
    this.network = net.mode;
    this.natMap = natMapOf(nodes);
    this.seeds = nodes.map((n) => ({ host: n.host, port: n.port }));
    this.url = clusterUrl({ nodes: this.seeds, ...o.urlAuth, tls: o.tls !== undefined });
  }

  async view(): Promise<ClusterNodeLine[]> {
    let last: unknown;
    for (const n of this.nodes.filter((x) => x.state === 'running')) {
      try {
        return parseClusterNodes(String(await n.call('CLUSTER', 'NODES')));
      } catch (e) {
        last = e;
      }
    }
    throw new TestkitOptionsError(
      `no running cluster node answered CLUSTER NODES: ${(last as Error | undefined)?.message ?? 'none running'}`,
    );
  }

  #node(line: ClusterNodeLine | undefined): RedisNode | undefined {
    return line ? this.nodes.find((n) => n.port === line.port) : undefined;
  }

  async masters(): Promise<RedisNode[]> {
    const view = await this.view();
    return view
      .filter((l) => l.role === 'master' && l.slots.length > 0 && !l.failing)
      .flatMap((l) => this.#node(l) ?? [])
      .filter((n) => n.state === 'running');
  }

  async replicasOf(master: RedisNode): Promise<RedisNode[]> {
    const view = await this.view();
    const id = view.find((l) => l.port === master.port)?.id;
    return view
      .filter((l) => l.masterId === id && !l.failing)
      .flatMap((l) => this.#node(l) ?? [])
      .filter((n) => n.state === 'running');
  }

  async failover(replica?: RedisNode, opts: { timeoutMs?: number } = {}): Promise<ClusterSwitch> {
    const start = nowMs();
    const view = await this.view();
    let target = replica;
    if (!target) {
      const slot0 = view.find((l) => l.role === 'master' && l.slots.some(([a]) => a === 0));
      target = (await this.replicasOf(this.#node(slot0) as RedisNode))[0];
      if (!target) throw new TestkitOptionsError('the master serving slot 0 has no running replica to fail over to.');
    }
    const line = view.find((l) => l.port === target.port);
    const from = this.#node(view.find((l) => l.id === line?.masterId));
    if (!from) throw new TestkitOptionsError(`${target.name} is not a replica; pass a replica to failover().`);
    await target.call('CLUSTER', 'FAILOVER');
    // Done when the promoted replica answers as master and the old master, if it runs, has
    // taken the new configuration and become its replica (gossip carries it in a few rounds).
    await waitFor(
      `${target.name} taking over from ${from.name}`,
      async (): Promise<Probe<undefined>> => {
        if ((await target.role()) !== 'master') return { done: false, observed: `${target.name} still a replica` };
        if (from.state === 'running' && (await from.role()) !== 'slave') return { done: false, observed: `${from.name} not yet demoted` };
        return { done: true, value: undefined };
      },
      { timeoutMs: opts.timeoutMs ?? DEFAULTS.faultTimeoutMs },
    );
    return { from, to: target, ms: nowMs() - start };
  }

  async waitForHealthy(opts: { timeoutMs?: number; replicasPerMaster?: number } = {}): Promise<void> {
    await waitFor('a healthy cluster', () => this.#health(opts.replicasPerMaster), {
      timeoutMs: opts.timeoutMs ?? DEFAULTS.faultTimeoutMs,
    });
  }

  async #health(replicasPerMaster: number | undefined): Promise<Probe<undefined>> {
    const running = this.nodes.filter((n) => n.state === 'running');
    for (const n of running) {
      const info = parseInfo(String(await n.call('CLUSTER', 'INFO')));
      if (info.cluster_state !== 'ok' || info.cluster_slots_ok !== '16384') {
        return { done: false, observed: `${n.name}: state ${info.cluster_state}, slots ok ${info.cluster_slots_ok}` };
      }
      const role = parseInfo(String(await n.call('INFO', 'replication')));
      if (role.role === 'slave' && role.master_link_status !== 'up')
        return { done: false, observed: `${n.name}: replication link ${role.master_link_status}` };
    }
    const view = await this.view();
    const masters = view.filter((l) => l.role === 'master' && l.slots.length > 0);
    for (const m of masters) {
      const node = this.#node(m);
      if (m.failing || node?.state !== 'running')
        return { done: false, observed: `master ${m.host}:${m.port} is ${m.failing ? 'failing' : 'not running'}` };
      if (replicasPerMaster !== undefined) {
        const count = view.filter((l) => l.masterId === m.id && !l.failing).length;
        if (count < replicasPerMaster) return { done: false, observed: `${node.name} has ${count} replicas, wants ${replicasPerMaster}` };
      }
      const replicas = view.filter((l) => l.masterId === m.id && !l.failing && this.#node(l)?.state === 'running').length;
      const streaming = await replicasStreaming(node, replicas);
      if (streaming < replicas)
        return { done: false, observed: `${node.name}: ${streaming} of ${replicas} replicas acknowledge the replication stream` };
    }
    return { done: true, value: undefined };
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await stopAll(this.nodes);
    await this.#net.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
