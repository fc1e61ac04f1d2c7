import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { readHostFile } from '../host-facts.js';

/** The verdict on this host's net.ipv4.tcp_retries2 (pure). */
export function judgeTcpRetries(value: number, max: number): Verdict {
  const expected = `≤ ${max}`;
  if (value <= max) return pass(`net.ipv4.tcp_retries2 = ${value}`, expected);
  return verdict(
    'warn',
    `net.ipv4.tcp_retries2 = ${value}: a connection to a host that died mid-request stalls for ${value >= 15 ? '~15 min' : 'minutes'} before it fails`,
    expected,
    `sysctl net.ipv4.tcp_retries2=${max} on the application host (StackExchange.Redis#1848; Azure's connection-resilience guide)`,
  );
}

/** `client-host.tcp-retries2`: how long this host's TCP keeps retransmitting to a dead peer. */
export const tcpRetries: DeploymentCheck = {
  kind: 'deployment',
  id: 'client-host.tcp-retries2',
  title: 'Client host: tcp_retries2',
  doc: {
    checks: '/proc/sys/net/ipv4/tcp_retries2 of the host the doctor runs on — run it where the service runs (Linux only)',
    verdicts: 'pass ≤ 5; warn above (the default 15 stalls ~15 min). Threshold `max`',
    fix: 'sysctl net.ipv4.tcp_retries2=5 on the application host',
    answers: 'StackExchange.Redis#1848',
  },
  async run(ctx) {
    const v = await readHostFile('/proc/sys/net/ipv4/tcp_retries2');
    if (v === undefined) return [];
    return [judgeTcpRetries(Number(v), ctx.thresholds['client-host.tcp-retries2'].max)];
  },
};
