import { type DeploymentCheck, formatMs, pass, type Verdict, verdict } from '../check.js';

/** `server.reachable`: every node found answers, with the given credentials. */
export const reachable: DeploymentCheck = {
  kind: 'deployment',
  id: 'server.reachable',
  title: 'Node reachable',
  doc: {
    checks: "a TCP (+TLS) connection, AUTH and PING to every node found: the URL's, replicas, sentinels, cluster nodes",
    verdicts: "pass answers; fail refused, timed out or wrong credentials (exit code 3 when it is the URL's node or every sentinel)",
    fix: 'check address, port, firewall and credentials',
  },
  run(ctx) {
    const t = ctx.topology;
    const out: Verdict[] = [];
    for (const n of [...t.dataNodes, ...t.sentinels]) {
      const what = n.kind === 'sentinel' ? 'sentinel' : n.source === 'url' ? "the URL's node" : n.source;
      if (n.reachable) {
        const ms = n.kind === 'data' ? `, connect + AUTH + PING ${formatMs(n.connectMs)}` : '';
        out.push({ ...pass(`answers (${what}${ms})`, 'answers'), node: n.address });
        continue;
      }
      const fix = n.auth
        ? n.kind === 'sentinel'
          ? 'sentinels have their own credentials: sentinelUsername / sentinelPassword in the URL'
          : 'set the right username and password in the URL userinfo'
        : 'check that it runs and that this host may reach it (address, port, firewall, bind, TLS)';
      out.push({ ...verdict('fail', `${what}: ${n.error}`, 'answers', fix), node: n.address });
    }
    return out;
  },
};
