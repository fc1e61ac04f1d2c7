import type { ConnectionSpec, NatMap } from '@coordis/client';
import type { Cluster, Redis } from 'ioredis';
import { isLoopbackHost } from './address.js';
import { CATALOGUE } from './catalogue.js';
import type { Check, JudgeContext, LiveContext, Verdict } from './check.js';
import { nodeHost, verdict } from './check.js';
import { reachable } from './checks/reachable.js';
import { ConnectionPool } from './connection-pool.js';
import { Deadline } from './deadline.js';
import { DEFAULTS } from './defaults.js';
import { connectionKey, discover } from './discover.js';
import { type DoctorTarget, describeSpec, targetFromClient, targetFromSpec, targetFromUrl } from './doctor-target.js';
import { PROVIDERS, type Provider } from './engine.js';
import { DoctorOptionsError } from './errors.js';
import { errorText } from './node-connection.js';
import { type CheckResult, countStatuses, type DoctorReport, PROFILES, type Profile, type ReportNode, SCHEMA_VERSION } from './report.js';
import { selectChecks } from './select-checks.js';
import { resolveThresholds, type Thresholds } from './thresholds.js';
import { TOOL } from './tool-version.js';
import { nodeRole, reachableData, type Topology } from './topology.js';

/** Options of {@link runDoctor}. One of `url`, `spec` or `client` says what to inspect. */
export interface RunDoctorOptions {
  /** Any URL `@coordis/client` parses (`redis://`, `rediss://`, `redis-sentinel://`, `unix://`), or `redis+cluster://h1,h2`. */
  readonly url?: string;
  /** A parsed connection, e.g. from `connectionFromEnv('CONVOY_REDIS')`. */
  readonly spec?: ConnectionSpec;
  /**
   * The service's own client (ioredis `Redis` or `Cluster`, or a CoordisClient): its connection
   * settings are checked too (`client.options`). Without `url`/`spec`, the deployment is found
   * from it.
   */
  readonly client?: Redis | Cluster;
  /** @default 'coordination' */
  readonly profile?: Profile;
  /** Ids or groups to run (`['memory', 'sentinel.ckquorum']`); a leading `-` excludes (`['-host']`). @default every check */
  readonly checks?: readonly string[];
  /** The whole run's budget; what has not finished by then is reported as `error` and the report is partial. @default 10000 */
  readonly timeoutMs?: number;
  /** One check's budget. @default 3000 */
  readonly checkTimeoutMs?: number;
  /** Per node: TCP/TLS connect, and each command. @default 2000 */
  readonly connectTimeoutMs?: number;
  /** Per-check threshold overrides: `{ 'memory.usage': { warnPct: 70 } }`. */
  readonly thresholds?: Thresholds;
  /** Read this host's vm.overcommit_memory, THP and swap: `'auto'` when every data node is on loopback. @default 'auto' */
  readonly hostChecks?: boolean | 'auto';
  /** Who runs Redis, when detection cannot tell (Memorystore): changes the fix lines. */
  readonly provider?: Provider;
  /** The `natMap` the service gives `connect()`: addresses Sentinel and Cluster announce, rewritten. */
  readonly natMap?: NatMap;
  /** Report every `skip` as `warn`. @default false */
  readonly strict?: boolean;
  /** The latency sample: @default { samples: 100, intervalMs: 10 } */
  readonly latency?: { readonly samples?: number; readonly intervalMs?: number };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new DoctorOptionsError(name, `${name} must be a positive number, got ${value}.`);
  return value;
}

function resolveTarget(o: RunDoctorOptions): DoctorTarget {
  if (o.url !== undefined) return targetFromUrl(o.url);
  if (o.spec) return targetFromSpec(o.spec, describeSpec(o.spec));
  if (o.client) return targetFromClient(o.client);
  throw new DoctorOptionsError('url', 'say what to inspect: runDoctor({ url }), { spec } or { client }.');
}

function reportNodes(t: Topology): ReportNode[] {
  return [
    ...t.dataNodes.map(
      (n): ReportNode => ({ address: n.address, kind: 'data', role: n.reachable ? nodeRole(n) : 'unknown', reachable: n.reachable }),
    ),
    ...t.sentinels.map((s): ReportNode => ({ address: s.address, kind: 'sentinel', role: 'sentinel', reachable: s.reachable })),
  ];
}

function result(check: Check, v: Verdict, node: string | null): CheckResult {
  return { id: check.id, title: check.title, status: v.status, observed: v.observed, expected: v.expected, fix: v.fix, node };
}

/**
 * Judges a live Redis deployment for a coordination workload, from where the caller runs:
 * every node found from the URL (each sentinel, the primary, each replica, each cluster node)
 * is asked INFO first and CONFIG GET second, never KEYS or MONITOR. Resolves with the report
 * — also when nothing could be reached (`connected: false`) or time ran out (`complete:
 * false`); rejects only on bad options ({@link DoctorOptionsError}).
 */
export async function runDoctor(options: RunDoctorOptions): Promise<DoctorReport> {
  const startedAt = new Date();
  const started = performance.now();
  const profile = options.profile ?? DEFAULTS.profile;
  if (!PROFILES.includes(profile))
    throw new DoctorOptionsError('profile', `profile "${String(profile)}" is not one of ${PROFILES.join(', ')}.`);
  if (options.provider !== undefined && !PROVIDERS.includes(options.provider)) {
    throw new DoctorOptionsError('provider', `provider "${String(options.provider)}" is not one of ${PROVIDERS.join(', ')}.`);
  }
  const timeoutMs = positive('timeoutMs', options.timeoutMs, DEFAULTS.timeoutMs);
  const checkTimeoutMs = positive('checkTimeoutMs', options.checkTimeoutMs, DEFAULTS.checkTimeoutMs);
  const connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, DEFAULTS.connectTimeoutMs);
  const latency = {
    samples: Math.round(positive('latency.samples', options.latency?.samples, DEFAULTS.latencySamples)),
    intervalMs: positive('latency.intervalMs', options.latency?.intervalMs, DEFAULTS.latencyIntervalMs),
  };
  const thresholds = resolveThresholds(options.thresholds);
  const checks = selectChecks(CATALOGUE, options.checks);
  const target = resolveTarget(options);

  const deadline = new Deadline(timeoutMs);
  const pool = new ConnectionPool({
    connectTimeoutMs: Math.min(connectTimeoutMs, timeoutMs),
    commandTimeoutMs: Math.min(connectTimeoutMs, timeoutMs),
  });
  const connections = new Map<string, Redis>();
  let complete = true;
  try {
    const topology = await discover(target, {
      pool,
      deadline,
      // Leave time for the checks that talk to nodes (the latency sample takes ~1 s).
      reserveMs: Math.min(timeoutMs / 4, 2_500),
      natMap: options.natMap,
      maxSentinels: DEFAULTS.maxSentinels,
      connections,
    });
    const judge: JudgeContext = { topology, profile, thresholds, provider: options.provider };
    const hostChecks =
      options.hostChecks === undefined || options.hostChecks === 'auto'
        ? topology.dataNodes.length > 0 && topology.dataNodes.every((n) => isLoopbackHost(nodeHost(n)))
        : options.hostChecks;
    const live = (signal: AbortSignal): LiveContext => ({
      ...judge,
      target,
      connection: (kind, address) => connections.get(connectionKey(kind, address)),
      pool,
      natMap: options.natMap,
      client: options.client,
      hostChecks,
      latency,
      signal,
    });

    const perCheck = new Map<Check, CheckResult[]>();
    if (topology.fatal) {
      // Whatever checks were selected, say why nothing could be checked.
      const vs = await reachable.run(live(new AbortController().signal));
      const rs = vs.map((v) => result(reachable, v, v.node ?? null));
      if (!rs.some((r) => r.status === 'fail')) {
        rs.push(
          result(reachable, verdict('fail', topology.fatal.reason, 'a reachable, authenticated deployment', topology.fatal.fix), null),
        );
      }
      perCheck.set(reachable, rs);
    } else {
      const nodes = reachableData(topology);
      await Promise.all(
        checks.map(async (check) => {
          if (check.kind === 'node') {
            const rs: CheckResult[] = [];
            for (const n of nodes) {
              try {
                const v = check.judge(n, judge);
                if (v) rs.push(result(check, v, n.address));
              } catch (e) {
                rs.push(
                  result(
                    check,
                    verdict('error', `the check failed: ${errorText(e)}`, '-', 'report this as a bug of coordis doctor'),
                    n.address,
                  ),
                );
              }
            }
            perCheck.set(check, rs);
            return;
          }
          const limit = Math.min(checkTimeoutMs, deadline.remainingMs());
          if (limit <= 0) {
            complete = false;
            perCheck.set(check, [
              result(check, verdict('error', "not run: the run's time budget was used up", '-', 'run again with a longer --timeout'), null),
            ]);
            return;
          }
          const abort = new AbortController();
          try {
            const vs = await deadline.race(Promise.resolve(check.run(live(abort.signal))), limit, () => undefined);
            if (vs === undefined) {
              abort.abort();
              complete = false;
              perCheck.set(check, [
                result(
                  check,
                  verdict(
                    'error',
                    `did not finish within ${Math.round(limit)} ms`,
                    '-',
                    'run again with a longer --timeout, and look for a slow or hung node',
                  ),
                  null,
                ),
              ]);
              return;
            }
            perCheck.set(
              check,
              vs.map((v) => result(check, v, v.node ?? null)),
            );
          } catch (e) {
            perCheck.set(check, [
              result(check, verdict('error', `the check failed: ${errorText(e)}`, '-', 'report this as a bug of coordis doctor'), null),
            ]);
          }
        }),
      );
    }
    if (
      topology.dataNodes.some((n) => !n.reachable && /time budget/.test(n.error)) ||
      topology.sentinels.some((s) => !s.reachable && /time budget/.test(s.error))
    ) {
      complete = false;
    }
    const reported = topology.fatal ? [reachable] : checks;
    let results = reported.flatMap((c) => perCheck.get(c) ?? []);
    if (options.strict) {
      results = results.map((r) =>
        r.status === 'skip' ? { ...r, status: 'warn', observed: `could not check (strict): ${r.observed}` } : r,
      );
    }
    return {
      schemaVersion: SCHEMA_VERSION,
      tool: TOOL,
      target: target.description,
      mode: topology.mode,
      profile,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      complete,
      connected: topology.fatal === undefined,
      nodes: reportNodes(topology),
      summary: countStatuses(results),
      results,
    };
  } finally {
    pool.closeAll();
  }
}
