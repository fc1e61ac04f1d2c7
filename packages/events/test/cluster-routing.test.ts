import { keySlot } from '@coordis/keyspace';
import { Command } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { busKeys } from '../src/event-keys.js';

// An ioredis Cluster routes a command, and a whole pipeline, by the keys it finds in it; a
// command whose key it cannot find goes to a random node (alone) or with the pipeline's other
// commands. These are the commands the bus sends through a Cluster client itself (the reader
// and the subscriber use a connection to the slot's master instead).
const keys = busKeys(undefined, 'orders', 'node-1');

describe('the bus on a Cluster client', () => {
  it('keeps every key and its channel in one slot', () => {
    const slot = keySlot(keys.stream);
    for (const key of [keys.checkpoints, keys.channel, keys.node, keys.presence, `${keys.hashTag}:mine`]) {
      expect(keySlot(key)).toBe(slot);
    }
  });

  it.each([
    ['spublish', [keys.channel, 'data'], keys.channel],
    ['xadd', [keys.stream, 'MAXLEN', '~', 100, '*', 'e', 'data'], keys.stream],
    ['xinfo', ['STREAM', keys.stream], keys.stream],
    ['hget', [keys.checkpoints, 'node-1'], keys.checkpoints],
    ['hset', [keys.node, 'read', '1'], keys.node],
    ['hdel', [keys.presence, 'instance'], keys.presence],
    ['evalsha', ['0123456789abcdef0123456789abcdef01234567', 1, keys.stream, '300'], keys.stream],
  ] as const)('finds the key of %s, so ioredis sends it to the slot of the bus', (name, args, key) => {
    expect(new Command(name, [...args]).getSlot()).toBe(keySlot(key));
  });

  it('finds no key in WAIT: it must ride in the pipeline of the write it confirms', () => {
    expect(new Command('wait', [1, 1000]).getKeys()).toEqual([]);
  });
});
