import type { Cluster, Redis } from 'ioredis';
import { encodeBroadcast } from './broadcast-codec.js';
import type { StalwartEventOf } from './broadcast-events.js';
import { DEFAULTS } from './defaults.js';
import { BroadcastEncodeError } from './errors.js';

/**
 * The events a Node service may send to a Stalwart cluster: requests every node acts on
 * (drop caches, reload a kind of registry object, pause or resume the outbound queue, rescan
 * it). State changes, pushes and registry inserts and deletes are not among them: they report
 * data Stalwart itself wrote, and a node receiving one would tell its clients of changes that
 * never happened, or reload objects by ids that do not exist.
 */
export type PublishableEvent = StalwartEventOf<
  'cacheInvalidate' | 'cacheInvalidateAll' | 'cacheInvalidateNegative' | 'registryReload' | 'mtaQueueStatus' | 'queueRefresh'
>;

/** Options of {@link stalwartPublisher}. */
export interface StalwartPublisherOptions {
  /** Any ioredis `Redis` or `Cluster` on the Redis Stalwart's coordinator uses. */
  readonly client: Redis | Cluster;
  /**
   * The node id batches are sent as (u16). Pick one no Stalwart node has as its
   * `network.node-id`: a node skips batches that carry its own id.
   */
  readonly nodeId: number;
  /** @default 'stwt.agora' */
  readonly channel?: string;
}

/** Sends events to a Stalwart cluster in Stalwart's own batches. Made by {@link stalwartPublisher}. */
export class StalwartPublisher {
  readonly client: Redis | Cluster;
  readonly nodeId: number;
  readonly channel: string;

  /** @internal Use {@link stalwartPublisher}. */
  constructor(options: StalwartPublisherOptions) {
    if (!Number.isInteger(options.nodeId) || options.nodeId < 0 || options.nodeId > 0xffff) {
      throw new BroadcastEncodeError('nodeId must be an integer from 0 to 65535', 'pick an id no Stalwart node uses');
    }
    this.client = options.client;
    this.nodeId = options.nodeId;
    this.channel = options.channel ?? DEFAULTS.channel;
  }

  /**
   * Publishes the events in order, in batches of at most 100 (Stalwart's MAX_BATCH_SIZE).
   * Resolves with how many subscribers received the batches, summed (pub/sub: at most once, to
   * the nodes subscribed now). Every event is encoded before anything is sent.
   */
  async publish(...events: readonly PublishableEvent[]): Promise<number> {
    const batches: Buffer[] = [];
    for (let i = 0; i < events.length; i += DEFAULTS.maxBatchEvents) {
      batches.push(encodeBroadcast({ nodeId: this.nodeId, events: events.slice(i, i + DEFAULTS.maxBatchEvents) }));
    }
    let receivers = 0;
    for (const batch of batches) receivers += await this.client.publish(this.channel, batch);
    return receivers;
  }
}

/** A publisher of the events a Node service may send to a Stalwart cluster. */
export function stalwartPublisher(options: StalwartPublisherOptions): StalwartPublisher {
  return new StalwartPublisher(options);
}
