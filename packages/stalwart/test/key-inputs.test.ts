import { codecs, createKeyspace, isReservedPrefixError, seg } from '@coordis/keyspace';
import { describe, expect, it } from 'vitest';
import { isStalwartArgumentError, lowercaseAddress, rateWindow, stalwartKeys } from '../src/index.js';

describe('lowercaseAddress (Stalwart’s to_lowercase_address)', () => {
  it('lower-cases a string without @ whole, final sigma included', () => {
    expect(lowercaseAddress('POSTMASTER')).toBe('postmaster');
    expect(lowercaseAddress('ΟΔΟΣ')).toBe('\u03bf\u03b4\u03bf\u03c2'); // οδος, with ς: the whole string is lower-cased in context
  });

  it('splits at the last @ and keeps an ASCII domain ASCII', () => {
    expect(lowercaseAddress('"A@B"@Example.ORG')).toBe('"a@b"@example.org');
  });

  it('falls back to lower-casing a domain UTS 46 refuses', () => {
    expect(lowercaseAddress('a@Ü\u0000x')).toBe('a@ü\u0000x');
  });
});

describe('rate windows', () => {
  it('counts a period below one second as one second', () => {
    expect(rateWindow(0, 5_500)).toEqual({ window: 5n, periodS: 1, endS: 6, expiresInS: 1 });
  });

  it('expires at the end of the window, in whole seconds of the node clock', () => {
    expect(rateWindow(60, 119_999)).toEqual({ window: 1n, periodS: 60, endS: 120, expiresInS: 1 });
    expect(rateWindow(60, 120_000)).toEqual({ window: 2n, periodS: 60, endS: 180, expiresInS: 60 });
  });

  it('refuses a fractional period', () => {
    expect(() => rateWindow(1.5, 0)).toThrow(expect.objectContaining({ code: 'COORDIS_STALWART_ARGUMENT' }));
  });
});

describe('key inputs', () => {
  it('refuses a queue name over 8 bytes, or empty', () => {
    for (const queueName of ['', 'ninebytes']) {
      expect(() => stalwartKeys.queueMessageLock({ queueId: 1n, queueName })).toThrow(
        expect.objectContaining({ code: 'COORDIS_STALWART_ARGUMENT', argument: 'queueName' }),
      );
    }
  });

  it('refuses a rate-limit namespace that is not Stalwart’s', () => {
    try {
      stalwartKeys.rateLimit('KV_OAUTH' as 'KV_RATE_LIMIT_IMAP', { accountId: 1 }, { periodS: 60 });
      expect.unreachable();
    } catch (e) {
      expect(isStalwartArgumentError(e)).toBe(true);
    }
  });

  it('keys an IPv4 login-less auth attempt and the same address as bytes alike (Stalwart’s material layout)', () => {
    const w = { periodS: 60, nowMs: 0 };
    expect(stalwartKeys.rateLimit('KV_RATE_LIMIT_AUTH', { ip: '97.98.99.100' }, w)).toEqual(
      stalwartKeys.rateLimit('KV_RATE_LIMIT_AUTH', { login: 'abcd' }, w),
    );
  });
});

describe('prefixes Stalwart’s maintenance deletes', () => {
  it.each([12, 13, 14, 15, 17, 18, 19, 20, 22, 24, 27])(
    'refuses an application namespace at prefix %i in binary mode, naming the danger',
    (prefix) => {
      const ks = createKeyspace({ mode: 'binary' });
      try {
        ks.define({ name: 'APP', prefix, segments: [seg.string('id')], value: codecs.string });
        expect.unreachable();
      } catch (e) {
        expect(isReservedPrefixError(e)).toBe(true);
        expect((e as Error).message).toContain('still scans and deletes every key');
      }
    },
  );
});
