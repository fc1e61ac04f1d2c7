import { describe, expect, it } from 'vitest';
import { keySlot } from '../src/key-slot.js';

describe('keySlot', () => {
  it("matches the Cluster spec's CRC16 test vector", () => {
    // CRC16-XMODEM("123456789") = 0x31C3; 0x31C3 mod 16384 = 12739.
    expect(keySlot('123456789')).toBe(12739);
  });

  it('hashes only the first non-empty {…} tag', () => {
    expect(keySlot('a:{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('{user1000}.followers')).toBe(keySlot('{user1000}.following'));
    expect(keySlot('foo{}{bar}')).toBe(keySlot('foo{}{bar}'));
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'));
  });

  it('hashes bytes the same as the string they spell', () => {
    expect(keySlot(Buffer.from('coordis:160:{1.2.3.4}:x:%'))).toBe(keySlot('coordis:160:{1.2.3.4}:x:%'));
  });
});
