import { isReplica, type NodeCheck, pass, verdict } from '../check.js';

/** `replication.link`: a replica's link to its primary. */
export const replicaLink: NodeCheck = {
  kind: 'node',
  id: 'replication.link',
  title: 'Replica link up',
  doc: {
    checks: 'INFO `master_link_status`, `master_link_down_since_seconds` on each replica',
    verdicts: 'pass up; fail down (the replica serves stale data and cannot be promoted safely)',
    fix: "read the replica's log; check masterauth, network and that the primary answers",
  },
  judge(node) {
    if (!isReplica(node)) return undefined;
    const status = node.info.master_link_status ?? 'unknown';
    const primary = `${node.info.master_host}:${node.info.master_port}`;
    if (status === 'up') return pass(`up to ${primary}`, 'up');
    const since = node.info.master_link_down_since_seconds;
    return verdict(
      'fail',
      `${status} to ${primary}${since && since !== '-1' ? ` for ${since} s` : ''}${node.info.master_sync_in_progress === '1' ? ' (full sync in progress)' : ''}`,
      'up',
      "read the replica's log; check masterauth, the network path to the primary and that it answers",
    );
  },
};
