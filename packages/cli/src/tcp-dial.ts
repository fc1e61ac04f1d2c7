import { createConnection } from 'node:net';

/** The outcome of dialling one address. */
export type DialOutcome = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly error: string };

/** Opens a TCP connection and closes it at once: can this host reach that address? */
export function dialTcp(host: string, port: number, timeoutMs: number): Promise<DialOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (outcome: DialOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ ok: false, error: `no TCP connection within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => done({ ok: true, ms: performance.now() - started }));
    socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code ?? e.message }));
  });
}
