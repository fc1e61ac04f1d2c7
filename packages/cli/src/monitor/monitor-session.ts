import { setTimeout as sleep } from 'node:timers/promises';
import { type HostPort, mapAddress, type NatMap } from '@coordis/client';
import type { Redis } from 'ioredis';
import { formatHostPort, parseHostPort } from '../address.js';
import { judgeLatency } from '../checks/latency-ping.js';
import { judgeClients } from '../checks/maxclients.js';
import { judgeMemoryUsage } from '../checks/memory-usage.js';
import { judgeLag } from '../checks/replica-lag.js';
import { parseClusterNodes } from '../cluster-nodes.js';
import { DEFAULT_THRESHOLDS } from '../defaults.js';
import { electPrimary } from '../discover.js';
import type { DoctorTarget } from '../doctor-target.js';
import { type Info, infoNumber, infoReplicas, pairsToRecord, parseInfo } from '../info.js';
import { summarizeLatency } from '../latency-sample.js';
import { errorText, type NodeTarget } from '../node-connection.js';
import type { CheckStatus, DeploymentMode } from '../report.js';
import type { SentinelView } from '../topology.js';
import { LiveConnections } from './live-connections.js';
import type { MonitorEvent, MonitorNode, MonitorSentinel, MonitorSnapshot } from './snapshot.js';

/** Settings of a monitor session. */
export interface MonitorSessionOptions {
  readonly pingMs: number;
  readonly sparkWidth: number;
  readonly natMap?: NatMap | undefined;
  /** Called once per new Sentinel event (not for the same event repeated by other sentinels). */
  readonly onEvent?: (e: MonitorEvent) => void;
}

function key(kind: 'data' | 'sentinel', address: string): string {
  return `${kind} ${address}`;
}

function label(t: NodeTarget): string {
  return 'path' in t ? t.path : formatHostPort(t.host, t.port);
}

/** Events merged when every sentinel publishes the same one within this window. */
const MERGE_WINDOW_MS = 10_000;
const EVENTS_KEPT = 50;

/**
 * A monitor's view of a deployment, refreshed on demand: it keeps one connection per node,
 * follows the topology (a failover moves the primary; new sentinels are picked up), listens
 * to every sentinel's events and PINGs the primary in the background for the latency line.
 */
export class MonitorSession {
  readonly #target: DoctorTarget;
  readonly #o: MonitorSessionOptions;
  readonly #live = new LiveConnections();
  readonly #sentinels = new Map<string, HostPort>();
  readonly #sentinelRunIds = new Map<string, string>();
  readonly #prev = new Map<string, { atMs: number; info: Info }>();
  readonly #events: (MonitorEvent & { atMs: number })[] = [];
  #pings: number[] = [];
  readonly #history: number[] = [];
  #pingTarget: NodeTarget | undefined;
  #stopped = false;
  #pinger: Promise<void> | undefined;

  constructor(target: DoctorTarget, options: MonitorSessionOptions) {
    this.#target = target;
    this.#o = options;
    if (target.kind === 'sentinel') for (const s of target.sentinels) this.#sentinels.set(formatHostPort(s.host, s.port), s);
  }

  /** Starts the background PINGs. */
  start(): void {
    this.#pinger ??= this.#pingLoop();
  }

  async #pingLoop(): Promise<void> {
    while (!this.#stopped) {
      const t = this.#pingTarget;
      if (t) {
        try {
          const r = await this.#live.get(key('data', label(t)), t, this.#target.dataCreds);
          const started = performance.now();
          await r.ping();
          this.#pings.push(performance.now() - started);
        } catch {
          // The primary is away: no sample; the node row shows it down.
        }
      }
      await sleep(this.#o.pingMs);
    }
  }

  #onSentinelMessage(sentinel: string, channel: string, message: string): void {
    if (channel.startsWith('__sentinel__')) return;
    const now = Date.now();
    const same = this.#events.find((e) => e.channel === channel && e.message === message && now - e.atMs < MERGE_WINDOW_MS);
    if (same) {
      if (!same.sentinels.includes(sentinel)) (same.sentinels as string[]).push(sentinel);
      return;
    }
    const event = { at: new Date(now).toISOString(), atMs: now, channel, message, sentinels: [sentinel] };
    this.#events.push(event);
    if (this.#events.length > EVENTS_KEPT) this.#events.shift();
    this.#o.onEvent?.(event);
  }

  async #querySentinel(addr: HostPort, masterName: string): Promise<{ sentinel: MonitorSentinel; view?: SentinelView }> {
    const address = formatHostPort(addr.host, addr.port);
    const creds = this.#target.kind === 'sentinel' ? this.#target.sentinelCreds : {};
    this.#live.subscribe(key('sentinel', address), addr, creds, '*', (c, m) => this.#onSentinelMessage(address, c, m));
    try {
      const r = await this.#live.get(key('sentinel', address), addr, creds);
      const [master, replicas, sentinels, info] = await Promise.all([
        r.call('SENTINEL', 'MASTER', masterName),
        r.call('SENTINEL', 'REPLICAS', masterName),
        r.call('SENTINEL', 'SENTINELS', masterName),
        r.info('sentinel').then(String, () => ''),
      ]);
      let quorum: { ok: boolean; text: string };
      try {
        quorum = { ok: true, text: String(await r.call('SENTINEL', 'CKQUORUM', masterName)) };
      } catch (e) {
        quorum = { ok: false, text: errorText(e) };
      }
      const m = pairsToRecord(master);
      const view: SentinelView = {
        master: m,
        masterError: undefined,
        replicas: Array.isArray(replicas) ? replicas.map(pairsToRecord) : [],
        sentinels: Array.isArray(sentinels) ? sentinels.map(pairsToRecord) : [],
        ckquorum: { ok: quorum.ok, message: quorum.text },
      };
      const runId = parseInfo(String(await r.info('server').catch(() => ''))).run_id;
      if (runId) this.#sentinelRunIds.set(address, runId);
      const i = parseInfo(info);
      return {
        sentinel: {
          address,
          up: true,
          quorum,
          epoch: Number(m['config-epoch'] ?? 0),
          primary: m.ip && m.port ? formatHostPort(m.ip, Number(m.port)) : '?',
          flags: m.flags ?? '?',
          ...(i.sentinel_tilt !== undefined ? { tilt: i.sentinel_tilt === '1' } : {}),
        },
        view,
      };
    } catch (e) {
      const text = errorText(e);
      const why = /Stream isn't writeable|Connection is closed/.test(text)
        ? (this.#live.lastError(key('sentinel', address)) ?? 'not connected')
        : text;
      return { sentinel: { address, up: false, error: why } };
    }
  }

  #nodeFrom(address: string, info: Info, atMs: number): MonitorNode {
    const prev = this.#prev.get(address);
    this.#prev.set(address, { atMs, info });
    const role = info.role === 'master' ? 'primary' : info.role === 'slave' ? 'replica' : 'unknown';
    const used = infoNumber(info, 'used_memory') ?? 0;
    const max = infoNumber(info, 'maxmemory') ?? 0;
    const t = DEFAULT_THRESHOLDS;
    const memVerdict = judgeMemoryUsage(used, max, infoNumber(info, 'total_system_memory'), 'coordination', t['memory.usage'], '').status;
    const connected = infoNumber(info, 'connected_clients') ?? 0;
    const maxClients = infoNumber(info, 'maxclients');
    const delta = (field: string) => (prev ? (infoNumber(info, field) ?? 0) - (infoNumber(prev.info, field) ?? 0) : 0);
    const seconds = prev ? (atMs - prev.atMs) / 1000 : 0;
    const ops =
      prev && seconds > 0 ? Math.max(0, delta('total_commands_processed')) / seconds : (infoNumber(info, 'instantaneous_ops_per_sec') ?? 0);
    const hits = delta('keyspace_hits');
    const misses = delta('keyspace_misses');
    const saveStatus = info.rdb_last_bgsave_status ?? 'unknown';
    const lastSave = infoNumber(info, 'rdb_last_save_time');
    const node: MonitorNode = {
      address,
      role,
      up: true,
      memory: {
        usedBytes: used,
        maxBytes: max,
        policy: info.maxmemory_policy ?? '?',
        fragmentation: infoNumber(info, 'mem_fragmentation_ratio'),
        verdict: memVerdict,
      },
      clients: {
        connected,
        max: maxClients,
        blocked: infoNumber(info, 'blocked_clients') ?? 0,
        rejectedDelta: delta('rejected_connections'),
        verdict: maxClients ? judgeClients(connected, maxClients, t['connections.maxclients'], '').status : 'pass',
      },
      opsPerSec: Math.round(ops),
      hitRatio: hits + misses > 0 ? hits / (hits + misses) : null,
      evictedDelta: delta('evicted_keys'),
      lastSave: {
        ageS: lastSave ? Math.max(0, Math.round(Date.now() / 1000 - lastSave)) : undefined,
        status: saveStatus,
        verdict: saveStatus === 'ok' ? 'pass' : 'fail',
      },
      aof: {
        enabled: info.aof_enabled === '1',
        rewriteStatus: info.aof_last_bgrewrite_status ?? '?',
        rewriting: info.aof_rewrite_in_progress === '1',
      },
      replicas: infoNumber(info, 'connected_slaves') ?? 0,
    };
    if (role !== 'replica') return node;
    const link = info.master_link_status ?? 'unknown';
    const lag = infoNumber(info, 'master_last_io_seconds_ago');
    const verdict: CheckStatus = link !== 'up' ? 'fail' : lag === undefined ? 'pass' : judgeLag(lag, t['replication.lag']).status;
    return { ...node, replication: { primary: `${info.master_host}:${info.master_port}`, link, lagS: lag, verdict } };
  }

  async #readNode(target: NodeTarget): Promise<{ node: MonitorNode; info?: Info; redis?: Redis }> {
    const address = label(target);
    try {
      const r = await this.#live.get(key('data', address), target, this.#target.dataCreds);
      const info = parseInfo(String(await r.info()));
      return { node: this.#nodeFrom(address, info, performance.now()), info, redis: r };
    } catch (e) {
      this.#prev.delete(address);
      const text = errorText(e);
      const why = /Stream isn't writeable|Connection is closed/.test(text)
        ? (this.#live.lastError(key('data', address)) ?? 'not connected')
        : text;
      return { node: { address, role: 'unknown', up: false, error: why } };
    }
  }

  /** Reads every node once and returns what the screen shows. */
  async collect(): Promise<MonitorSnapshot> {
    const target = this.#target;
    let mode: DeploymentMode = 'standalone';
    let sentinels: MonitorSentinel[] = [];
    let primary: string | undefined;
    let dataTargets: NodeTarget[] = [];
    let cluster: MonitorSnapshot['cluster'];
    const nodes: MonitorNode[] = [];

    if (target.kind === 'sentinel') {
      mode = 'sentinel';
      const answers = await Promise.all([...this.#sentinels.values()].map((s) => this.#querySentinel(s, target.masterName)));
      sentinels = answers.map((a) => a.sentinel);
      const views = answers.flatMap((a) => (a.view ? [a.view] : []));
      const knownRunIds = new Set(this.#sentinelRunIds.values());
      for (const v of views) {
        for (const p of v.sentinels) {
          if (!p.ip || !p.port || (p.runid && knownRunIds.has(p.runid))) continue;
          const addr = mapAddress(this.#o.natMap, { host: p.ip, port: Number(p.port) });
          const k = formatHostPort(addr.host, addr.port);
          if (!this.#sentinels.has(k)) this.#sentinels.set(k, addr);
        }
      }
      const elected = electPrimary(views);
      const seen = new Set<string>();
      if (elected) {
        const p = mapAddress(this.#o.natMap, elected);
        primary = formatHostPort(p.host, p.port);
        seen.add(primary);
        dataTargets.push(p);
      }
      for (const v of views) {
        for (const r of v.replicas) {
          if (!r.ip || !r.port) continue;
          const a = mapAddress(this.#o.natMap, { host: r.ip, port: Number(r.port) });
          const k = formatHostPort(a.host, a.port);
          if (!seen.has(k)) {
            seen.add(k);
            dataTargets.push(a);
          }
        }
      }
    } else {
      const entry = await this.#readNode(target.node);
      if (entry.info?.cluster_enabled === '1' && entry.redis) {
        mode = 'cluster';
        try {
          const ci = parseInfo(String(await entry.redis.call('CLUSTER', 'INFO')));
          cluster = {
            state: ci.cluster_state ?? '?',
            slotsOk: infoNumber(ci, 'cluster_slots_ok'),
            slotsAssigned: infoNumber(ci, 'cluster_slots_assigned'),
          };
          const list = parseClusterNodes(String(await entry.redis.call('CLUSTER', 'NODES')));
          dataTargets = list
            .filter((n) => !n.flags.includes('myself'))
            .map((n) => mapAddress(this.#o.natMap, { host: n.host, port: n.port }));
        } catch {
          cluster = { state: 'unknown', slotsOk: undefined, slotsAssigned: undefined };
        }
        nodes.push(entry.node);
      } else {
        nodes.push(entry.node);
        primary = entry.node.address;
        const info = entry.info;
        if (info?.role === 'slave' && info.master_host) {
          const p = mapAddress(this.#o.natMap, { host: info.master_host, port: Number(info.master_port) });
          primary = formatHostPort(p.host, p.port);
          dataTargets.push(p);
        } else if (info) {
          dataTargets.push(...infoReplicas(info).map((r) => mapAddress(this.#o.natMap, { host: r.host, port: r.port })));
        }
      }
    }
    nodes.push(...(await Promise.all(dataTargets.map((t) => this.#readNode(t)))).map((r) => r.node));
    if (mode === 'cluster') {
      for (const n of nodes)
        if (n.up)
          (n as { cluster?: MonitorNode['cluster'] }).cluster = {
            state: cluster?.state ?? '?',
            verdict: cluster?.state === 'ok' ? 'pass' : 'fail',
          };
    }

    // The next PINGs go to the primary (the first master on a cluster).
    const pingAt = primary ?? nodes.find((n) => n.role === 'primary')?.address;
    const hp = pingAt ? parseHostPort(pingAt) : undefined;
    this.#pingTarget = hp ?? (target.kind === 'direct' ? target.node : undefined);
    const samples = this.#pings;
    this.#pings = [];
    let latency: MonitorSnapshot['latency'];
    if (samples.length) {
      const s = summarizeLatency(samples);
      this.#history.push(s.p50Ms);
      while (this.#history.length > this.#o.sparkWidth) this.#history.shift();
      latency = {
        p50Ms: s.p50Ms,
        p99Ms: s.p99Ms,
        samples: s.samples,
        verdict: judgeLatency(s, DEFAULT_THRESHOLDS['latency.ping']).status,
        history: [...this.#history],
      };
    }
    return {
      schemaVersion: 1,
      at: new Date().toISOString(),
      target: target.description,
      mode,
      ...(target.kind === 'sentinel' ? { masterName: target.masterName } : {}),
      ...(primary ? { primary } : {}),
      nodes,
      sentinels,
      ...(cluster ? { cluster } : {}),
      ...(latency ? { latency } : {}),
      events: this.#events.map(({ atMs: _atMs, ...e }) => ({ ...e, sentinels: [...e.sentinels] })),
    };
  }

  /** Stops the PINGs and closes every connection. */
  async close(): Promise<void> {
    this.#stopped = true;
    this.#live.closeAll();
    await this.#pinger;
  }
}
