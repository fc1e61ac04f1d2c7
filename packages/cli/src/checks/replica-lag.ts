import { formatHostPort } from '../address.js';
import { isReplica, type NodeCheck, pass, type Verdict, verdict } from '../check.js';
import { infoNumber, infoReplicas } from '../info.js';
import { reachableData } from '../topology.js';

/** The verdict on a replica's lag in seconds (pure). */
export function judgeLag(lagS: number, t: { readonly warnS: number; readonly failS: number }): Verdict {
  const expected = `< ${t.warnS} s behind`;
  if (lagS < t.warnS) return pass(`${lagS} s`, expected);
  return verdict(
    lagS < t.failS ? 'warn' : 'fail',
    `${lagS} s behind: a failover now loses that much`,
    expected,
    'find what slows the replica (network, disk with AOF, big writes or commands); Sentinel promotes the most up-to-date replica',
  );
}

/** `replication.lag`: how far a replica is behind. */
export const replicaLag: NodeCheck = {
  kind: 'node',
  id: 'replication.lag',
  title: 'Replica lag',
  doc: {
    checks:
      "the primary's INFO `slaveN:lag=` for the replica (seconds since its last ack), else the replica's `master_last_io_seconds_ago`",
    verdicts: 'pass < 10 s; warn < 60 s; fail above. Thresholds `warnS`, `failS`',
    fix: 'find what slows the replica (network, disk, large writes)',
  },
  judge(node, ctx) {
    if (!isReplica(node) || node.info.master_link_status !== 'up') return undefined;
    // The primary lists the replica by the address it announces: match it exactly, or by port
    // alone when only one replica has that port (an address rewritten by NAT).
    const listed = reachableData(ctx.topology)
      .filter((p) => p.info.role === 'master')
      .flatMap((p) => infoReplicas(p.info));
    const port = 'port' in node.target ? node.target.port : undefined;
    const byPort = listed.filter((r) => r.port === port);
    const seen = listed.find((r) => formatHostPort(r.host, r.port) === node.address) ?? (byPort.length === 1 ? byPort[0] : undefined);
    let lag = seen?.lagS;
    lag ??= infoNumber(node.info, 'master_last_io_seconds_ago');
    if (lag === undefined) return undefined;
    return judgeLag(lag, ctx.thresholds['replication.lag']);
  },
};
