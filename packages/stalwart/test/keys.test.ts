import { describe, expect, it } from 'vitest';
import { type RateLimitSubject, stalwartKeys } from '../src/index.js';
import type { KeyFixture } from './fixtures/fixture-types.js';
import { KEY_FIXTURES, STALWART_FIXTURE_COMMIT } from './fixtures/stalwart-fixtures.js';

function build(f: KeyFixture): Buffer | Promise<Buffer> {
  switch (f.kind) {
    case 'rateLimit':
      return stalwartKeys.rateLimit(f.name, f.input as RateLimitSubject<typeof f.name>, f.window);
    case 'smtpThrottle':
      return stalwartKeys.smtpThrottle(f.input, f.window.nowMs);
    case 'reportThrottle':
      return stalwartKeys.reportThrottle(f.input, f.window.nowMs);
    case 'blobQuota':
      return stalwartKeys.blobQuota(f.input, f.window);
    case 'greylist':
      return stalwartKeys.greylist(f.input);
    case 'taskLock':
      return stalwartKeys.taskLock(f.input);
    case 'queueMessageLock':
      return stalwartKeys.queueMessageLock(f.input);
    case 'davLock':
      return stalwartKeys.davLock(f.input);
    case 'acme':
      return stalwartKeys.acme(f.input);
    case 'oauth':
      return stalwartKeys.oauth(f.input);
    case 'sieveId':
      return stalwartKeys.sieveId(f.input);
  }
}

describe('stalwartKeys against fixtures derived from Stalwart', () => {
  it('covers at least 30 keys of at least 8 kinds, from one pinned commit', () => {
    expect(KEY_FIXTURES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(KEY_FIXTURES.map((f) => (f.kind === 'rateLimit' ? f.name : f.kind))).size).toBeGreaterThanOrEqual(8);
    expect(STALWART_FIXTURE_COMMIT).toMatch(/^[0-9a-f]{40}$/);
  });

  it.each(KEY_FIXTURES.map((f, i) => [i, f.kind, f] as const))('builds fixture %i (%s) byte for byte', async (_i, _kind, f) => {
    expect((await build(f)).toString('hex')).toBe(f.hex);
  });
});
