import { describe, expect, it } from 'vitest';
import { compareStreamIds, nextStreamId, previousStreamId, streamIdMs } from '../src/stream-id.js';
import { parseStreamInfo, type StreamInfo } from '../src/stream-info.js';
import { checkPosition } from '../src/stream-position.js';

describe('stream ids', () => {
  it('compare numerically, also past 2^53', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('5-18446744073709551615', '5-18446744073709551614')).toBeGreaterThan(0);
    expect(compareStreamIds('7-3', '7-3')).toBe(0);
  });

  it('step forward and back across a millisecond', () => {
    expect(nextStreamId('5-18446744073709551615')).toBe('6-0');
    expect(nextStreamId('5-1')).toBe('5-2');
    expect(previousStreamId('6-0')).toBe('5-18446744073709551615');
    expect(previousStreamId('0-0')).toBe('0-0');
    expect(streamIdMs('1700000000123-4')).toBe(1700000000123);
  });
});

describe('parseStreamInfo', () => {
  it('reads the fields of a Redis 7.0 XINFO STREAM reply', () => {
    // As redis-server 7.0.15 answers after three XADDs and XTRIM MAXLEN 1.
    const reply = [
      'length',
      1,
      'radix-tree-keys',
      1,
      'radix-tree-nodes',
      2,
      'last-generated-id',
      '1795650053534-0',
      'max-deleted-entry-id',
      '0-0',
      'entries-added',
      3,
      'recorded-first-entry-id',
      '1795650053534-0',
      'groups',
      0,
      'first-entry',
      ['1795650053534-0', ['a', '3']],
      'last-entry',
      ['1795650053534-0', ['a', '3']],
    ];
    expect(parseStreamInfo(reply)).toEqual({
      length: 1,
      lastGeneratedId: '1795650053534-0',
      entriesAdded: 3,
      firstEntryId: '1795650053534-0',
    });
  });

  it('leaves entries-added undefined on servers before 7.0 and the first entry on an empty stream', () => {
    expect(parseStreamInfo(['length', 0, 'last-generated-id', '5-0', 'first-entry', null])).toEqual({
      length: 0,
      lastGeneratedId: '5-0',
      entriesAdded: undefined,
      firstEntryId: undefined,
    });
  });
});

const info = (o: Partial<StreamInfo>): StreamInfo => ({
  length: 10,
  lastGeneratedId: '100-0',
  entriesAdded: 10,
  firstEntryId: '91-0',
  ...o,
});

describe('checkPosition', () => {
  it('finds nothing lost for a node in the retained range, and counts it caught up at the tail', () => {
    expect(checkPosition({ id: '95-0', read: 5 }, info({}))).toEqual({ kind: 'ok', read: 5 });
    expect(checkPosition({ id: '100-0', read: undefined }, info({}))).toEqual({ kind: 'ok', read: 10 });
  });

  it('reports entries trimmed before the node read them, counted from entries-added − length', () => {
    // 50 added, 10 kept: 40 trimmed; the node had read 25 of them.
    expect(
      checkPosition({ id: '25-0', read: 25 }, info({ entriesAdded: 50, length: 10, firstEntryId: '41-0', lastGeneratedId: '50-0' })),
    ).toEqual({
      kind: 'trimmed',
      afterId: '25-0',
      beforeId: '41-0',
      lost: 15,
      read: 40,
    });
  });

  it('sees no loss when the node had read exactly what was trimmed', () => {
    expect(
      checkPosition({ id: '40-0', read: 40 }, info({ entriesAdded: 50, length: 10, firstEntryId: '41-0', lastGeneratedId: '50-0' }), false),
    ).toEqual({
      kind: 'ok',
      read: 40,
    });
  });

  it('says the entry is gone but not how many followed it when the server keeps no counters', () => {
    expect(
      checkPosition({ id: '25-0', read: undefined }, info({ entriesAdded: undefined, firstEntryId: '41-0', lastGeneratedId: '50-0' })),
    ).toMatchObject({
      kind: 'trimmed',
      lost: undefined,
    });
  });

  it('treats a stream emptied by retention as trimmed up to its last id', () => {
    expect(
      checkPosition({ id: '5-0', read: 5 }, info({ length: 0, entriesAdded: 9, firstEntryId: undefined, lastGeneratedId: '9-0' })),
    ).toEqual({
      kind: 'trimmed',
      afterId: '5-0',
      beforeId: '9-1',
      lost: 4,
      read: 9,
    });
  });

  it('reports a rollback when the tail is behind the position, or the history shorter than what was read', () => {
    expect(checkPosition({ id: '120-0', read: 30 }, info({}))).toEqual({ kind: 'rollback' });
    expect(checkPosition({ id: '95-0', read: 30 }, info({ lastGeneratedId: '130-0' }))).toEqual({ kind: 'rollback' });
  });

  it('reports a rollback when the entry at the position is missing inside the retained range', () => {
    expect(checkPosition({ id: '95-0', read: 5 }, info({ lastGeneratedId: '130-0', entriesAdded: 12, length: 12 }), false)).toEqual({
      kind: 'rollback',
    });
  });

  it('reports a rollback when the stream is gone under a node that had read from it', () => {
    expect(checkPosition({ id: '95-0', read: 5 }, undefined)).toEqual({ kind: 'rollback' });
    expect(checkPosition({ id: '0-0', read: 0 }, undefined)).toEqual({ kind: 'ok', read: 0 });
  });

  it('counts a new node that starts at the head of a trimmed stream as having lost nothing', () => {
    expect(checkPosition({ id: '0-0', read: 40 }, info({ entriesAdded: 50, firstEntryId: '41-0', lastGeneratedId: '50-0' }))).toEqual({
      kind: 'ok',
      read: 40,
    });
  });
});
