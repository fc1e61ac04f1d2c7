import type { Address } from './sentinel-watch.js';

/** A node as a natMap sees it: the address it announces, and the one this process reaches it at. */
export interface AnnouncedNode {
  readonly announcedHost: string;
  readonly host: string;
  readonly port: number;
}

/**
 * `"announced host:port"` → the address this process reaches it at, for every node whose two
 * differ (none on the host's network): the form @coordis/client's `natMap` option and ioredis'
 * take, so a client given it never dials an announced container address.
 */
export function natMapOf(nodes: readonly AnnouncedNode[]): Readonly<Record<string, Address>> {
  const map: Record<string, Address> = {};
  for (const n of nodes) {
    if (n.announcedHost !== n.host) map[`${n.announcedHost}:${n.port}`] = { host: n.host, port: n.port };
  }
  return Object.freeze(map);
}
