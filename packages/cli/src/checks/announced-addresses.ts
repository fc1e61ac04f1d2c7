import { mapAddress } from '@coordis/client';
import { formatHostPort } from '../address.js';
import { type DeploymentCheck, formatMs, pass, type Verdict, verdict } from '../check.js';
import { dialTcp } from '../tcp-dial.js';
import { reachableSentinels } from '../topology.js';

/** Natural sort key so the verdicts come out in a stable order. */
function byAddress(a: { key: string }, b: { key: string }): number {
  return a.key.localeCompare(b.key, undefined, { numeric: true });
}

/** `sentinel.announced-addresses`: every address Sentinel hands to clients is reachable from here. */
export const announcedAddresses: DeploymentCheck = {
  kind: 'deployment',
  id: 'sentinel.announced-addresses',
  title: 'Announced addresses reachable',
  doc: {
    checks: 'a TCP connection from here to every address the sentinels announce: the primary, replicas and other sentinels (after natMap)',
    verdicts:
      'pass all connect; fail any that does not (Docker, NAT, Kubernetes remapping: clients would get an address they cannot use after a failover)',
    fix: 'set sentinel announce-ip / replica-announce-ip to reachable addresses, or map them with natMap in connect()',
    answers: 'Sentinel docs "Sentinel, Docker, NAT, and possible issues"; ioredis#651',
  },
  async run(ctx) {
    const t = ctx.topology;
    if (t.mode !== 'sentinel') return [];
    const wanted = new Map<string, { key: string; host: string; port: number; what: string }>();
    const add = (ip: string | undefined, port: string | undefined, what: string) => {
      if (!ip || !port) return;
      const key = formatHostPort(ip, Number(port));
      if (wanted.has(key)) return;
      const mapped = mapAddress(ctx.natMap, { host: ip, port: Number(port) });
      wanted.set(key, { key, host: mapped.host, port: mapped.port, what });
    };
    for (const s of reachableSentinels(t)) {
      add(s.view.master?.ip, s.view.master?.port, 'primary');
      for (const r of s.view.replicas) add(r.ip, r.port, 'replica');
      for (const p of s.view.sentinels) add(p.ip, p.port, 'sentinel');
    }
    const list = [...wanted.values()].sort(byAddress);
    const outcomes = await Promise.all(list.map((a) => dialTcp(a.host, a.port, ctx.pool.timeouts.connectTimeoutMs)));
    return list.map((a, i): Verdict => {
      const o = outcomes[i];
      const mappedKey = formatHostPort(a.host, a.port);
      const dialled = mappedKey === a.key ? '' : ` (dialled as ${mappedKey})`;
      if (o?.ok) return { ...pass(`${a.what} ${a.key}${dialled} connects in ${formatMs(o.ms)}`, 'connects from here'), node: a.key };
      return {
        ...verdict(
          'fail',
          `${a.what} ${a.key}${dialled}: ${o && !o.ok ? o.error : 'no outcome'}`,
          'connects from here',
          'announce an address clients can reach (sentinel announce-ip, replica-announce-ip), or map it with natMap in connect()',
        ),
        node: a.key,
      };
    });
  },
};
