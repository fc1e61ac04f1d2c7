import { createConnection, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { NodeCredentials, NodeTarget } from './node-connection.js';
import { tlsConnectOptions } from './tls-connect.js';

/** How long each step of a fresh connection took, in milliseconds. */
export interface ConnectTiming {
  readonly tcpMs: number;
  readonly tlsMs: number | undefined;
  readonly authMs: number | undefined;
  /** The first PING on the fresh connection. */
  readonly pingMs: number;
}

function resp(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/**
 * Opens a fresh connection by hand and times each step apart — TCP connect, TLS handshake,
 * AUTH, first PING — which a client pays again on every reconnect (after a failover, say).
 */
export function probeConnect(target: NodeTarget, creds: NodeCredentials, timeoutMs: number): Promise<ConnectTiming> {
  return new Promise<ConnectTiming>((resolve, reject) => {
    const t0 = performance.now();
    let tcpMs = 0;
    let tlsMs: number | undefined;
    let authMs: number | undefined;
    let socket: Socket =
      'path' in target ? createConnection({ path: target.path }) : createConnection({ host: target.host, port: target.port });
    const raw = socket;
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const finish = (e: Error | undefined, timing?: ConnectTiming) => {
      clearTimeout(timer);
      raw.destroy();
      socket.destroy();
      if (e) reject(e);
      else resolve(timing as ConnectTiming);
    };
    let buffer = '';
    let step: 'auth' | 'ping' = 'ping';
    let mark = 0;
    const send = () => {
      if (creds.password) {
        step = 'auth';
        mark = performance.now();
        const args = creds.username ? ['AUTH', creds.username, creds.password.reveal()] : ['AUTH', creds.password.reveal()];
        socket.write(resp(args));
      } else {
        step = 'ping';
        mark = performance.now();
        socket.write(resp(['PING']));
      }
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const end = buffer.indexOf('\r\n');
      if (end < 0) return;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      // An AUTH error ends the probe (only its first word: terse, and never the password); any
      // reply to PING, even MISCONF after a failed save, is the round trip being timed.
      if (line.startsWith('-') && step === 'auth') return finish(new Error(line.slice(1).split(' ')[0] ?? 'error'));
      if (step === 'auth') {
        authMs = performance.now() - mark;
        step = 'ping';
        mark = performance.now();
        socket.write(resp(['PING']));
        return;
      }
      finish(undefined, { tcpMs, tlsMs, authMs, pingMs: performance.now() - mark });
    };
    raw.once('error', (e) => finish(e));
    raw.once('connect', () => {
      tcpMs = performance.now() - t0;
      if (!creds.tls) {
        socket.on('data', onData);
        send();
        return;
      }
      const host = 'path' in target ? 'localhost' : target.host;
      const t1 = performance.now();
      const secure = tlsConnect({ socket: raw, ...tlsConnectOptions(creds.tls, host) });
      socket = secure;
      secure.once('error', (e) => finish(e));
      secure.once('secureConnect', () => {
        tlsMs = performance.now() - t1;
        secure.on('data', onData);
        send();
      });
    });
  });
}
