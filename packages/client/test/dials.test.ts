import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { recordDials } from './support/dials.js';

// 0.0.0.0 is dialled locally on Linux and macOS: no packet leaves the machine, yet it is not
// loopback, which is what the recorder must catch.
function settle(socket: { once(event: 'error' | 'connect', f: () => void): unknown; destroy(): void }): Promise<void> {
  return new Promise((resolve) => {
    socket.once('error', resolve);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}

describe('recordDials', () => {
  it('sees net, tls and ioredis connection attempts, and tells loopback from the rest', async () => {
    const dials = recordDials();
    try {
      await settle(netConnect({ host: '127.0.0.2', port: 1 }));
      await settle(netConnect(1, '0.0.0.0'));
      await settle(tlsConnect({ host: '0.0.0.0', port: 2 }));
      const r = new Redis({ host: '0.0.0.0', port: 3, lazyConnect: true, retryStrategy: () => null });
      r.on('error', () => {});
      await r.connect().catch(() => {});
      r.disconnect();
      expect(dials.all()).toEqual(['127.0.0.2:1', '0.0.0.0:1', '0.0.0.0:2', '0.0.0.0:3']);
      expect(dials.beyondLoopback()).toEqual(['0.0.0.0:1', '0.0.0.0:2', '0.0.0.0:3']);
    } finally {
      dials.stop();
    }
  });
});
