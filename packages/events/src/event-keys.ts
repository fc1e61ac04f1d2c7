import { codecs, createKeyspace, type Keyspace, seg } from '@coordis/keyspace';
import { PREFIXES } from './defaults.js';

/** The keys and channel of one bus, all tagged by the bus name: one Cluster slot. */
export interface BusKeys {
  /** Durable mode: the stream of events. */
  readonly stream: string;
  /** Durable mode: hash of node id → last stream id it handled. */
  readonly checkpoints: string;
  /** Transient mode: the pub/sub channel. */
  readonly channel: string;
}

/** Builds a bus's keys from the keyspace, so they never collide with another subsystem's. */
export function busKeys(keyspace: Keyspace<'text'> | undefined, bus: string): BusKeys {
  const ks = keyspace ?? createKeyspace();
  const segments = [seg.string('bus')] as const;
  const stream = ks.define({
    name: 'COORDIS_EVENTS_STREAM',
    prefix: PREFIXES.stream,
    segments,
    value: codecs.bytes,
    hashTag: ['bus'],
    description: '@coordis/events: the durable stream of a bus',
  });
  const checkpoints = ks.defineMap({
    name: 'COORDIS_EVENTS_CHECKPOINT',
    prefix: PREFIXES.checkpoint,
    segments,
    value: codecs.string,
    hashTag: ['bus'],
    description: '@coordis/events: node id → last stream id handled',
  });
  const channel = ks.define({
    name: 'COORDIS_EVENTS_CHANNEL',
    prefix: PREFIXES.channel,
    segments,
    value: codecs.bytes,
    hashTag: ['bus'],
    description: '@coordis/events: the pub/sub channel of a bus (a channel name, not a key)',
  });
  return { stream: stream.key({ bus }), checkpoints: checkpoints.key({ bus }), channel: channel.key({ bus }) };
}
