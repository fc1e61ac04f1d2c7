import { describe, expect, it } from 'vitest';
import { scanPattern } from '../src/clear-namespace.js';
import { codecs, createKeyspace, seg } from '../src/index.js';

describe('scanPattern', () => {
  it('matches a text namespace by its head and separator, so prefix 4 never matches 40', () => {
    const ks = createKeyspace({ app: 'app' });
    expect(scanPattern(ks.stalwart.KV_RATE_LIMIT_LOITER).toString()).toBe('app:4:*');
  });

  it('matches a binary namespace by its prefix byte', () => {
    const ks = createKeyspace({ mode: 'binary' });
    expect(scanPattern(ks.stalwart.KV_LOCK_TASK)).toEqual(Buffer.from([0x17, 0x2a]));
  });

  it('escapes a prefix byte that SCAN MATCH would read as a glob character', () => {
    const ks = createKeyspace({ mode: 'binary' });
    for (const prefix of [0x2a, 0x3f, 0x5b, 0x5d, 0x5c]) {
      const ns = ks.define({ name: `G${prefix}`, prefix, segments: [seg.u32('n')], value: codecs.string });
      expect(scanPattern(ns)).toEqual(Buffer.from([0x5c, prefix, 0x2a]));
    }
  });
});
