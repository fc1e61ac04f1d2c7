import { describe, expect, it } from 'vitest';
import { ipToOctets, octetsToIp } from '../src/ip-address.js';

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : undefined);

describe('ipToOctets', () => {
  it('gives 4 octets for dotted IPv4', () => {
    expect(hex(ipToOctets('192.0.2.1'))).toBe('c0000201');
    expect(hex(ipToOctets('0.0.0.0'))).toBe('00000000');
    expect(hex(ipToOctets('255.255.255.255'))).toBe('ffffffff');
  });

  it('gives 16 octets for IPv6 in any spelling', () => {
    const expected = '20010db8000000000000000000000001';
    for (const spelling of ['2001:db8::1', '2001:DB8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8:0:0::0:1']) {
      expect(hex(ipToOctets(spelling))).toBe(expected);
    }
    expect(hex(ipToOctets('::'))).toBe('0'.repeat(32));
    expect(hex(ipToOctets('::1'))).toBe(`${'0'.repeat(30)}01`);
    expect(hex(ipToOctets('fe80::'))).toBe(`fe80${'0'.repeat(28)}`);
  });

  it('gives an IPv4-mapped IPv6 address as its 4 IPv4 octets, in hex or dotted spelling', () => {
    expect(hex(ipToOctets('::ffff:192.0.2.1'))).toBe('c0000201');
    expect(hex(ipToOctets('::ffff:c000:201'))).toBe('c0000201');
    expect(hex(ipToOctets('0:0:0:0:0:ffff:192.0.2.1'))).toBe('c0000201');
  });

  it('keeps an IPv4-compatible (not mapped) IPv6 address at 16 octets', () => {
    expect(hex(ipToOctets('::192.0.2.1'))).toBe(`${'0'.repeat(24)}c0000201`);
  });

  it('returns undefined for text that is not an address', () => {
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3.4 ',
      ' 1.2.3.4',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      ':1::',
      '1:::2',
      '12345::',
      'g::1',
      'fe80::1%eth0',
      '1.2.3.4::',
      '::1.2.3',
      '1:2:3:4:5:6:7::8',
      'localhost',
    ]) {
      expect(ipToOctets(bad), bad).toBeUndefined();
    }
  });
});

describe('octetsToIp', () => {
  it('writes IPv4 dotted and IPv6 in RFC 5952 canonical form', () => {
    expect(octetsToIp(Buffer.from('c0000201', 'hex'))).toBe('192.0.2.1');
    expect(octetsToIp(Buffer.from('20010db8000000000000000000000001', 'hex'))).toBe('2001:db8::1');
    expect(octetsToIp(Buffer.alloc(16))).toBe('::');
    expect(octetsToIp(Buffer.from('20010db8000000010000000000000001', 'hex'))).toBe('2001:db8:0:1::1');
  });

  it('compresses the longest zero run, the first on a tie, and never a single zero group', () => {
    expect(octetsToIp(Buffer.from('20010db8000000000001000000000001', 'hex'))).toBe('2001:db8::1:0:0:1');
    expect(octetsToIp(Buffer.from('20010db8000000010001000100010001', 'hex'))).toBe('2001:db8:0:1:1:1:1:1');
  });

  it('refuses other lengths and IPv4-mapped IPv6, whose canonical form is 4 octets', () => {
    expect(octetsToIp(Buffer.alloc(5))).toBeUndefined();
    expect(octetsToIp(Buffer.alloc(0))).toBeUndefined();
    expect(octetsToIp(Buffer.from('00000000000000000000ffffc0000201', 'hex'))).toBeUndefined();
  });

  it('round-trips every canonical address it writes', () => {
    for (const ip of ['10.0.0.1', '2001:db8::1', '::1', '::', 'fe80::1:2', '1:2:3:4:5:6:7:8', '::c000:201']) {
      const octets = ipToOctets(ip);
      expect(octets && octetsToIp(octets)).toBe(ip);
    }
  });
});
