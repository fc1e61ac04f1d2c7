import { type DeploymentCheck, formatMs, pass, type Verdict, verdict } from '../check.js';
import { type ConnectTiming, probeConnect } from '../connect-probe.js';
import { errorText } from '../node-connection.js';
import { writeTargets } from './latency-ping.js';

/** The verdict on the cost of a fresh connection (pure). */
export function judgeConnect(t: ConnectTiming, warnMs: number): Verdict {
  const total = t.tcpMs + (t.tlsMs ?? 0) + (t.authMs ?? 0);
  const observed = `TCP ${formatMs(t.tcpMs)}${t.tlsMs !== undefined ? `, TLS ${formatMs(t.tlsMs)}` : ''}${t.authMs !== undefined ? `, AUTH ${formatMs(t.authMs)}` : ''}, first PING ${formatMs(t.pingMs)}`;
  const expected = `connect + TLS + AUTH < ${warnMs} ms`;
  if (total < warnMs) return pass(observed, expected);
  return verdict(
    'warn',
    `${observed}: every reconnect (after a failover, per pooled connection) pays ${formatMs(total)}`,
    expected,
    'run the service closer to Redis; reuse connections (a pool, TLS session resumption)',
  );
}

/** `latency.connect`: the cost of a fresh connection, step by step. */
export const latencyConnect: DeploymentCheck = {
  kind: 'deployment',
  id: 'latency.connect',
  title: 'Connect + TLS + AUTH from here',
  doc: {
    checks: 'one fresh connection to the primary, timed apart: TCP connect, TLS handshake, AUTH, first PING',
    verdicts: 'pass connect + TLS + AUTH < 100 ms; warn above. Threshold `warnMs`',
    fix: 'run the service closer to Redis; keep connections open',
  },
  async run(ctx) {
    return Promise.all(
      writeTargets(ctx.topology).map(async (node): Promise<Verdict> => {
        try {
          const t = await probeConnect(
            node.target,
            ctx.target.dataCreds,
            ctx.pool.timeouts.connectTimeoutMs + ctx.pool.timeouts.commandTimeoutMs,
          );
          return { ...judgeConnect(t, ctx.thresholds['latency.connect'].warnMs), node: node.address };
        } catch (e) {
          return {
            ...verdict('error', `a fresh connection failed: ${errorText(e)}`, 'connects', 'run the doctor again'),
            node: node.address,
          };
        }
      }),
    );
  },
};
