import { createServer } from 'node:net';
import { DEFAULTS } from './defaults.js';
import { TestkitError } from './errors.js';

// Ports handed out by this process and not yet released. Other processes (parallel test
// files) are kept apart by drawing at random and by retrying when a bind fails anyway.
const handedOut = new Set<number>();

function probe(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A port that is free on `host` right now and not handed out by this process. The caller
 * must still handle EADDRINUSE: another process can take it before the server binds.
 */
export async function allocatePort(host: string = DEFAULTS.host): Promise<number> {
  const { min, max } = DEFAULTS.portRange;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = min + Math.floor(Math.random() * (max - min));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await probe(port, host)) return port;
    handedOut.delete(port);
  }
  throw new TestkitError(
    'TESTKIT_NO_FREE_PORT',
    `no free port found on ${host} in ${min}–${max} after 200 attempts; stop the servers that hold them.`,
  );
}

/** Gives a port back once the server on it is gone for good. */
export function releasePort(port: number): void {
  handedOut.delete(port);
}
