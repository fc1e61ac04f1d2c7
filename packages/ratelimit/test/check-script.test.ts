import { parseLuaHeader } from '@coordis/client';
import { describe, expect, it } from 'vitest';
import { CHECK_KEY_COUNTS, checkKeyNames, checkScript, checkSource, loadLua, paddedKeyCount } from '../src/check-script.js';

describe('check.lua variants', () => {
  it('declare one bucket key per slot and the one requests argument', () => {
    for (const n of CHECK_KEY_COUNTS) {
      expect(parseLuaHeader(checkSource(n))).toEqual({ keys: checkKeyNames(n), args: ['requests'] });
      expect(checkScript(n).keys).toHaveLength(n);
    }
  });

  it('splice in the algorithm includes, leaving no marker behind', () => {
    const src = checkSource(8);
    for (const fn of ['gcra_decide', 'fixed_decide', 'sliding_decide']) expect(src).toContain(`local function ${fn}(`);
    expect(src).not.toMatch(/^-- @(include|keys)\b/m);
  });

  it('take time only from the server and touch only declared keys', () => {
    const src = loadLua('check');
    expect(src).toContain("redis.call('TIME')");
    for (const m of src.matchAll(/redis\.call\('(GET|SET)', ([^,)]+)/g)) expect(m[2]).toBe('KEYS[ki]');
  });

  it('pad a run to the next registered key count', () => {
    expect([1, 2, 3, 5, 17, 64].map(paddedKeyCount)).toEqual([1, 2, 4, 8, 32, 64]);
  });
});
