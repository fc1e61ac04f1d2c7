import type { JudgeContext } from '../../src/check.js';
import type { ConfigAnswer } from '../../src/config-facts.js';
import { parseInfo } from '../../src/info.js';
import type { Profile } from '../../src/report.js';
import { resolveThresholds, type Thresholds } from '../../src/thresholds.js';
import type { DataNodeFacts, SentinelFacts, SentinelView, Topology } from '../../src/topology.js';

/** A data node as discovery would report it, from INFO lines and CONFIG values (`null`: refused). */
export function dataNode(opts: {
  address?: string;
  info?: Record<string, string | number>;
  config?: Record<string, string | null>;
  clusterInfo?: Record<string, string | number>;
}): DataNodeFacts {
  const address = opts.address ?? '127.0.0.1:6379';
  const [host, port] = address.split(':') as [string, string];
  const info = parseInfo(
    Object.entries({ redis_version: '7.2.4', role: 'master', ...(opts.info ?? {}) })
      .map(([k, v]) => `${k}:${v}`)
      .join('\n'),
  );
  const config: Record<string, ConfigAnswer> = {};
  for (const [k, v] of Object.entries(opts.config ?? {})) {
    config[k] =
      v === null
        ? { state: 'denied', reason: "NOPERM User app has no permissions to run the 'config|get' command" }
        : { state: 'value', value: v };
  }
  return {
    kind: 'data',
    reachable: true,
    address,
    target: { host, port: Number(port) },
    source: 'url',
    info,
    infoError: undefined,
    config,
    clusterInfo: opts.clusterInfo
      ? parseInfo(
          Object.entries(opts.clusterInfo)
            .map(([k, v]) => `${k}:${v}`)
            .join('\n'),
        )
      : undefined,
    connectMs: 1,
  };
}

/** A sentinel that answered with this view. */
export function sentinel(
  address: string,
  view: Partial<SentinelView>,
  info: Record<string, string> = { sentinel_tilt: '0' },
): SentinelFacts {
  const [host, port] = address.split(':') as [string, string];
  return {
    kind: 'sentinel',
    reachable: true,
    address,
    target: { host, port: Number(port) },
    source: 'url',
    info,
    view: { master: undefined, masterError: undefined, replicas: [], sentinels: [], ckquorum: undefined, ...view },
  };
}

/** A topology around some nodes. */
export function topology(partial: Partial<Topology> & { dataNodes?: Topology['dataNodes'] }): Topology {
  return {
    mode: 'standalone',
    urlHost: '127.0.0.1',
    tls: false,
    masterName: undefined,
    entry: partial.dataNodes?.[0]?.address,
    primary: partial.dataNodes?.[0]?.address,
    dataNodes: [],
    sentinels: [],
    cluster: undefined,
    fatal: undefined,
    ...partial,
  };
}

/** A judge context for a profile, with thresholds overridden as given. */
export function judgeContext(t: Topology, profile: Profile = 'coordination', thresholds: Thresholds = {}): JudgeContext {
  return { topology: t, profile, thresholds: resolveThresholds(thresholds), provider: undefined };
}

/** Judges one node on its own. */
export function ctxFor(node: DataNodeFacts, profile: Profile = 'coordination', thresholds: Thresholds = {}): JudgeContext {
  return judgeContext(topology({ dataNodes: [node] }), profile, thresholds);
}
