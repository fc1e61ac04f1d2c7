import { type CallOptions, DurabilityError, isCoordisError } from '@coordis/client';
import type { Cluster, Redis } from 'ioredis';
import { EventBusConfigError } from './errors.js';
import { isSlotMoved } from './slot-link.js';

/** One XADD of an encoded event to the bus's stream; rejects when it is not known to have been kept. */
export type StreamAppend = (data: string | Buffer) => Promise<void>;

/** What a durable publisher appends with. */
export interface AppendOptions {
  readonly stream: string;
  readonly maxLen: number;
  /** Replicas that must hold the entry before the publish resolves (WAIT); 0: the primary's word is enough. */
  readonly replicas: number;
  readonly replicasTimeoutMs: number;
}

type OptionsView = Redis & { withOptions(opts: CallOptions): Redis };
const hasOptions = (c: Redis): c is OptionsView => typeof (c as unknown as { withOptions?: unknown }).withOptions === 'function';

/**
 * The XADD of a durable publish (length retention rides on it, MAXLEN ~). On one primary a
 * coordis client confirms replicas itself (`withOptions({ durable })`). On a Cluster, WAIT
 * goes in the same pipeline as XADD: ioredis sends a pipeline to the node of its keyed
 * commands, and WAIT (keyless) with them, so it counts the replicas of the master that took
 * the write — WAIT sent alone would go to any node.
 */
export function streamAppender(client: Redis | Cluster, o: AppendOptions): StreamAppend {
  const xaddArgs = (data: string | Buffer) => [o.stream, 'MAXLEN', '~', o.maxLen, '*', 'e', data] as const;
  if (client.isCluster) {
    const cluster = client as Cluster;
    if (o.replicas === 0) return async (data) => void (await cluster.xadd(...xaddArgs(data)));
    return async (data) => {
      const replies = await cluster
        .pipeline()
        .xadd(...xaddArgs(data))
        .call('WAIT', o.replicas, o.replicasTimeoutMs)
        .exec();
      const [added, waited] = replies ?? [];
      if (!added || !waited) throw new Error('the XADD pipeline was cut short: the connection closed');
      const error = added[0] ?? waited[0];
      if (error) {
        // ioredis follows MOVED for a pipeline only when every command failed the same way;
        // WAIT fails otherwise on a demoted master, so the slot map is refreshed here, or
        // every retry would go back to the old master.
        if (isSlotMoved(error)) cluster.refreshSlotsCache();
        throw error;
      }
      const acknowledged = Number(waited[1]);
      if (acknowledged < o.replicas) throw new DurabilityError('xadd', o.replicas, acknowledged, o.replicasTimeoutMs);
    };
  }
  const redis = client as Redis;
  if (o.replicas > 0 && !hasOptions(redis)) {
    throw new EventBusConfigError(
      'durable.publishReplicas needs a client from @coordis/client (connect() or connectCluster()), or an ioredis Cluster; a plain ioredis Redis cannot confirm replicas per write.',
    );
  }
  const publisher = hasOptions(redis)
    ? redis.withOptions({
        delivery: 'safe',
        durable: o.replicas > 0 ? { replicas: o.replicas, timeoutMs: o.replicasTimeoutMs } : false,
      })
    : redis;
  return async (data) => void (await publisher.xadd(...xaddArgs(data)));
}

/**
 * A failed append worth sending again (receivers drop the copy by event id): the outcome is
 * unknown, the primary is unreachable or failing over, or too few replicas confirmed it. A
 * coordis client says so with a code; a Cluster's errors are ioredis' own — anything but a
 * server's reply (a closed connection, a failed slot refresh) or a reply that says the slot is
 * moving.
 */
export function isRetryableAppendError(e: unknown, cluster: boolean): boolean {
  if (isCoordisError(e)) return ['COORDIS_UNKNOWN_OUTCOME', 'COORDIS_UNAVAILABLE', 'COORDIS_NOT_DURABLE'].includes(e.code);
  if (!cluster) return false;
  return !(e instanceof Error && e.name === 'ReplyError') || isSlotMoved(e);
}
