import { codecs, createKeyspace, type Keyspace, seg } from '@coordis/keyspace';
import { PREFIXES } from './defaults.js';

/** The keys and channel of one bus (and of one node on it), all tagged by the bus name: one Cluster slot. */
export interface BusKeys {
  /** Durable mode: the stream of events. */
  readonly stream: string;
  /** Durable mode: hash of node id → last stream id it handled. */
  readonly checkpoints: string;
  /** Transient mode: the pub/sub channel. */
  readonly channel: string;
  /** Durable mode: this node's state (hash: `read` = entries of the stream read, `run` = the instance running it). */
  readonly node: string;
  /** This node id's live instances (hash: instance id → expiry, Unix ms), renewed every heartbeat. */
  readonly presence: string;
  /**
   * The Cluster hash tag every key of the bus carries (`{name}`): keys of your own that a
   * handler writes through `ctx.tx` must carry it too on Redis Cluster.
   */
  readonly hashTag: string;
}

/** Builds a bus's keys from the keyspace, so they never collide with another subsystem's. */
export function busKeys(keyspace: Keyspace<'text'> | undefined, bus: string, nodeId: string): BusKeys {
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
  const perNode = [seg.string('bus'), seg.string('node')] as const;
  const node = ks.defineMap({
    name: 'COORDIS_EVENTS_NODE',
    prefix: PREFIXES.node,
    segments: perNode,
    value: codecs.string,
    hashTag: ['bus'],
    description: "@coordis/events: a durable node's state (entries read, running instance)",
  });
  const presence = ks.defineMap({
    name: 'COORDIS_EVENTS_PRESENCE',
    prefix: PREFIXES.presence,
    segments: perNode,
    value: codecs.number,
    hashTag: ['bus'],
    description: '@coordis/events: live instances of a node id → presence expiry (Unix ms)',
  });
  const streamKey = stream.key({ bus });
  const open = streamKey.indexOf('{');
  const close = streamKey.indexOf('}', open);
  return {
    stream: streamKey,
    checkpoints: checkpoints.key({ bus }),
    channel: channel.key({ bus }),
    node: node.key({ bus, node: nodeId }),
    presence: presence.key({ bus, node: nodeId }),
    hashTag: open >= 0 && close > open ? streamKey.slice(open, close + 1) : '',
  };
}
