import { type HostPort, mapAddress, type NatMap } from '@coordis/client';
import type { Redis } from 'ioredis';
import { formatHostPort } from './address.js';
import { parseClusterNodes } from './cluster-nodes.js';
import { CONFIG_PARAMS, type ConfigAnswer, isRefusal } from './config-facts.js';
import type { ConnectionPool } from './connection-pool.js';
import type { Deadline } from './deadline.js';
import type { DoctorTarget } from './doctor-target.js';
import { infoReplicas, pairsToRecord, parseInfo } from './info.js';
import { errorText, type NodeCredentials, type NodeTarget } from './node-connection.js';
import type { DataNode, SentinelFacts, SentinelNode, SentinelView, Topology, UnreachableNode } from './topology.js';

/** What discovery needs besides the target. */
export interface DiscoveryContext {
  readonly pool: ConnectionPool;
  /** Discovery must be done by then; later answers are not waited for. */
  readonly deadline: Deadline;
  /** How much of the budget to leave for the checks that talk to nodes. */
  readonly reserveMs: number;
  readonly natMap: NatMap | undefined;
  readonly maxSentinels: number;
  /** Filled with the open connection of every node that answered, by {@link connectionKey}. */
  readonly connections: Map<string, Redis>;
}

/** The key of a node's connection in {@link DiscoveryContext.connections}. */
export function connectionKey(kind: 'data' | 'sentinel', address: string): string {
  return `${kind} ${address}`;
}

function label(target: NodeTarget): string {
  return 'path' in target ? target.path : formatHostPort(target.host, target.port);
}

function unreachable<K extends 'data' | 'sentinel'>(
  kind: K,
  target: NodeTarget,
  source: string,
  error: string,
  auth = false,
): UnreachableNode & { kind: K } {
  return { kind, reachable: false, address: label(target), target, source, error, auth };
}

function late(ctx: DiscoveryContext): number {
  return Math.max(0, ctx.deadline.remainingMs() - ctx.reserveMs);
}

/** INFO first, then CONFIG GET of each parameter the checks need, then CLUSTER INFO on cluster nodes. */
async function probeData(ctx: DiscoveryContext, target: NodeTarget, creds: NodeCredentials, source: string): Promise<DataNode> {
  const work = (async (): Promise<DataNode> => {
    const c = await ctx.pool.open(target, creds);
    if (!c.ok) return unreachable('data', target, source, c.error, c.auth);
    let infoText = '';
    let infoError: string | undefined;
    try {
      infoText = String(await c.redis.info());
    } catch (e) {
      const text = errorText(e);
      if (!isRefusal(text)) return unreachable('data', target, source, `INFO: ${text}`);
      infoError = text;
    }
    const info = parseInfo(infoText);
    const config: Record<string, ConfigAnswer> = {};
    await Promise.all(
      CONFIG_PARAMS.map(async (name) => {
        try {
          const reply = pairsToRecord(await c.redis.call('CONFIG', 'GET', name));
          const value = reply[name];
          config[name] = value === undefined ? { state: 'absent' } : { state: 'value', value };
        } catch (e) {
          const text = errorText(e);
          config[name] = { state: 'denied', reason: text };
        }
      }),
    );
    let clusterInfo: ReturnType<typeof parseInfo> | undefined;
    if (info.cluster_enabled === '1') {
      try {
        clusterInfo = parseInfo(String(await c.redis.call('CLUSTER', 'INFO')));
      } catch {
        clusterInfo = undefined;
      }
    }
    ctx.connections.set(connectionKey('data', label(target)), c.redis);
    return {
      kind: 'data',
      reachable: true,
      address: label(target),
      target,
      source,
      info,
      infoError,
      config,
      clusterInfo,
      connectMs: c.connectMs,
    };
  })();
  return ctx.deadline.race(work, late(ctx), (ms) =>
    unreachable('data', target, source, `no answer within ${Math.round(ms)} ms (the run's time budget)`),
  );
}

async function sentinelCall(s: Redis, ...args: string[]): Promise<unknown> {
  return s.call('SENTINEL', ...args);
}

async function probeSentinel(ctx: DiscoveryContext, target: HostPort, creds: NodeCredentials, masterName: string, source: string) {
  const work = (async (): Promise<SentinelNode> => {
    const c = await ctx.pool.open(target, creds);
    if (!c.ok) return unreachable('sentinel', target, source, c.error, c.auth);
    const r = c.redis;
    let info = parseInfo('');
    try {
      info = parseInfo(String(await r.info()));
    } catch {
      // A sentinel whose ACL refuses INFO still answers SENTINEL subcommands; TILT is then skipped.
    }
    const settle = async <T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> => {
      try {
        return { ok: true, value: await p };
      } catch (e) {
        return { ok: false, error: errorText(e) };
      }
    };
    const [master, replicas, sentinels, ckquorum] = await Promise.all([
      settle(sentinelCall(r, 'MASTER', masterName)),
      settle(sentinelCall(r, 'REPLICAS', masterName)),
      settle(sentinelCall(r, 'SENTINELS', masterName)),
      settle(sentinelCall(r, 'CKQUORUM', masterName)),
    ]);
    const list = (x: typeof replicas) => (x.ok && Array.isArray(x.value) ? x.value.map(pairsToRecord) : []);
    const view: SentinelView = {
      master: master.ok ? pairsToRecord(master.value) : undefined,
      masterError: master.ok ? undefined : master.error,
      replicas: list(replicas),
      sentinels: list(sentinels),
      ckquorum: ckquorum.ok ? { ok: true, message: String(ckquorum.value) } : { ok: false, message: ckquorum.error },
    };
    ctx.connections.set(connectionKey('sentinel', label(target)), r);
    return { kind: 'sentinel', reachable: true, address: label(target), target, source, info, view };
  })();
  return ctx.deadline.race(work, late(ctx), (ms) =>
    unreachable('sentinel', target, source, `no answer within ${Math.round(ms)} ms (the run's time budget)`),
  );
}

function hostPortOf(rec: Readonly<Record<string, string>>): HostPort | undefined {
  const host = rec.ip;
  const port = Number(rec.port);
  return host && Number.isInteger(port) && port > 0 ? { host, port } : undefined;
}

/**
 * Picks the primary as @coordis/client does: the highest config-epoch wins, then the
 * address most sentinels name.
 */
export function electPrimary(views: readonly SentinelView[]): HostPort | undefined {
  let best: { epoch: number; votes: Map<string, { addr: HostPort; n: number }> } | undefined;
  for (const v of views) {
    const addr = v.master ? hostPortOf(v.master) : undefined;
    if (!addr || !v.master) continue;
    const epoch = Number(v.master['config-epoch'] ?? 0);
    if (!best || epoch > best.epoch) best = { epoch, votes: new Map() };
    if (epoch < best.epoch) continue;
    const key = formatHostPort(addr.host, addr.port);
    const entry = best.votes.get(key) ?? { addr, n: 0 };
    entry.n++;
    best.votes.set(key, entry);
  }
  if (!best) return undefined;
  return [...best.votes.values()].sort((a, b) => b.n - a.n)[0]?.addr;
}

async function discoverSentinel(target: DoctorTarget & { kind: 'sentinel' }, ctx: DiscoveryContext): Promise<Topology> {
  const masterName = target.masterName;
  const sentinels: SentinelNode[] = [];
  const seenAddr = new Set<string>();
  const seenRunIds = new Set<string>();
  let wave: { addr: HostPort; source: string }[] = target.sentinels.map((addr) => ({ addr, source: 'url' }));
  while (wave.length && sentinels.length < ctx.maxSentinels) {
    const fresh = wave.filter((w) => {
      const key = formatHostPort(w.addr.host, w.addr.port);
      if (seenAddr.has(key)) return false;
      seenAddr.add(key);
      return true;
    });
    const probed = await Promise.all(
      fresh
        .slice(0, ctx.maxSentinels - sentinels.length)
        .map((w) => probeSentinel(ctx, w.addr, target.sentinelCreds, masterName, w.source)),
    );
    const next: { addr: HostPort; source: string }[] = [];
    for (const s of probed) {
      // The same sentinel under two names (a host name in the URL, an IP in SENTINEL SENTINELS).
      if (s.reachable && s.info.run_id) {
        if (seenRunIds.has(s.info.run_id)) continue;
        seenRunIds.add(s.info.run_id);
      }
      sentinels.push(s);
      if (!s.reachable) continue;
      for (const peer of s.view.sentinels) {
        const addr = hostPortOf(peer);
        if (!addr || (peer.runid && seenRunIds.has(peer.runid))) continue;
        next.push({ addr: mapAddress(ctx.natMap, addr), source: 'sentinel' });
      }
    }
    wave = next;
  }
  const reachable = sentinels.filter((s): s is SentinelFacts => s.reachable);
  const base = {
    mode: 'sentinel' as const,
    urlHost: target.sentinels[0]?.host ?? '',
    tls: target.dataCreds.tls !== undefined,
    masterName,
    entry: undefined,
    cluster: undefined,
  };
  if (reachable.length === 0) {
    const auth = sentinels.some((s) => !s.reachable && s.auth);
    const causes = sentinels.map((s) => `${s.address}: ${s.reachable ? 'ok' : s.error}`).join('; ');
    return {
      ...base,
      primary: undefined,
      dataNodes: [],
      sentinels,
      fatal: {
        reason: `no sentinel answered (${causes})`,
        auth,
        fix: auth
          ? 'sentinels have their own credentials: set sentinelUsername / sentinelPassword in the URL'
          : 'check the sentinel addresses and ports (default 26379) and that this host can reach them',
      },
    };
  }
  const views = reachable.map((s) => s.view);
  const primaryAnnounced = electPrimary(views);
  if (!primaryAnnounced) {
    const why = reachable.map((s) => `${s.address}: ${s.view.masterError ?? 'no master'}`).join('; ');
    return {
      ...base,
      primary: undefined,
      dataNodes: [],
      sentinels,
      fatal: {
        reason: `no sentinel names a primary for "${masterName}" (${why})`,
        auth: false,
        fix: `check the master name (?name= in the URL); SENTINEL MASTERS on a sentinel lists the right one`,
      },
    };
  }
  const dataTargets = new Map<string, { addr: HostPort; source: string }>();
  const primary = mapAddress(ctx.natMap, primaryAnnounced);
  dataTargets.set(formatHostPort(primary.host, primary.port), { addr: primary, source: 'primary named by Sentinel' });
  for (const v of views) {
    for (const r of v.replicas) {
      const addr = hostPortOf(r);
      if (!addr) continue;
      const mapped = mapAddress(ctx.natMap, addr);
      const key = formatHostPort(mapped.host, mapped.port);
      if (!dataTargets.has(key)) dataTargets.set(key, { addr: mapped, source: 'replica named by Sentinel' });
    }
  }
  const dataNodes = await Promise.all([...dataTargets.values()].map((d) => probeData(ctx, d.addr, target.dataCreds, d.source)));
  const primaryNode = dataNodes[0];
  const fatal =
    primaryNode && !primaryNode.reachable && primaryNode.auth
      ? {
          reason: `the primary ${primaryNode.address} refused the credentials: ${primaryNode.error}`,
          auth: true,
          fix: 'set the data nodes’ username and password in the URL userinfo',
        }
      : undefined;
  return { ...base, primary: formatHostPort(primary.host, primary.port), dataNodes, sentinels, fatal };
}

async function discoverDirect(target: DoctorTarget & { kind: 'direct' }, ctx: DiscoveryContext): Promise<Topology> {
  let entry = await probeData(ctx, target.node, target.dataCreds, 'url');
  for (const seed of target.fallbacks) {
    if (entry.reachable || (!entry.reachable && entry.auth)) break;
    entry = await probeData(ctx, seed, target.dataCreds, 'url');
  }
  const urlHost = 'path' in target.node ? target.node.path : target.node.host;
  const base = { urlHost, tls: target.dataCreds.tls !== undefined, masterName: undefined, entry: entry.address };
  if (!entry.reachable) {
    return {
      ...base,
      mode: 'unknown',
      primary: undefined,
      dataNodes: [entry],
      sentinels: [],
      cluster: undefined,
      fatal: {
        reason: `${entry.address}: ${entry.error}`,
        auth: entry.auth,
        fix: entry.auth
          ? 'set the right username and password in the URL (redis://user:password@host:port)'
          : 'check the host and port, that Redis runs there and that this host may connect (firewall, security group, bind)',
      },
    };
  }
  if (entry.info.cluster_enabled === '1') {
    let nodes: ReturnType<typeof parseClusterNodes> = [];
    try {
      const redis = ctx.connections.get(connectionKey('data', entry.address));
      nodes = redis ? parseClusterNodes(String(await redis.call('CLUSTER', 'NODES'))) : [];
    } catch {
      nodes = [];
    }
    const others = nodes.filter((n) => n.address !== entry.address && !n.flags.includes('myself') && !n.flags.includes('noaddr'));
    const probed = await Promise.all(
      others.map((n) => probeData(ctx, mapAddress(ctx.natMap, { host: n.host, port: n.port }), target.dataCreds, 'cluster')),
    );
    return {
      ...base,
      mode: 'cluster',
      primary: undefined,
      dataNodes: [entry, ...probed],
      sentinels: [],
      cluster: nodes.length ? { nodes, source: entry.address } : undefined,
      fatal: undefined,
    };
  }
  const dataNodes: DataNode[] = [entry];
  let primary = entry.address;
  let primaryInfo = entry.info;
  if (entry.info.role === 'slave' && entry.info.master_host && entry.info.master_port) {
    const addr = mapAddress(ctx.natMap, { host: entry.info.master_host, port: Number(entry.info.master_port) });
    const p = await probeData(ctx, addr, target.dataCreds, 'primary of the URL’s node');
    dataNodes.push(p);
    primary = p.address;
    primaryInfo = p.reachable ? p.info : {};
  }
  const known = new Set(dataNodes.map((n) => n.address));
  const replicas = infoReplicas(primaryInfo)
    .map((r) => mapAddress(ctx.natMap, { host: r.host, port: r.port }))
    .filter((a) => !known.has(formatHostPort(a.host, a.port)));
  dataNodes.push(...(await Promise.all(replicas.map((a) => probeData(ctx, a, target.dataCreds, 'replica')))));
  return { ...base, mode: 'standalone', primary, dataNodes, sentinels: [], cluster: undefined, fatal: undefined };
}

/** Finds every node reachable from the target and gathers INFO, then CONFIG, from each. */
export function discover(target: DoctorTarget, ctx: DiscoveryContext): Promise<Topology> {
  return target.kind === 'sentinel' ? discoverSentinel(target, ctx) : discoverDirect(target, ctx);
}
