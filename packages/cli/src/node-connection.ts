import type { Secret, TlsSettings } from '@coordis/client';
import { Redis, type RedisOptions } from 'ioredis';
import { tlsConnectOptions } from './tls-connect.js';

/** Where a node listens: a host and port, or a Unix socket. */
export type NodeTarget = { readonly host: string; readonly port: number } | { readonly path: string };

/** How the doctor authenticates to one kind of node (data nodes or sentinels). */
export interface NodeCredentials {
  readonly username?: string | undefined;
  readonly password?: Secret | undefined;
  readonly tls?: TlsSettings | undefined;
}

/** Timeouts of one connection. */
export interface ConnectionTimeouts {
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
}

/** A connection that answered PING, or why not. */
export type NodeConnection =
  | { readonly ok: true; readonly redis: Redis; readonly connectMs: number }
  | { readonly ok: false; readonly error: string; readonly auth: boolean };

/** True when an error says the credentials are wrong or missing. */
export function isAuthFailure(message: string): boolean {
  return /WRONGPASS|NOAUTH|invalid password|invalid username|AUTH failed|NOPERM.*auth/i.test(message);
}

/** True for an error reply of the server (as opposed to a connection failure). */
export function isReplyError(e: unknown): boolean {
  return e instanceof Error && e.name === 'ReplyError';
}

/** First line of an error message, without anything after a newline (stacks, hints). */
export function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0] ?? msg;
}

/** ioredis options without `replyMapping`, whose declared type does not round-trip under exactOptionalPropertyTypes. */
export type NodeRedisOptions = Omit<RedisOptions, 'replyMapping'>;

/**
 * ioredis options for one node, for a doctor-style look: no retries, no offline queue, no
 * reconnects (a node that does not answer is reported, not waited for), a deadline on every
 * command.
 */
export function nodeRedisOptions(target: NodeTarget, creds: NodeCredentials, t: ConnectionTimeouts): NodeRedisOptions {
  return {
    ...('path' in target ? { path: target.path } : { host: target.host, port: target.port }),
    ...(creds.username ? { username: creds.username } : {}),
    ...(creds.password ? { password: creds.password.reveal() } : {}),
    ...(creds.tls ? { tls: tlsConnectOptions(creds.tls, 'path' in target ? 'localhost' : target.host) } : {}),
    lazyConnect: true,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: null,
    autoResubscribe: false,
    connectTimeout: t.connectTimeoutMs,
    commandTimeout: t.commandTimeoutMs,
    // ioredis half-closes on disconnect and keeps a timer of this length to destroy the socket;
    // when the socket is already gone (a dead node) nothing clears it and it holds the process
    // open for the whole default 2 s. Nothing here needs a graceful close.
    disconnectTimeout: 100,
  };
}

/** Opens a connection to one node and proves it with PING (so a wrong password shows here). */
export async function openNode(target: NodeTarget, creds: NodeCredentials, t: ConnectionTimeouts): Promise<NodeConnection> {
  const started = performance.now();
  let redis: Redis;
  try {
    redis = new Redis(nodeRedisOptions(target, creds, t));
  } catch (e) {
    return { ok: false, error: errorText(e), auth: false };
  }
  let lastError: Error | undefined;
  redis.on('error', (e: Error) => {
    lastError = e;
  });
  try {
    await redis.connect();
    try {
      await redis.ping();
    } catch (e) {
      // Any reply but an auth error proves the node answers: PING itself is refused with
      // MISCONF after a failed save, and with LOADING during a restart — both are findings.
      if (!isReplyError(e) || isAuthFailure(errorText(e))) throw e;
    }
    return { ok: true, redis, connectMs: performance.now() - started };
  } catch (e) {
    redis.disconnect();
    let text = errorText(e);
    // ioredis reports a refused or reset connection as "Connection is closed"; the socket's own
    // error (ECONNREFUSED, a TLS failure, WRONGPASS) says more.
    if (/Connection is closed|Stream isn't writeable|ETIMEDOUT/i.test(text) && lastError) text = errorText(lastError);
    return { ok: false, error: text, auth: isAuthFailure(text) };
  }
}
