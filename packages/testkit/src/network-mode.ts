import { DEFAULTS } from './defaults.js';
import { TestkitOptionsError } from './errors.js';

/**
 * How the host reaches a topology's servers. `host`: each server binds the loopback address
 * and port the testkit allocated and announces it, as a process does. `mapped`: each server
 * has a fixed address on a bridge network of its topology's own, announces that, and is
 * reached through a port published on the loopback address; the topology's `natMap` turns
 * every announced address back into the published one.
 */
export type NetworkMode = 'host' | 'mapped';

/** A network mode, or `auto`: host networking where the engine shares this machine's network, else mapped. */
export type NetworkSetting = NetworkMode | 'auto';

const SETTINGS: readonly NetworkSetting[] = ['auto', 'host', 'mapped'];

/**
 * The network setting the option (then COORDIS_TESTKIT_NETWORK, then the default) chooses for
 * the container driver; the process driver runs on the host's network and takes `host` or
 * `auto` only.
 */
export function resolveNetworkSetting(
  opts: { readonly network?: NetworkSetting | undefined },
  driver: 'process' | 'container',
  env: NodeJS.ProcessEnv = process.env,
): NetworkSetting {
  const fromEnv = env.COORDIS_TESTKIT_NETWORK || undefined;
  const value = opts.network ?? fromEnv ?? DEFAULTS.network;
  const where = opts.network ? 'the network option' : 'COORDIS_TESTKIT_NETWORK';
  if (!SETTINGS.includes(value as NetworkSetting)) {
    throw new TestkitOptionsError(`${where} is ${JSON.stringify(value)}; it must be 'auto', 'host' or 'mapped'.`);
  }
  // The environment sets a whole run's container networking; a test that pins the process
  // driver still runs. An option that asks processes for mapped ports cannot be honoured.
  if (driver === 'process') {
    if (opts.network === 'mapped') {
      throw new TestkitOptionsError(
        "network 'mapped' needs the container driver (driver: 'container'); processes run on the host's network.",
      );
    }
    return 'host';
  }
  return value as NetworkSetting;
}
