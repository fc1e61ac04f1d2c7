import { describe, expect, it } from 'vitest';
import {
  type BroadcastEncodeError,
  dataTypeBits,
  dataTypeNames,
  decodeBroadcast,
  encodeBroadcast,
  isBroadcastEncodeError,
  type StalwartEvent,
  toCoordisEvent,
} from '../src/index.js';

const encodeFails = (events: readonly StalwartEvent[], nodeId = 1) => {
  try {
    encodeBroadcast({ nodeId, events });
  } catch (e) {
    if (isBroadcastEncodeError(e)) return e as BroadcastEncodeError;
    throw e;
  }
  throw new Error('encoded');
};

describe('encodeBroadcast refuses what Stalwart cannot read', () => {
  it('refuses more than 100 events in one batch', () => {
    expect(encodeFails(Array.from({ length: 101 }, () => ({ type: 'queueRefresh' }) as const)).message).toContain('at most 100');
  });

  it('refuses a node id past u16', () => {
    expect(encodeFails([], 65_536).message).toContain('nodeId');
  });

  it('refuses an account id past u32 and a change id that is not a u64 bigint', () => {
    expect(encodeFails([{ type: 'pushServerUpdate', accountId: 2 ** 32 }]).message).toContain('accountId');
    expect(encodeFails([{ type: 'stateChange', accountId: 1, changeId: -1n, types: 0n }]).message).toContain('changeId');
  });

  it('refuses an unknown registry object type name and a uid with a lone surrogate', () => {
    expect(encodeFails([{ type: 'registryReload', object: 'Nope' as 'Domain' }]).message).toContain('unknown registry object type');
    expect(encodeFails([{ type: 'calendarAlert', accountId: 1, eventId: 1, uid: '\uD800', alertId: '' }]).message).toContain('uid');
  });
});

describe('decodeBroadcast', () => {
  it('keeps an object type id this table does not know as a number, and reads on', () => {
    const bytes = encodeBroadcast({ nodeId: 1, events: [{ type: 'registryInsert', object: 999, id: 4n }, { type: 'queueRefresh' }] });
    expect(decodeBroadcast(bytes).events).toEqual([{ type: 'registryInsert', object: 999, id: 4n }, { type: 'queueRefresh' }]);
  });

  it('stops at a cache count far larger than the message, without allocating for it', () => {
    const bytes = Buffer.from([1, 7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 3, 1]);
    expect(decodeBroadcast(bytes).problem).toMatchObject({ reason: 'truncated', offset: 1 });
  });

  it('never throws on random bytes', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed & 0xff;
    };
    for (let i = 0; i < 5_000; i++) {
      const bytes = Buffer.from(Array.from({ length: next() % 40 }, next));
      expect(() => decodeBroadcast(bytes)).not.toThrow();
    }
  });
});

describe('data types and the coordis bus', () => {
  it('names the bits of a state change and builds them back', () => {
    expect(dataTypeNames(25n)).toEqual(['Email', 'Mailbox', 'Thread']);
    expect(dataTypeBits(['Email', 'Mailbox', 'Thread'])).toBe(25n);
  });

  it('maps a state change and an email push to the events catalogue of @coordis/events', () => {
    expect(toCoordisEvent({ type: 'stateChange', accountId: 42, changeId: 2n ** 63n, types: 9n })).toEqual({
      type: 'stalwart.state.changed',
      payload: { accountId: 42, changeId: '9223372036854775808', types: ['Email', 'Mailbox'] },
    });
    expect(toCoordisEvent({ type: 'emailPush', accountId: 1, emailId: 2, changeId: 3n })?.type).toBe('stalwart.push.trigger');
    expect(toCoordisEvent({ type: 'queueRefresh' })).toBeUndefined();
  });
});
