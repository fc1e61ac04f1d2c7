import { isLoopbackHost } from '../address.js';
import { type DeploymentCheck, nodeHost, pass, type Verdict, verdict } from '../check.js';

/** The verdict on plaintext connections to non-loopback hosts (pure). */
export function judgeTransport(plaintextRemote: readonly string[], anyTls: boolean): Verdict {
  const expected = 'TLS to any host beyond loopback';
  if (plaintextRemote.length === 0) return pass(anyTls ? 'TLS' : 'plaintext, loopback only', expected);
  return verdict(
    'warn',
    `plaintext to ${plaintextRemote.join(', ')}: passwords and data cross the network in clear`,
    expected,
    'use rediss:// (tls-port on the servers), or keep Redis on a private network you trust',
  );
}

/** `security.tls`: plaintext to a non-loopback host. */
export const transportTls: DeploymentCheck = {
  kind: 'deployment',
  id: 'security.tls',
  title: 'TLS beyond loopback',
  doc: {
    checks: 'the URL scheme (rediss://, tls=true, sentinelTls) against the hosts the doctor connected to',
    verdicts: 'pass TLS, or plaintext on loopback only; warn plaintext to a non-loopback host',
    fix: 'rediss:// with tls-port on the servers',
  },
  run(ctx) {
    const t = ctx.topology;
    const target = ctx.target;
    const dataTls = target.dataCreds.tls !== undefined;
    const sentinelTls = target.kind === 'sentinel' && target.sentinelCreds.tls !== undefined;
    const remote: string[] = [];
    if (!dataTls) for (const n of t.dataNodes) if (!isLoopbackHost(nodeHost(n))) remote.push(n.address);
    if (!sentinelTls) for (const s of t.sentinels) if (!isLoopbackHost(nodeHost(s))) remote.push(`sentinel ${s.address}`);
    return [judgeTransport(remote, dataTls || sentinelTls)];
  },
};
