import { describe, expect, it } from 'vitest';
import { CoordisError } from '../src/errors.js';
import { LuaScript, parseLuaHeader } from '../src/lua-script.js';

const source = `-- Sets a key if absent.
-- KEYS[1] target   the key
-- ARGV[1] value    what to store
-- ARGV[2] ttlMs    time to live, ms
return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')
`;

describe('parseLuaHeader', () => {
  it('reads KEYS and ARGV names in order', () => {
    expect(parseLuaHeader(source)).toEqual({ keys: ['target'], args: ['value', 'ttlMs'] });
  });
});

describe('LuaScript', () => {
  it('accepts names that match the header', () => {
    expect(new LuaScript('set_nx', source, ['target'], ['value', 'ttlMs']).keys).toEqual(['target']);
  });

  it('refuses names that drift from the header', () => {
    expect(() => new LuaScript('set_nx', source, ['target', 'other'], ['value', 'ttlMs'])).toThrow(CoordisError);
    expect(() => new LuaScript('set_nx', source, ['target'], ['ttlMs', 'value'])).toThrow(/make them match/);
  });
});
