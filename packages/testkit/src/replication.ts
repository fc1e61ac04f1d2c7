import type { RedisNode } from './redis-node.js';

/** The channel the testkit publishes on to probe replication; nothing subscribes to it. */
export const PROBE_CHANNEL = '__coordis_testkit__';

/**
 * How many replicas of `primary` acknowledge its replication stream right now. A replica
 * whose link is "up" may still not receive writes (after a diskless sync the stream waits
 * for its first ACK), so this sends a write that leaves no data behind (PUBLISH is
 * replicated) and asks WAIT how many replicas have it.
 */
export async function replicasStreaming(primary: RedisNode, wanted: number): Promise<number> {
  if (wanted === 0) return 0;
  await primary.call('PUBLISH', PROBE_CHANNEL, 'probe');
  return Number(await primary.call('WAIT', wanted, 100));
}
