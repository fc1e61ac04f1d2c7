import { describe, expect, it } from 'vitest';
import { decodeBroadcast, encodeBroadcast, type StalwartEvent } from '../src/index.js';
import { BROADCAST_FIXTURES, INVALID_BROADCAST_FIXTURES, QUIRK_FIXTURES } from './fixtures/stalwart-fixtures.js';

const ALL_TAGS = 13;

function tagsOf(events: readonly StalwartEvent[]): Set<string> {
  return new Set(events.map((e) => (e.type === 'mtaQueueStatus' ? `mtaQueueStatus:${e.running}` : e.type)));
}

describe('stwt.agora codec against fixtures derived from Stalwart', () => {
  it('has at least 10 valid batches that together use every tag 0-12', () => {
    expect(BROADCAST_FIXTURES.length).toBeGreaterThanOrEqual(10);
    expect(tagsOf(BROADCAST_FIXTURES.flatMap((f) => f.events)).size).toBe(ALL_TAGS);
  });

  it.each(BROADCAST_FIXTURES.map((f, i) => [i, f] as const))('encodes valid batch %i byte for byte', (_i, f) => {
    expect(encodeBroadcast({ nodeId: f.nodeId, events: f.events }).toString('hex')).toBe(f.hex);
  });

  it.each(BROADCAST_FIXTURES.map((f, i) => [i, f] as const))('decodes valid batch %i to its events', (_i, f) => {
    expect(decodeBroadcast(Buffer.from(f.hex, 'hex'))).toEqual({ nodeId: f.nodeId, events: f.events });
  });

  it.each(INVALID_BROADCAST_FIXTURES.map((f, i) => [i, f.reason, f] as const))(
    'reports invalid batch %i as %s, keeping the events before the bad byte',
    (_i, _reason, f) => {
      const decoded = decodeBroadcast(Buffer.from(f.hex, 'hex'));
      expect(decoded.nodeId).toBe(f.nodeId);
      expect(decoded.events).toEqual(f.events);
      expect(decoded.problem).toMatchObject({ reason: f.reason, offset: f.offset });
    },
  );

  it.each(QUIRK_FIXTURES.map((f, i) => [i, f] as const))('reads quirk %i as Stalwart’s reader does', (_i, f) => {
    expect(decodeBroadcast(Buffer.from(f.hex, 'hex'))).toEqual({ nodeId: f.nodeId, events: f.events });
  });
});
