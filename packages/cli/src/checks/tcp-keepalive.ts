import { configRefused, type NodeCheck, nodeEngine, pass, type Verdict, verdict } from '../check.js';
import { configAnswer } from '../config-facts.js';
import { settingFix } from '../engine.js';

/** The verdict on `tcp-keepalive` seconds (pure). */
export function judgeKeepalive(seconds: number, maxS: number, fix: string): Verdict {
  const expected = `1–${maxS} s`;
  if (seconds === 0)
    return verdict('fail', '0: dead client connections are never found, they hold memory and maxclients slots', expected, fix);
  if (seconds > maxS)
    return verdict('warn', `${seconds} s: longer than NAT and load-balancer idle timeouts (Azure LB 240 s, AWS NAT 350 s)`, expected, fix);
  return pass(`${seconds} s`, expected);
}

/** `connections.tcp-keepalive`: the server's TCP keepalive. */
export const tcpKeepalive: NodeCheck = {
  kind: 'node',
  id: 'connections.tcp-keepalive',
  title: 'Server TCP keepalive',
  doc: {
    checks: 'CONFIG `tcp-keepalive`',
    verdicts: 'pass 1–300 s; warn above (threshold `maxS`); fail 0',
    fix: 'CONFIG SET tcp-keepalive 300',
    answers: 'redis/redis#4462, #4510; node-redis#1545 (keepalive 0 as a "fix")',
  },
  judge(node, ctx) {
    const a = configAnswer(node.config, 'tcp-keepalive');
    const max = ctx.thresholds['connections.tcp-keepalive'].maxS;
    if (a.state !== 'value') return configRefused(node, ctx, 'tcp-keepalive', `1–${max} s`);
    return judgeKeepalive(Number(a.value), max, settingFix(nodeEngine(node, ctx).provider, 'tcp-keepalive', '300'));
  },
};
