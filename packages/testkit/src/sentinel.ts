import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { nowMs } from './clock.js';
import { DEFAULTS } from './defaults.js';
import { PortInUseError, TestkitOptionsError } from './errors.js';
import { pairsToRecord } from './info.js';
import { natMapOf } from './nat-map.js';
import type { NetworkMode } from './network-mode.js';
import {
  dataNodeLines,
  launchOnFreePort,
  nodeDir,
  type ResolvedServerOptions,
  resolveServerOptions,
  type ServerOptions,
  stopAll,
} from './node-options.js';
import { allocatePort, releasePort } from './ports.js';
import { disownDir } from './reaper.js';
import { type NodeAuth, RedisNode } from './redis-node.js';
import { replicasStreaming } from './replication.js';
import { type Address, SentinelWatch, type SwitchMaster } from './sentinel-watch.js';
import { type ConfigLine, configLines, quoteArg, type ServerConfig } from './server-config.js';
import type { TlsMaterial } from './tls.js';
import type { Placement, TopologyNetwork } from './topology-network.js';
import { sentinelUrl } from './url.js';
import { type Probe, waitFor } from './wait.js';

/** A primary with replicas, watched by sentinels. */
export interface SentinelOptions extends ServerOptions {
  /** The name sentinels monitor the primary under. @default 'coordis' */
  readonly masterName?: string;
  /** @default 2 */
  readonly replicas?: number;
  /** @default 3 */
  readonly sentinels?: number;
  /** Sentinels that must agree the primary is down. @default a majority of `sentinels` */
  readonly quorum?: number;
  /** `down-after-milliseconds`: how long a silent primary has before it is failed over. @default 1000 */
  readonly downAfterMs?: number;
  /** `failover-timeout`. @default 5000 */
  readonly failoverTimeoutMs?: number;
  /** `parallel-syncs`. @default 1 */
  readonly parallelSyncs?: number;
  /** The sentinels' own password (`requirepass` on each sentinel), apart from the data nodes'. */
  readonly sentinelPassword?: string;
  /** An ACL user on the sentinels (with `sentinelPassword`), for the URL and inter-sentinel links. */
  readonly sentinelUsername?: string;
  /**
   * A second loopback address (say `127.0.0.2`) the nodes also bind and announce: sentinels
   * monitor and report every node by it, as behind NAT. `natMap` maps it back to `host`. On
   * the host's network only: in mapped mode the nodes already announce container addresses.
   */
  readonly announceHost?: string;
  /** redis.conf directives for every sentinel, after the testkit's own. */
  readonly sentinelConfig?: ServerConfig;
}

/** A running Sentinel topology and the faults it can take. */
export interface SentinelTopology extends AsyncDisposable {
  readonly kind: 'sentinel';
  readonly masterName: string;
  /** `redis-sentinel://…/?name=<masterName>`, in the form @coordis/client parses. */
  readonly url: string;
  /** The data nodes; `nodes[0]` was the primary at start. */
  readonly nodes: readonly RedisNode[];
  readonly sentinels: readonly RedisNode[];
  /** The CA and certificates, when TLS is on. */
  readonly tls: TlsMaterial | undefined;
  /** How this process reaches the nodes: on the host's network, or through published ports. */
  readonly network: NetworkMode;
  /**
   * Every `host:port` a node or sentinel announces that this process does not reach it at
   * (container addresses in mapped mode, `announceHost`) → the address it does reach, for
   * `connect(url, { natMap })`; empty when nodes announce what this process dials.
   */
  readonly natMap: Readonly<Record<string, Address>>;
  /** Every sentinel event since start, with arrival times; `+switch-master` parsed. */
  readonly watch: SentinelWatch;
  /** The data node every running sentinel names as primary (throws if they disagree). */
  primary(): Promise<RedisNode>;
  /** Running data nodes other than the primary. */
  replicas(): Promise<RedisNode[]>;
  /** SENTINEL FAILOVER; resolves on the first `+switch-master` that follows. */
  failover(opts?: { timeoutMs?: number }): Promise<SwitchMaster>;
  /** Resolves once all running sentinels name one primary (other than `not`) that answers ROLE master. */
  waitForPrimary(opts?: { not?: RedisNode; timeoutMs?: number }): Promise<RedisNode>;
  /**
   * Resolves once the running nodes are whole again: one primary, replicas in sync, quorum.
   * After a failover whose old primary stayed up (SENTINEL FAILOVER, a resumed pause),
   * Sentinel demotes that node only after a grace period and its next INFO round (8–20 s);
   * `reconcile: true` sends it the REPLICAOF Sentinel would send, at once.
   */
  waitForHealthy(opts?: { timeoutMs?: number; reconcile?: boolean }): Promise<RedisNode>;
  /** Kills every process and removes every directory (and container, and network). */
  stop(): Promise<void>;
}

function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * Starts a primary, its replicas and sentinels on free loopback ports. Sentinels start
 * seeded with each other and with the replicas (`known-sentinel`, `known-replica`), so the
 * topology is ready in a fraction of a second instead of after Sentinel's discovery rounds;
 * resolves once replicas are in sync and every sentinel passes CKQUORUM.
 */
export async function startSentinel(opts: SentinelOptions = {}): Promise<SentinelTopology> {
  const o = await resolveServerOptions(opts);
  const masterName = opts.masterName ?? DEFAULTS.masterName;
  const replicaCount = opts.replicas ?? DEFAULTS.replicas;
  const sentinelCount = opts.sentinels ?? DEFAULTS.sentinels;
  const quorum = opts.quorum ?? majority(sentinelCount);
  if (!/^[A-Za-z0-9._-]+$/.test(masterName))
    throw new TestkitOptionsError(`masterName ${masterName} must be letters, digits, '.', '_' or '-'.`);
  if (replicaCount < 0 || sentinelCount < 1) throw new TestkitOptionsError('a Sentinel topology needs replicas >= 0 and sentinels >= 1.');
  if (quorum < 1 || quorum > sentinelCount)
    throw new TestkitOptionsError(`quorum ${quorum} must be between 1 and sentinels (${sentinelCount}).`);
  if (opts.announceHost && !/^127\./.test(opts.announceHost))
    throw new TestkitOptionsError(`announceHost ${opts.announceHost} must be a loopback address in 127.0.0.0/8.`);

  if (opts.announceHost && o.network === 'mapped') {
    throw new TestkitOptionsError(
      `announceHost ${opts.announceHost} simulates NAT on the host's network; in mapped mode the nodes already announce container addresses, and natMap maps them back. Drop announceHost, or use network: 'host'.`,
    );
  }

  const net = await o.driver.network(o.host);
  const announce = opts.announceHost;
  const visibleHost = announce ?? o.host;
  // With announceHost every node is known by it; otherwise by what the network gives it.
  const place = (): Placement => (announce ? { announcedHost: announce } : net.place());
  const bindLine: ConfigLine[] = announce ? [['bind', o.host, announce]] : [];
  const dataAuth: NodeAuth | undefined = o.password ? { password: o.password } : undefined;
  const dataNode = (extra: ConfigLine[]) => () => ({
    kind: 'redis' as const,
    placement: place(),
    lines: dataNodeLines(o, [...bindLine, ...(announce ? [['replica-announce-ip', announce] as ConfigLine] : []), ...extra]),
    tls: o.tls,
    auth: dataAuth,
    startTimeoutMs: o.startTimeoutMs,
    driver: o.driver,
  });

  const started: RedisNode[] = [];
  try {
    const primary = await launchOnFreePort('primary', o.host, dataNode([]));
    started.push(primary);
    const replicas = await Promise.all(
      Array.from({ length: replicaCount }, (_, i) =>
        launchOnFreePort(`replica-${i + 1}`, o.host, dataNode([['replicaof', primary.announcedHost, String(primary.port)]])),
      ),
    );
    started.push(...replicas);
    const nodes = [primary, ...replicas];
    const sentinels = await launchSentinels(o, opts, {
      masterName,
      quorum,
      count: sentinelCount,
      place,
      bindLine,
      primary,
      replicas,
    });
    started.push(...sentinels);
    const watch = await SentinelWatch.start(sentinels, o.readyTimeoutMs);
    const topology = new SentinelTopologyImpl(masterName, nodes, sentinels, watch, net, o, opts, visibleHost);
    try {
      await topology.waitForHealthy({ timeoutMs: o.readyTimeoutMs, expectAllSentinels: true });
    } catch (e) {
      watch.close();
      throw e;
    }
    return topology;
  } catch (e) {
    await stopAll(started);
    await net.close();
    throw e;
  }
}

interface SentinelPlan {
  readonly masterName: string;
  readonly quorum: number;
  readonly count: number;
  readonly place: () => Placement;
  readonly bindLine: readonly ConfigLine[];
  readonly primary: RedisNode;
  readonly replicas: readonly RedisNode[];
}

// All sentinels are seeded with each other's port and id, so a port lost to a parallel test
// process between allocation and bind invalidates the whole set: it is retried as a set.
async function launchSentinels(o: ResolvedServerOptions, opts: SentinelOptions, plan: SentinelPlan): Promise<RedisNode[]> {
  for (let attempt = 1; ; attempt++) {
    const ports = await Promise.all(Array.from({ length: plan.count }, () => allocatePort(o.host)));
    const ids = ports.map(() => randomBytes(20).toString('hex'));
    const placements = ports.map(() => plan.place());
    const dirs = await Promise.all(ports.map((_, i) => nodeDir(`sentinel-${i + 1}`)));
    const launched = await Promise.allSettled(
      ports.map((port, i) =>
        RedisNode.launch({
          name: `sentinel-${i + 1}`,
          kind: 'sentinel',
          host: o.host,
          port,
          placement: placements[i] as Placement,
          dir: dirs[i] as string,
          lines: sentinelLines(o, opts, plan, i, ports, ids, placements),
          tls: o.tls,
          auth: sentinelAuth(opts),
          startTimeoutMs: o.startTimeoutMs,
          driver: o.driver,
        }),
      ),
    );
    const nodes = launched.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failure = launched.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failure) return nodes;
    await stopAll(nodes);
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }).then(() => disownDir(d))));
    for (const p of ports) releasePort(p);
    if (!(failure.reason instanceof PortInUseError) || attempt >= 5) throw failure.reason;
  }
}

function sentinelAuth(opts: SentinelOptions): NodeAuth | undefined {
  if (!opts.sentinelPassword) return undefined;
  return opts.sentinelUsername ? { username: opts.sentinelUsername, password: opts.sentinelPassword } : { password: opts.sentinelPassword };
}

function sentinelLines(
  o: ResolvedServerOptions,
  opts: SentinelOptions,
  plan: SentinelPlan,
  index: number,
  ports: readonly number[],
  ids: readonly string[],
  placements: readonly Placement[],
): ConfigLine[] {
  const m = plan.masterName;
  const lines: ConfigLine[] = [
    ...plan.bindLine,
    ['sentinel', 'myid', ids[index] as string],
    ['sentinel', 'monitor', m, plan.primary.announcedHost, String(plan.primary.port), String(plan.quorum)],
    ['sentinel', 'down-after-milliseconds', m, String(opts.downAfterMs ?? DEFAULTS.downAfterMs)],
    ['sentinel', 'failover-timeout', m, String(opts.failoverTimeoutMs ?? DEFAULTS.failoverTimeoutMs)],
    ['sentinel', 'parallel-syncs', m, String(opts.parallelSyncs ?? 1)],
  ];
  if (o.password) lines.push(['sentinel', 'auth-pass', m, quoteArg(o.password)]);
  for (const r of plan.replicas) lines.push(['sentinel', 'known-replica', m, r.announcedHost, String(r.port)]);
  ports.forEach((port, j) => {
    const peer = (placements[j] as Placement).announcedHost;
    if (j !== index) lines.push(['sentinel', 'known-sentinel', m, peer, String(port), ids[j] as string]);
  });
  if (opts.announceHost) lines.push(['sentinel', 'announce-ip', opts.announceHost]);
  if (opts.sentinelPassword) {
    if (opts.sentinelUsername) {
      lines.push(['user', quoteArg(opts.sentinelUsername), 'on', quoteArg(`>${opts.sentinelPassword}`), 'allchannels', '+@all']);
      lines.push(['sentinel', 'sentinel-user', quoteArg(opts.sentinelUsername)]);
    } else {
      lines.push(['requirepass', quoteArg(opts.sentinelPassword)]);
    }
    lines.push(['sentinel', 'sentinel-pass', quoteArg(opts.sentinelPassword)]);
  }
  if (o.tls) lines.push(['tls-auth-clients', o.tlsClientAuth]);
  lines.push(...configLines(opts.sentinelConfig));
  return lines;
}

class SentinelTopologyImpl implements SentinelTopology {
  readonly kind = 'sentinel' as const;
  readonly url: string;
  readonly tls: TlsMaterial | undefined;
  readonly network: NetworkMode;
  readonly natMap: Readonly<Record<string, Address>>;
  readonly #net: TopologyNetwork;
  #stopped = false;

  constructor(
    readonly masterName: string,
    readonly nodes: readonly RedisNode[],
    readonly sentinels: readonly RedisNode[],
    readonly watch: SentinelWatch,
    net: TopologyNetwork,
    o: ResolvedServerOptions,
    opts: SentinelOptions,
    visibleHost: string,
  ) {
    this.tls = o.tls;
    this.#net = net;
    this.network = net.mode;
    this.url = sentinelUrl({
      sentinels: sentinels.map((s) => ({ host: visibleHost, port: s.port })),
      masterName,
      ...o.urlAuth,
      sentinelUsername: opts.sentinelUsername,
      sentinelPassword: opts.sentinelPassword,
      tls: o.tls !== undefined,
    });
    this.natMap = natMapOf([...nodes, ...sentinels]);
  }

  #nodeAt(addr: Address | undefined): RedisNode | undefined {
    // Ports are unique across the topology; the host may be the announced one.
    return addr ? this.nodes.find((n) => n.port === addr.port) : undefined;
  }

  async #sentinelView(): Promise<{ agreed: RedisNode | undefined; observed: string }> {
    const running = this.sentinels.filter((s) => s.state === 'running');
    const answers = await Promise.all(
      running.map(async (s) => {
        try {
          const reply = (await s.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName)) as [string, string] | null;
          return reply ? `${reply[0]}:${reply[1]}` : 'unknown';
        } catch (e) {
          return `error ${(e as Error).message}`;
        }
      }),
    );
    const distinct = [...new Set(answers)];
    const observed = running.map((s, i) => `${s.name}→${answers[i]}`).join(', ') || 'no sentinel running';
    if (distinct.length !== 1 || !distinct[0] || distinct[0].startsWith('error') || distinct[0] === 'unknown') {
      return { agreed: undefined, observed };
    }
    const port = Number(distinct[0].slice(distinct[0].lastIndexOf(':') + 1));
    return { agreed: this.#nodeAt({ host: '', port }), observed };
  }

  async primary(): Promise<RedisNode> {
    const { agreed, observed } = await this.#sentinelView();
    if (!agreed) throw new TestkitOptionsError(`the sentinels do not agree on a primary (${observed}); call waitForPrimary() first.`);
    return agreed;
  }

  async replicas(): Promise<RedisNode[]> {
    const primary = await this.primary();
    return this.nodes.filter((n) => n !== primary && n.state === 'running');
  }

  async waitForPrimary(opts: { not?: RedisNode; timeoutMs?: number } = {}): Promise<RedisNode> {
    return waitFor(
      opts.not ? `a primary other than ${opts.not.name}` : 'a primary all sentinels agree on',
      async (): Promise<Probe<RedisNode>> => {
        const { agreed, observed } = await this.#sentinelView();
        if (!agreed || agreed === opts.not) return { done: false, observed };
        if (agreed.state !== 'running' || (await agreed.role()) !== 'master') {
          return { done: false, observed: `${observed}; ${agreed.name} is not a running master yet` };
        }
        return { done: true, value: agreed };
      },
      { timeoutMs: opts.timeoutMs ?? DEFAULTS.faultTimeoutMs },
    );
  }

  async waitForHealthy(opts: { timeoutMs?: number; reconcile?: boolean; expectAllSentinels?: boolean } = {}): Promise<RedisNode> {
    return waitFor('a healthy Sentinel topology', () => this.#health(opts.expectAllSentinels ?? false, opts.reconcile ?? false), {
      timeoutMs: opts.timeoutMs ?? DEFAULTS.faultTimeoutMs,
    });
  }

  async #health(expectAllSentinels: boolean, reconcile: boolean): Promise<Probe<RedisNode>> {
    const { agreed: primary, observed } = await this.#sentinelView();
    if (!primary) return { done: false, observed };
    if (primary.state !== 'running' || (await primary.role()) !== 'master')
      return { done: false, observed: `${primary.name} is not a running master` };
    const replicas = this.nodes.filter((n) => n !== primary && n.state === 'running');
    for (const r of replicas) {
      const info = await r.info('replication');
      if (reconcile && info.role === 'master') {
        await r.call('REPLICAOF', primary.announcedHost, primary.port);
        return { done: false, observed: `${r.name} still acted as master; sent REPLICAOF` };
      }
      if (info.role !== 'slave' || Number(info.master_port) !== primary.port || info.master_link_status !== 'up') {
        return { done: false, observed: `${r.name}: role ${info.role}, master port ${info.master_port}, link ${info.master_link_status}` };
      }
    }
    const streaming = await replicasStreaming(primary, replicas.length);
    if (streaming < replicas.length)
      return { done: false, observed: `${streaming} of ${replicas.length} replicas acknowledge the replication stream` };
    const sentinels = this.sentinels.filter((s) => s.state === 'running');
    for (const s of sentinels) {
      const master = pairsToRecord(await s.call('SENTINEL', 'MASTER', this.masterName));
      if (master.flags !== 'master') return { done: false, observed: `${s.name} sees the primary as ${master.flags}` };
      const others = Number(master['num-other-sentinels']);
      const wanted = expectAllSentinels ? this.sentinels.length - 1 : sentinels.length - 1;
      if (others < wanted) return { done: false, observed: `${s.name} knows ${others} other sentinels, wants ${wanted}` };
      const known = ((await s.call('SENTINEL', 'REPLICAS', this.masterName)) as unknown[]).map(pairsToRecord);
      for (const r of replicas) {
        const seen = known.find((k) => Number(k.port) === r.port);
        // Sentinel refreshes a replica's INFO only every 10 s, so after a failover its view of
        // the link lags; the replica's own INFO (checked above) is the truth. At start the
        // view is fresh, and it is required so the first failover finds a promotable replica.
        const linkOk = !expectAllSentinels || seen?.['master-link-status'] === 'ok';
        if (seen?.flags !== 'slave' || !linkOk) {
          return {
            done: false,
            observed: `${s.name} sees ${r.name} as ${seen ? `${seen.flags}, link ${seen['master-link-status']}` : 'unknown'}`,
          };
        }
      }
      try {
        await s.call('SENTINEL', 'CKQUORUM', this.masterName);
      } catch (e) {
        return { done: false, observed: `${s.name}: ${(e as Error).message}` };
      }
    }
    return { done: true, value: primary };
  }

  async failover(opts: { timeoutMs?: number } = {}): Promise<SwitchMaster> {
    const timeoutMs = opts.timeoutMs ?? DEFAULTS.faultTimeoutMs;
    const start = nowMs();
    await waitFor(
      'a sentinel accepting SENTINEL FAILOVER',
      async (): Promise<Probe<undefined>> => {
        let observed = 'no sentinel running';
        for (const s of this.sentinels.filter((x) => x.state === 'running')) {
          try {
            await s.call('SENTINEL', 'FAILOVER', this.masterName);
            return { done: true, value: undefined };
          } catch (e) {
            // INPROG: one is already under way, which is what was asked for.
            if ((e as Error).message.startsWith('INPROG')) return { done: true, value: undefined };
            observed = `${s.name}: ${(e as Error).message}`;
          }
        }
        return { done: false, observed };
      },
      { timeoutMs },
    );
    return this.watch.waitForSwitchMaster({ after: start, timeoutMs });
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.watch.close();
    await stopAll([...this.sentinels, ...this.nodes]);
    await this.#net.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
