import { createConnection, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { HostPort } from './connection-spec.js';
import { type ResolvedTls, tlsConnectOptions } from './tls-options.js';

/** Opens a TCP (or TLS) connection to one node; ioredis takes the socket from here. */
export function dial(target: HostPort | { readonly path: string }, tls: ResolvedTls | undefined): Socket | TLSSocket {
  if ('path' in target) {
    return tls ? tlsConnect({ path: target.path, ...tlsConnectOptions(tls, 'localhost') }) : createConnection({ path: target.path });
  }
  return tls
    ? tlsConnect({ host: target.host, port: target.port, ...tlsConnectOptions(tls, target.host) })
    : createConnection({ host: target.host, port: target.port });
}
