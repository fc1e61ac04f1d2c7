import { isIP, Socket } from 'node:net';
import { vi } from 'vitest';

/** Every TCP address this process dialled while recording, and the ones outside loopback. */
export interface Dials {
  /** `host:port` of each connection attempt, in order; Unix sockets are left out. */
  readonly all: () => string[];
  /** The attempts to anything but 127.0.0.0/8, ::1 or localhost. */
  readonly beyondLoopback: () => string[];
  readonly stop: () => void;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** The `host:port` a Socket#connect call aims at, whichever of its call forms was used. */
function target(args: readonly unknown[]): string | undefined {
  // net.connect() hands connect() its arguments already normalised, as one array.
  const [first, second] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof o.path === 'string') return undefined;
    return `${typeof o.host === 'string' ? o.host : 'localhost'}:${String(o.port)}`;
  }
  if (typeof first === 'number' || /^\d+$/.test(String(first))) return `${typeof second === 'string' ? second : 'localhost'}:${first}`;
  return undefined;
}

/**
 * Records every connection attempt this process makes (ioredis, the testkit's own admin
 * connections, TLS included, as tls.connect goes through Socket#connect), so a test can show
 * it dialled loopback only, never an address a container announced.
 */
export function recordDials(): Dials {
  const spy = vi.spyOn(Socket.prototype, 'connect');
  const all = () => spy.mock.calls.flatMap((args) => target(args) ?? []);
  return {
    all,
    beyondLoopback: () => all().filter((a) => !isLoopback(a.slice(0, a.lastIndexOf(':')))),
    stop: () => spy.mockRestore(),
  };
}
