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
      `redis-server was not found (${detail}). Install it (Debian/Ubuntu: \`apt-get install redis-server\`; macOS: \`brew install redis\`) or point REDIS_SERVER_BIN at the binary.`,
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

/** True for any error thrown by the testkit, also across package copies. */
export function isTestkitError(e: unknown): e is TestkitError {
  const code: unknown = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('TESTKIT_');
}
