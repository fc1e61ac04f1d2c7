import { describe, expect, it } from 'vitest';
import { addressAllocator } from '../src/bridge-network.js';
import { resolveDriver } from '../src/driver.js';
import { TestkitOptionsError } from '../src/index.js';
import { natMapOf } from '../src/nat-map.js';
import { resolveNetworkSetting } from '../src/network-mode.js';

describe('resolveNetworkSetting', () => {
  it('settles on auto when neither the option nor COORDIS_TESTKIT_NETWORK says otherwise', () => {
    expect(resolveNetworkSetting({}, 'container', {})).toBe('auto');
    expect(resolveNetworkSetting({}, 'container', { COORDIS_TESTKIT_NETWORK: '' })).toBe('auto');
  });

  it('takes COORDIS_TESTKIT_NETWORK, and the option over it', () => {
    expect(resolveNetworkSetting({}, 'container', { COORDIS_TESTKIT_NETWORK: 'mapped' })).toBe('mapped');
    expect(resolveNetworkSetting({ network: 'host' }, 'container', { COORDIS_TESTKIT_NETWORK: 'mapped' })).toBe('host');
    expect(resolveNetworkSetting({ network: 'auto' }, 'container', { COORDIS_TESTKIT_NETWORK: 'host' })).toBe('auto');
  });

  it('refuses an unknown setting, saying where it came from', () => {
    expect(() => resolveNetworkSetting({}, 'container', { COORDIS_TESTKIT_NETWORK: 'bridge' })).toThrow(
      /COORDIS_TESTKIT_NETWORK is "bridge"; it must be 'auto', 'host' or 'mapped'/,
    );
    expect(() => resolveNetworkSetting({ network: 'nat' as 'host' }, 'container', {})).toThrow(/the network option is "nat"/);
  });

  it('runs processes on the host network, whatever the environment asks of containers', () => {
    expect(resolveNetworkSetting({}, 'process', { COORDIS_TESTKIT_NETWORK: 'mapped' })).toBe('host');
  });

  it('refuses mapped ports asked of the process driver by option, naming the container driver', () => {
    expect(() => resolveNetworkSetting({ network: 'mapped' }, 'process', {})).toThrow(TestkitOptionsError);
    expect(() => resolveDriver({ network: 'mapped' }, {})).toThrow(/needs the container driver/);
  });
});

describe('addressAllocator', () => {
  it('hands out the subnet’s host addresses in order, skipping the gateway', () => {
    const next = addressAllocator({ subnet: '172.18.0.0/16', gateway: '172.18.0.1' });
    expect([next(), next(), next()]).toEqual(['172.18.0.2', '172.18.0.3', '172.18.0.4']);
  });

  it('reads a subnet written with host bits set, and a gateway anywhere in it', () => {
    const next = addressAllocator({ subnet: '192.168.16.5/20', gateway: '192.168.16.2' });
    expect([next(), next(), next()]).toEqual(['192.168.16.1', '192.168.16.3', '192.168.16.4']);
  });

  it('stops before the broadcast address', () => {
    const next = addressAllocator({ subnet: '10.0.0.0/30', gateway: '10.0.0.1' });
    expect(next()).toBe('10.0.0.2');
    expect(() => next()).toThrow(/no address left in 10\.0\.0\.0\/30/);
  });

  it('crosses octet boundaries', () => {
    const next = addressAllocator({ subnet: '172.20.0.0/16', gateway: undefined });
    for (let i = 1; i < 255; i++) next();
    expect([next(), next()]).toEqual(['172.20.0.255', '172.20.1.0']);
  });

  it('refuses what is not an IPv4 subnet with room for hosts', () => {
    expect(() => addressAllocator({ subnet: 'fd00::/64', gateway: undefined })).toThrow();
    expect(() => addressAllocator({ subnet: '172.18.0.7/32', gateway: undefined })).toThrow(/room for hosts/);
  });
});

describe('natMapOf', () => {
  it('maps each announced address to the one this process reaches, on the same port', () => {
    const map = natMapOf([
      { announcedHost: '172.18.0.2', host: '127.0.0.1', port: 21000 },
      { announcedHost: '172.18.0.3', host: '127.0.0.1', port: 21001 },
    ]);
    expect(map).toEqual({
      '172.18.0.2:21000': { host: '127.0.0.1', port: 21000 },
      '172.18.0.3:21001': { host: '127.0.0.1', port: 21001 },
    });
  });

  it('is empty when every node announces the address it is reached at (the host network)', () => {
    expect(natMapOf([{ announcedHost: '127.0.0.1', host: '127.0.0.1', port: 21000 }])).toEqual({});
  });

  it('is frozen, so a client holding it sees what the topology built', () => {
    expect(Object.isFrozen(natMapOf([]))).toBe(true);
  });
});
