import { dataNodeLines, launchOnFreePort, resolveServerOptions, type ServerOptions } from './node-options.js';
import type { RedisNode } from './redis-node.js';
import type { TlsMaterial } from './tls.js';
import { redisUrl } from './url.js';

/** One `redis-server`. */
export interface StandaloneTopology extends AsyncDisposable {
  readonly kind: 'standalone';
  readonly node: RedisNode;
  /** `redis://` or `rediss://`, with the URL user's credentials. */
  readonly url: string;
  /** The CA and certificates, when TLS is on. */
  readonly tls: TlsMaterial | undefined;
  /** Kills the server and removes its directory. */
  stop(): Promise<void>;
}

/** Starts one `redis-server` on a free loopback port; resolves when it answers PING. */
export async function startStandalone(opts: ServerOptions = {}): Promise<StandaloneTopology> {
  const o = await resolveServerOptions(opts);
  const node = await launchOnFreePort('standalone', o.host, () => ({
    kind: 'redis',
    lines: dataNodeLines(o),
    tls: o.tls,
    auth: o.password ? { password: o.password } : undefined,
    startTimeoutMs: o.startTimeoutMs,
    driver: o.driver,
  }));
  const stop = () => node.stop();
  return {
    kind: 'standalone',
    node,
    url: redisUrl({ host: o.host, port: node.port, tls: o.tls !== undefined, ...o.urlAuth }),
    tls: o.tls,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
