/**
 * Errors the testkit throws. Each has a stable `code` that survives serialisation (vitest
 * workers send errors across processes) and a message that says what to do about it.
 */
export class TestkitError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** No usable `redis-server` binary was found. */
export class RedisServerNotFoundError extends TestkitError {
  constructor(detail: string) {
    super(
      'TESTKIT_REDIS_SERVER_NOT_FOUND',
      `redis-server was not found (${detail}). Install it (Debian/Ubuntu: \`apt-get install redis-server\`; macOS: \`brew install redis\`) or point REDIS_SERVER_BIN at the binary; with Docker instead, use the container driver (COORDIS_TESTKIT_DRIVER=container).`,
    );
  }
}

/** A server process did not come up; `logTail` holds the last lines it wrote. */
export class ServerStartError extends TestkitError {
  readonly logTail: string;

  constructor(what: string, reason: string, logTail: string, options?: { cause?: unknown }) {
    super(
      'TESTKIT_SERVER_START_FAILED',
      `${what} did not start: ${reason}${logTail ? `\n--- last lines of its log ---\n${logTail}` : ''}`,
      options,
    );
    this.logTail = logTail;
  }
}

/** A topology or a fault did not reach the state it waits for in time. */
export class TopologyTimeoutError extends TestkitError {
  constructor(what: string, timeoutMs: number, lastObservation: string) {
    super(
      'TESTKIT_TIMEOUT',
      `${what} was not reached within ${timeoutMs} ms (last seen: ${lastObservation}). On a loaded machine raise timeoutMs; otherwise read the node logs in its directory.`,
    );
  }
}

/** A fault or an operation was asked of a node in a state that cannot take it. */
export class NodeStateError extends TestkitError {
  constructor(message: string) {
    super('TESTKIT_NODE_STATE', message);
  }
}

/** `openssl` is needed to generate the TLS certificates and was not found. */
export class OpensslNotFoundError extends TestkitError {
  constructor(options?: { cause?: unknown }) {
    super(
      'TESTKIT_OPENSSL_NOT_FOUND',
      'openssl was not found; TLS topologies need it to generate their certificates. Install it (Debian/Ubuntu: `apt-get install openssl`) or point OPENSSL_BIN at the binary.',
      options,
    );
  }
}

/** Options that cannot describe a topology. */
export class TestkitOptionsError extends TestkitError {
  constructor(message: string) {
    super('TESTKIT_BAD_OPTIONS', message);
  }
}

/** The container driver was chosen and no container engine answered. */
export class ContainerEngineUnavailableError extends TestkitError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      'TESTKIT_CONTAINER_ENGINE_UNAVAILABLE',
      `the container driver needs a Docker engine and none answered (${detail}). Start Docker (dockerd, Docker Desktop, colima) or point DOCKER_HOST at a running engine; or use the process driver (COORDIS_TESTKIT_DRIVER=process, or driver: 'process') with redis-server installed.`,
      options,
    );
  }
}

/** The container driver was chosen and the `testcontainers` package is not installed. */
export class TestcontainersNotInstalledError extends TestkitError {
  constructor(options?: { cause?: unknown }) {
    super(
      'TESTKIT_TESTCONTAINERS_MISSING',
      'the container driver runs its servers through the testcontainers package, which is not installed: add it next to @coordis/testkit (`pnpm add -D testcontainers@^11` or `npm i -D testcontainers@^11`), or use the process driver.',
      options,
    );
  }
}

/** The image the container driver runs is not on the engine and could not be pulled. */
export class ContainerImageUnavailableError extends TestkitError {
  constructor(image: string, options?: { cause?: unknown }) {
    super(
      'TESTKIT_CONTAINER_IMAGE_UNAVAILABLE',
      `image ${image} is not on the Docker engine and could not be pulled. Pull it where a registry is reachable (\`docker pull ${image}\`), or build one from a local redis-server (scripts/redis-image.sh in the coordis repository) and name it in COORDIS_TESTKIT_IMAGE or the image option.`,
      options,
    );
  }
}

/** The port was taken between allocation and bind (or publication); the topology retries with another. */
export class PortInUseError extends TestkitError {
  constructor(port: number, detail: string) {
    super('TESTKIT_PORT_IN_USE', `port ${port} was taken by another process before the server could bind it:\n${detail}`);
  }
}

/** Mapped networking: the engine did not create (or give an address range to) a topology's bridge network. */
export class BridgeNetworkError extends TestkitError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      'TESTKIT_BRIDGE_NETWORK_FAILED',
      `the container driver runs each topology on a bridge network of its own (mapped networking), and the engine did not create one (${detail}). Remove networks nothing uses (\`docker network prune\`), or give the engine more address pools (default-address-pools in daemon.json); where the engine shares this machine's network, use host networking instead (network: 'host', or COORDIS_TESTKIT_NETWORK=host).`,
      options,
    );
  }
}

/** `network: 'auto'` could not tell whether the engine shares this machine's network. */
export class HostNetworkProbeError extends TestkitError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      'TESTKIT_HOST_NETWORK_PROBE_FAILED',
      `the container driver could not tell whether the engine's host network is this machine's: its probe, a redis-server in a container on the host network, did not start (${detail}). Choose the networking yourself: network: 'host' or 'mapped', or COORDIS_TESTKIT_NETWORK=host or mapped.`,
      options,
    );
  }
}

/** True for any error thrown by the testkit, also across package copies. */
export function isTestkitError(e: unknown): e is TestkitError {
  const code: unknown = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('TESTKIT_');
}
