import { readdirSync, readFileSync } from 'node:fs';
import { parseLuaHeader } from '@coordis/client';
import { describe, expect, it } from 'vitest';
import { LEASE_SCRIPTS, parseAcquireReply, parseLeaseCode } from '../src/lease-scripts.js';

const dir = new URL('../src/lua/', import.meta.url);
const sources = Object.fromEntries(readdirSync(dir).map((f) => [f.replace(/\.lua$/, ''), readFileSync(new URL(f, dir), 'utf8')]));

describe('the lock scripts', () => {
  it('are all registered, with the KEYS and ARGV their headers declare', () => {
    expect(Object.keys(sources).sort()).toEqual(Object.keys(LEASE_SCRIPTS).sort());
    for (const [name, script] of Object.entries(LEASE_SCRIPTS)) {
      const header = parseLuaHeader(sources[name] ?? '');
      expect(header.keys).toEqual(script.keys);
      expect(header.args).toEqual(script.args);
    }
  });

  it('touch no key but the one they declare (Cluster and Dragonfly safe)', () => {
    for (const [name, source] of Object.entries(sources)) {
      const code = source
        .split('\n')
        .filter((l) => !l.trimStart().startsWith('--'))
        .join('\n');
      expect(code, name).toMatch(/local key = KEYS\[1\]/);
      for (const call of code.matchAll(/redis\.call\('(\w+)'(?:, ([^,)]+))?/g)) {
        const [, command, first] = call;
        if (command === 'TIME') continue;
        // PUBLISH's first argument is a channel, not a key.
        if (command === 'PUBLISH') expect(first, `${name}: PUBLISH`).toBe("'coordis:lock:' .. key");
        else expect(first, `${name}: ${command}`).toBe('key');
      }
      expect(code, name).not.toMatch(/KEYS\[[2-9]\]/);
    }
  });

  it('take the time from the server (TIME), never from an argument', () => {
    for (const name of ['acquire', 'extend', 'release']) expect(sources[name]).toMatch(/redis\.call\('TIME'\)/);
    for (const script of Object.values(LEASE_SCRIPTS)) expect(script.args.join(',')).not.toMatch(/now|time/i);
  });
});

describe('script replies', () => {
  it('read an acquire as a token or a wait', () => {
    expect(parseAcquireReply([1, 1_795_645_060_050_753])).toEqual({ acquired: true, token: 1_795_645_060_050_753 });
    expect(parseAcquireReply([0, 250])).toEqual({ acquired: false, waitMs: 250 });
  });

  it('refuse replies of another version instead of guessing', () => {
    expect(() => parseAcquireReply('OK')).toThrow(/same version/);
    expect(() => parseLeaseCode('release.lua', 2)).toThrow(/same version/);
  });
});
