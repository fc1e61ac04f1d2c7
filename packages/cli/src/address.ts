import { isIP } from 'node:net';

/** `host:port`, with IPv6 hosts in brackets. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Splits `host:port` or `[v6]:port` (as CLUSTER NODES and the doctor's node labels write them). */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!m) return undefined;
  return { host: m[1] as string, port: Number(m[2]) };
}

/** True for 127.0.0.0/8, ::1, `localhost` and Unix sockets (a path): nothing outside this host reaches them. */
export function isLoopbackHost(host: string): boolean {
  if (host.startsWith('/')) return true;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h.startsWith('::ffff:127.');
  return false;
}

/**
 * The addresses of a `bind` value that other hosts can reach: anything not loopback, including
 * the wildcards `*`, `0.0.0.0` and `::`. A leading `-` (optional address) is ignored.
 */
export function publicBindAddresses(bind: string): string[] {
  const parts = bind.split(/\s+/).filter(Boolean);
  // An empty bind listens on every interface.
  if (parts.length === 0) return ['*'];
  return parts.map((p) => p.replace(/^-/, '')).filter((p) => !isLoopbackHost(p));
}
