import { describe, expect, it } from 'vitest';
import { releaseChannel } from '../src/release-notifier.js';

describe('releaseChannel', () => {
  it('is the lock key behind a fixed prefix, so each lock has its own channel', () => {
    expect(releaseChannel('coordis:144:{jobs}').toString()).toBe('coordis:lock:coordis:144:{jobs}');
    expect(releaseChannel('a').equals(releaseChannel('b'))).toBe(false);
  });

  it('follows the client’s key prefix, as release.lua sees the key', () => {
    expect(releaseChannel('coordis:144:{jobs}', 'tenant-a:').toString()).toBe('coordis:lock:tenant-a:coordis:144:{jobs}');
  });

  it('keeps binary keys byte for byte', () => {
    const key = Buffer.from([23, 0, 0, 0, 0, 0, 0, 0x7d, 0xff]);
    const channel = releaseChannel(key);
    expect(channel.subarray(channel.length - key.length).equals(key)).toBe(true);
  });
});
