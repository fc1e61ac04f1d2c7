import type { HostPort } from './connection-spec.js';

/**
 * Rewrites addresses that Sentinel announces but this host cannot reach (NAT, containers,
 * Kubernetes): an object keyed by `"host:port"` (or by `"host"` to keep the port), or a
 * function that returns the reachable address or undefined to keep it.
 */
export type NatMap =
  | Readonly<Record<string, HostPort | { readonly host: string; readonly port?: number }>>
  | ((announced: HostPort) => HostPort | undefined);

/** Applies a natMap; without one, or without an entry, the address is kept. */
export function mapAddress(natMap: NatMap | undefined, announced: HostPort): HostPort {
  if (!natMap) return announced;
  if (typeof natMap === 'function') return natMap(announced) ?? announced;
  const exact = natMap[`${announced.host}:${announced.port}`] ?? natMap[announced.host];
  if (!exact) return announced;
  return { host: exact.host, port: exact.port ?? announced.port };
}

/** `host:port`, with IPv6 hosts in brackets. */
export function formatAddress(a: HostPort): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
