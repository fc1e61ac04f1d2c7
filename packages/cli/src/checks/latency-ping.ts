import { type DeploymentCheck, formatMs, pass, type Verdict, verdict } from '../check.js';
import { type LatencySummary, samplePings, summarizeLatency } from '../latency-sample.js';
import { errorText } from '../node-connection.js';
import { type DataNodeFacts, reachableData, type Topology } from '../topology.js';

/** The verdict on PING round trips from here (pure). */
export function judgeLatency(
  s: LatencySummary,
  t: { readonly passP50Ms: number; readonly warnP50Ms: number; readonly warnP99Ms: number },
): Verdict {
  const observed = `p50 ${formatMs(s.p50Ms)}, p99 ${formatMs(s.p99Ms)}, max ${formatMs(s.maxMs)} over ${s.samples} PINGs`;
  const expected = `p50 < ${t.passP50Ms} ms, p99 < ${t.warnP99Ms} ms`;
  const fix =
    'run the service next to Redis (same zone, same network); look for CPU steal, swap and slow commands (SLOWLOG GET, LATENCY DOCTOR)';
  if (s.p50Ms >= t.warnP50Ms) return verdict('fail', `${observed}: every lock, limit and queue call pays this`, expected, fix);
  if (s.p50Ms >= t.passP50Ms) return verdict('warn', observed, expected, fix);
  if (s.p99Ms > t.warnP99Ms) return verdict('warn', `${observed}: stalls in the tail`, expected, fix);
  return pass(observed, expected);
}

/** The nodes writes go to: the primary (standalone, Sentinel) or every master (Cluster). */
export function writeTargets(t: Topology): DataNodeFacts[] {
  const data = reachableData(t);
  if (t.mode === 'cluster') return data.filter((n) => n.info.role === 'master');
  const primary = data.find((n) => n.address === t.primary) ?? data.find((n) => n.address === t.entry);
  return primary ? [primary] : [];
}

/** `latency.ping`: PING round trips from where the doctor (and the service) runs. */
export const latencyPing: DeploymentCheck = {
  kind: 'deployment',
  id: 'latency.ping',
  title: 'Round trip from here',
  doc: {
    checks: '100 PINGs ~10 ms apart from this host to the primary (every master on Cluster): p50, p99, max',
    verdicts: 'pass p50 < 1 ms; warn p50 < 5 ms or p99 > 10 ms; fail p50 ≥ 5 ms. Thresholds `passP50Ms`, `warnP50Ms`, `warnP99Ms`',
    fix: 'run the service next to Redis; look for CPU steal, swap, slow commands',
    answers: 'EmailEngine ALLOWED_REDIS_LATENCY (5 ms); redis_exporter#342, #551 (one sample from the exporter host)',
  },
  async run(ctx) {
    return Promise.all(
      writeTargets(ctx.topology).map(async (node): Promise<Verdict> => {
        const r = ctx.connection('data', node.address);
        if (!r) return { ...verdict('error', 'no connection', 'p50 < 1 ms', 'run the doctor again'), node: node.address };
        try {
          const samples = await samplePings(r, ctx.latency.samples, ctx.latency.intervalMs, ctx.signal);
          if (samples.length === 0)
            return {
              ...verdict('error', 'no PING finished in time', 'p50 < 1 ms', 'run the doctor again with a longer --timeout'),
              node: node.address,
            };
          return { ...judgeLatency(summarizeLatency(samples), ctx.thresholds['latency.ping']), node: node.address };
        } catch (e) {
          return { ...verdict('error', `PING failed: ${errorText(e)}`, 'p50 < 1 ms', 'run the doctor again'), node: node.address };
        }
      }),
    );
  },
};
