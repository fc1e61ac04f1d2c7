import { containerDriver } from './container-runner.js';
import { DEFAULTS } from './defaults.js';
import { TestkitOptionsError } from './errors.js';
import { type NetworkSetting, resolveNetworkSetting } from './network-mode.js';
import { processDriver } from './process-runner.js';
import type { ServerDriver } from './server-runner.js';

/** `process`: redis-server child processes; `container`: the same servers in Docker containers. */
export type DriverName = 'process' | 'container';

/** Where a topology's servers run. */
export interface DriverOptions {
  /**
   * `'process'` runs the machine's redis-server; `'container'` runs `image` through
   * testcontainers. Both give the same topologies and faults.
   * @default process.env.COORDIS_TESTKIT_DRIVER, else 'process'
   */
  readonly driver?: DriverName;
  /**
   * The container driver's image; it must have `redis-server` on its PATH.
   * @default process.env.COORDIS_TESTKIT_IMAGE, else 'redis:7.2'
   */
  readonly image?: string;
  /**
   * How the container driver's servers are reached: `'host'` (the host's network, as
   * processes), `'mapped'` (a bridge network per topology, ports published on the loopback
   * address, announced addresses mapped back by the topology's `natMap`), or `'auto'` (host
   * where the engine shares this machine's network, else mapped). The process driver always
   * runs on the host's network.
   * @default process.env.COORDIS_TESTKIT_NETWORK, else 'auto'
   */
  readonly network?: NetworkSetting;
}

const NAMES: readonly DriverName[] = ['process', 'container'];

/** The driver the options (then the environment, then the default) choose. */
export function resolveDriver(opts: DriverOptions, env: NodeJS.ProcessEnv = process.env): ServerDriver {
  const fromEnv = env.COORDIS_TESTKIT_DRIVER || undefined;
  const name = opts.driver ?? fromEnv ?? DEFAULTS.driver;
  if (!NAMES.includes(name as DriverName)) {
    const where = opts.driver ? 'the driver option' : 'COORDIS_TESTKIT_DRIVER';
    throw new TestkitOptionsError(`${where} is ${JSON.stringify(name)}; it must be 'process' or 'container'.`);
  }
  const network = resolveNetworkSetting(opts, name as DriverName, env);
  if (name === 'process') return processDriver;
  return containerDriver(opts.image ?? (env.COORDIS_TESTKIT_IMAGE || DEFAULTS.image), network);
}
