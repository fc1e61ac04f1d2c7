import { setTimeout as sleep } from 'node:timers/promises';
import { AbstractConnector } from 'ioredis';
import type { HostPort } from './connection-spec.js';
import { DEFAULTS } from './defaults.js';
import { dial } from './dial.js';
import type { Logger } from './logger.js';
import { formatAddress } from './nat-map.js';
import type { PrimaryView, SentinelWatch } from './sentinel-watch.js';
import type { ResolvedTls } from './tls-options.js';

type ErrorEmitter = (type: string, err: Error) => void;
type NetStream = ReturnType<typeof dial>;

/** The node a connector dialled last: the address Sentinel announced and the one dialled. */
export interface DialTarget {
  readonly announced: HostPort | { readonly path: string };
  readonly dialled: HostPort | { readonly path: string };
  readonly epoch: number | undefined;
}

/** Label of a target for messages and logs. */
export function describeTarget(t: DialTarget['dialled']): string {
  return 'path' in t ? t.path : formatAddress(t);
}

/**
 * ioredis' connectors half-close a socket on disconnect and wait `disconnectTimeout` (2 s)
 * for the server to finish it; a hung server never does. Ours destroy it at once: after a
 * switch, not one more reply from the old node may be read.
 */
abstract class DestroyingConnector extends AbstractConnector {
  lastTarget: DialTarget | undefined;

  override disconnect(): void {
    this.connecting = false;
    // `stream` is unset until the first dial; ioredis types it as always present.
    (this.stream as NetStream | undefined)?.destroy();
  }
}

/** One server at a fixed address or socket. */
export class DirectConnector extends DestroyingConnector {
  readonly #target: HostPort | { readonly path: string };
  readonly #tls: ResolvedTls | undefined;

  constructor(target: HostPort | { readonly path: string }, tls: ResolvedTls | undefined) {
    super(0);
    this.#target = target;
    this.#tls = tls;
  }

  async connect(_emit: ErrorEmitter): Promise<NetStream> {
    this.connecting = true;
    // ioredis attaches its listeners after this promise settles; dial on the next tick as
    // its own connector does, so an immediate error is not emitted into the void.
    await new Promise((resolve) => process.nextTick(resolve));
    if (!this.connecting) throw new Error('Connection is closed.');
    this.lastTarget = { announced: this.#target, dialled: this.#target, epoch: undefined };
    const stream = dial(this.#target, this.#tls);
    this.stream = stream;
    stream.once('error', (e: Error) => {
      this.firstError = e;
    });
    return stream;
  }
}

/**
 * The primary (or a replica) of a Sentinel-monitored master. Each dial asks the sentinels
 * afresh (highest config-epoch wins); the ready check then verifies the node's role, so a
 * stale answer in the middle of a failover is refused instead of written to.
 */
export class SentinelConnector extends DestroyingConnector {
  readonly #watch: SentinelWatch;
  readonly #role: 'master' | 'replica';

  /** The role this connector looks for. */
  get role(): 'master' | 'replica' {
    return this.#role;
  }
  readonly #tls: ResolvedTls | undefined;
  readonly #logger: Logger;
  /** A replica connection that fell back to the primary because no replica was healthy. */
  #onPrimary = false;

  constructor(watch: SentinelWatch, role: 'master' | 'replica', tls: ResolvedTls | undefined, logger: Logger) {
    super(0);
    this.#watch = watch;
    this.#role = role;
    this.#tls = tls;
    this.#logger = logger;
  }

  async connect(emit: ErrorEmitter): Promise<NetStream> {
    this.connecting = true;
    for (let attempt = 0; ; attempt++) {
      if (!this.connecting) throw new Error('Connection is closed.');
      let view: PrimaryView;
      try {
        view = await this.#watch.query();
      } catch (e) {
        // Never reject while sentinels are down: ioredis would give the client up for good.
        emit('error', e as Error);
        await sleep(Math.min(DEFAULTS.reconnectBaseMs * 2 ** attempt, DEFAULTS.reconnectMaxMs) * (0.5 + Math.random() / 2));
        continue;
      }
      if (!this.connecting) throw new Error('Connection is closed.');
      let announced: HostPort = view.announced;
      let dialled: HostPort = view.address;
      if (this.#role === 'replica') {
        const replicas = await this.#watch.replicas();
        const pick = replicas[Math.floor(Math.random() * replicas.length)];
        // No healthy replica: read from the primary rather than not at all (ioredis #1458).
        this.#onPrimary = !pick;
        if (pick) {
          announced = pick;
          dialled = pick;
        } else {
          this.#logger.warn('no healthy replica; reading from the primary');
        }
      }
      this.lastTarget = { announced, dialled, epoch: view.epoch };
      const stream = dial(dialled, this.#tls);
      this.stream = stream;
      stream.once('error', (e: Error) => {
        this.firstError = e;
      });
      return stream;
    }
  }

  /**
   * Set when the ready check could not read the role (the ACL refused INFO): the client then
   * asks ROLE itself once the connection is up.
   */
  roleUnverified = false;

  /** Called by ioredis with the ready check's INFO: refuse a node in the wrong role. */
  override check(info: Record<string, string>): boolean {
    const want = this.#role === 'master' || this.#onPrimary ? 'master' : 'slave';
    this.roleUnverified = !info.role;
    if (!info.role || info.role === want) return true;
    this.#logger.warn(
      { node: this.lastTarget ? describeTarget(this.lastTarget.dialled) : undefined, role: info.role },
      'node is not in the expected role; asking the sentinels again',
    );
    return false;
  }
}
