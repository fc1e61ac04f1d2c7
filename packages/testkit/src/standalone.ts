import { natMapOf } from './nat-map.js';
import type { NetworkMode } from './network-mode.js';
import { dataNodeLines, launchOnFreePort, resolveServerOptions, type ServerOptions } from './node-options.js';
import type { RedisNode } from './redis-node.js';
import type { Address } from './sentinel-watch.js';
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
  /** How this process reaches the server: on the host's network, or through a published port. */
  readonly network: NetworkMode;
  /** The server's announced address → the published one, in mapped mode; else empty. */
  readonly natMap: Readonly<Record<string, Address>>;
  /** Kills the server, removes its directory (and its container and network). */
  stop(): Promise<void>;
}

/** Starts one `redis-server` on a free loopback port; resolves when it answers PING. */
export async function startStandalone(opts: ServerOptions = {}): Promise<StandaloneTopology> {
  const o = await resolveServerOptions(opts);
  const net = await o.driver.network(o.host);
  let node: RedisNode;
  try {
    node = await launchOnFreePort('standalone', o.host, () => ({
      kind: 'redis',
      placement: net.place(),
      lines: dataNodeLines(o),
      tls: o.tls,
      auth: o.password ? { password: o.password } : undefined,
      startTimeoutMs: o.startTimeoutMs,
      driver: o.driver,
    }));
  } catch (e) {
    await net.close();
    throw e;
  }
  const stop = async () => {
    await node.stop();
    await net.close();
  };
  return {
    kind: 'standalone',
    node,
    url: redisUrl({ host: o.host, port: node.port, tls: o.tls !== undefined, ...o.urlAuth }),
    tls: o.tls,
    network: net.mode,
    natMap: natMapOf([node]),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
