import { randomBytes } from 'node:crypto';
import { type ContainerEngine, connectEngine, type EngineApi, engineApi, markRun, ownerLabels, statusCode } from './container-engine.js';
import { BridgeNetworkError } from './errors.js';
import { disownNetwork, ownNetwork } from './reaper.js';
import type { Placement, TopologyNetwork } from './topology-network.js';

/** An IPv4 subnet as the engine gives it: `172.18.0.0/16` and its gateway. */
export interface Subnet {
  readonly subnet: string;
  readonly gateway: string | undefined;
}

function toInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`${ip} is not an IPv4 address`);
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

function toIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * Hands out the addresses of `range` one after another, from the first host address up,
 * skipping the gateway; throws once none is left.
 */
export function addressAllocator(range: Subnet): () => string {
  const [base, bits] = range.subnet.split('/');
  const prefix = Number(bits);
  if (!base || !Number.isInteger(prefix) || prefix < 1 || prefix > 30)
    throw new Error(`${range.subnet} is not an IPv4 subnet with room for hosts`);
  const size = 2 ** (32 - prefix);
  const first = Math.floor(toInt(base) / size) * size;
  const gateway = range.gateway ? toInt(range.gateway) : undefined;
  let next = first + 1;
  return () => {
    if (next === gateway) next++;
    // The last address of the range is its broadcast address.
    if (next >= first + size - 1) throw new Error(`no address left in ${range.subnet}`);
    return toIp(next++);
  };
}

/**
 * The subnet the engine would give a new network. Docker gives containers fixed addresses
 * only on a network whose subnet was named at creation, and the engine's own choice is the one
 * that respects its address pools and avoids its other networks: so a network is created for
 * the engine to choose, read, and removed, and the topology's network is created naming it.
 */
async function engineChoice(engine: ContainerEngine, api: EngineApi, name: string): Promise<Subnet> {
  const scratch = await api.createNetwork({ Name: `${name}-range`, Driver: 'bridge', CheckDuplicate: true, Labels: ownerLabels() });
  ownNetwork(scratch.id, engine.endpoint);
  try {
    const info = await scratch.inspect();
    const config = (info.IPAM?.Config ?? []).find((c) => c.Subnet && !c.Subnet.includes(':'));
    if (!config?.Subnet) throw new BridgeNetworkError(`the engine gave network ${name}-range no IPv4 subnet`);
    return { subnet: config.Subnet, gateway: config.Gateway || undefined };
  } finally {
    await scratch.remove();
    disownNetwork(scratch.id);
  }
}

// Subnets the engine chose for this process's networks that are closed again. The next
// network names one of them and skips the engine's choice (a network created and removed, half
// a second on a busy engine); if another process took it meanwhile, the engine refuses it as
// an overlap, and chooses afresh.
const reusable: Subnet[] = [];

/**
 * Opens a bridge network for one topology, labelled with the run and owner like its
 * containers, so the reaper and the run's teardown remove it too. Each node gets the next
 * fixed address on it; its port is published on `host` by the container runner.
 */
export async function openBridgeNetwork(): Promise<TopologyNetwork> {
  const engine = await connectEngine();
  const api = engineApi(engine);
  markRun();
  const name = `coordis-testkit-${process.env.COORDIS_TESTKIT_RUN ?? 'adhoc'}-${process.pid}-${randomBytes(3).toString('hex')}`;
  for (let attempt = 1; ; attempt++) {
    let range: Subnet;
    let id: string;
    try {
      range = reusable.pop() ?? (await engineChoice(engine, api, name));
      const network = await api.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: range.subnet, ...(range.gateway ? { Gateway: range.gateway } : {}) }] },
        // The servers talk to each other and to the host through published ports only: no
        // outbound NAT to the rest of the world.
        Options: { 'com.docker.network.bridge.enable_ip_masquerade': 'false' },
        Labels: ownerLabels(),
      });
      id = network.id;
    } catch (e) {
      if (e instanceof BridgeNetworkError) throw e;
      const message = e instanceof Error ? e.message : String(e);
      // Another process took the subnet: since this one closed its network on it, or between
      // the engine's choice and the creation.
      if (/overlap/i.test(message) && attempt < 5) continue;
      throw new BridgeNetworkError(message, { cause: e });
    }
    ownNetwork(id, engine.endpoint);
    return bridgeNetwork(api, name, id, range);
  }
}

function bridgeNetwork(api: EngineApi, name: string, id: string, range: Subnet): TopologyNetwork {
  const nextAddress = addressAllocator(range);
  let closed = false;
  return {
    mode: 'mapped',
    place(): Placement {
      let ip: string;
      try {
        ip = nextAddress();
      } catch (e) {
        throw new BridgeNetworkError((e as Error).message, { cause: e });
      }
      return { announcedHost: ip, bridge: { network: name, ip } };
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await api.getNetwork(id).remove();
      } catch (e) {
        // Removed from outside already (a run's teardown, `docker network rm`).
        if (statusCode(e) !== 404) throw e;
      }
      disownNetwork(id);
      reusable.push(range);
    },
  };
}
