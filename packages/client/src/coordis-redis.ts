import { inspect } from 'node:util';
import { EventEmitter } from 'eventemitter3';
import { type AbstractConnector, Command, Redis, type RedisOptions } from 'ioredis';
// Types only: ioredis does not re-export this helper type from its root.
import type { ReplyMappingFromOptions } from 'ioredis/built/types.js';
import type { ClientEvents, FailoverEvent } from './client-events.js';
import type { HostPort } from './connection-spec.js';
import { type DialTarget, DirectConnector, describeTarget, SentinelConnector } from './connectors.js';
import { DEFAULTS } from './defaults.js';
import { classifyReplyError, type DeliveryPolicy, isIdempotent, mayResend, mayWrite } from './delivery.js';
import {
  AuthError,
  ConnectionUnavailableError,
  DurabilityError,
  isCoordisError,
  MasterUnreachableError,
  NoQuorumError,
  OutOfMemoryError,
  RetriesExhaustedError,
  TlsError,
  UnknownOutcomeError,
} from './errors.js';
import type { Logger } from './logger.js';
import type { PrimarySwitch, SentinelWatch, SentinelWatchOptions } from './sentinel-watch.js';
import { SentinelWatch as Watch } from './sentinel-watch.js';
import type { ResolvedTls } from './tls-options.js';

/** Wait for replicas after each write (WAIT), so a failover cannot lose it once acknowledged. */
export interface DurableOptions {
  /** Replicas that must have the write before it counts as done. */
  readonly replicas: number;
  /** How long to wait for them; past it the write rejects with DurabilityError. */
  readonly timeoutMs: number;
}

/** Options one call (or a view of the client) can change. */
export interface CallOptions {
  /** @default the client's delivery policy ('safe') */
  readonly delivery?: DeliveryPolicy;
  /** `false` turns the client's durable writes off for this call. */
  readonly durable?: DurableOptions | false;
  /**
   * How long the command may wait for a connection before it rejects, unsent, with
   * ConnectionUnavailableError; it is then never sent later. For commands whose meaning
   * expires (a rate-limit check counts into the current window). @default offlineQueueTimeoutMs
   */
  readonly offlineTimeoutMs?: number;
  /**
   * Where read-only commands go: `'replica'` sends them to a healthy replica (Sentinel only;
   * its own connection, opened on first use), and to the primary when no replica is healthy.
   * Replicas lag: read there only what may be a little stale. @default 'primary'
   */
  readonly readFrom?: 'primary' | 'replica';
}

/** Where a client connects; built by `connect()`. */
export type ClientTarget =
  | { readonly kind: 'direct'; readonly address: HostPort | { readonly path: string }; readonly tls: ResolvedTls | undefined }
  | {
      readonly kind: 'sentinel';
      readonly watch: SentinelWatchOptions;
      readonly role: 'master' | 'replica';
      readonly tls: ResolvedTls | undefined;
    };

/** Everything a client and its duplicates share; resolved once by `connect()`. */
export interface ClientContext {
  readonly target: ClientTarget;
  /** The redacted URL or description, for messages and inspect output. */
  readonly description: string;
  readonly logger: Logger;
  readonly delivery: DeliveryPolicy;
  readonly durable: DurableOptions | undefined;
  readonly offlineQueueTimeoutMs: number;
  readonly retryDeadlineMs: number;
  readonly commandTimeoutMs: number | undefined;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  readonly heartbeatMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly sentinelQuorum: number;
}

/** The ioredis options coordis owns; everything else passes through. */
export type PassThroughOptions = Omit<
  RedisOptions,
  | 'Connector'
  | 'host'
  | 'port'
  | 'path'
  | 'sentinels'
  | 'name'
  | 'role'
  | 'natMap'
  | 'tls'
  | 'retryStrategy'
  | 'reconnectOnError'
  | 'autoResendUnfulfilledCommands'
  | 'maxRetriesPerRequest'
  | 'enableOfflineQueue'
  | 'lazyConnect'
  | 'replyMapping'
  | 'commandTimeout'
  | 'password'
  | 'username'
  | 'db'
  | 'sentinelPassword'
  | 'sentinelUsername'
>;

/** ioredis options as `connect()` hands them to the client. */
export type ClientOptionsBase = PassThroughOptions & { password?: string; username?: string; db?: number };

interface Meta {
  policy: DeliveryPolicy;
  offlineTimeoutMs: number;
  durable: DurableOptions | undefined;
  firstSentAt: number;
  attempts: number;
  offlineTimer?: NodeJS.Timeout | undefined;
  commandTimer?: NodeJS.Timeout | undefined;
  wait?: Command | undefined;
}

type QueuedItem = Parameters<Redis['handleReconnection']>[1];

interface PendingFailover {
  from: string | undefined;
  detectedBy: FailoverEvent['detectedBy'];
  detectedAt: number;
  epoch: number | undefined;
  readyAt?: number;
  to?: string;
  inFlightRejected: number;
  resent: number;
  fallback?: NodeJS.Timeout;
}

// Members of ioredis' Redis that TypeScript marks private but that a subclass must drive.
interface RedisInternals {
  reconnectTimeout: NodeJS.Timeout | null;
  connector: AbstractConnector;
  condition: { select: number } | null;
}

// Per-command state lives on the command object under symbols: one property read on the hot
// path, where a WeakMap would cost a hash lookup per command.
const META = Symbol('coordis.meta');
const CALL = Symbol('coordis.call');
const ORPHAN = Symbol('coordis.orphan');
type Tagged = Command & { [META]?: Meta; [CALL]?: CallOptions; [ORPHAN]?: boolean; coordisDurable?: boolean };

function sameTarget(a: DialTarget['announced'] | undefined, b: HostPort): boolean {
  return a !== undefined && !('path' in a) && a.host === b.host && a.port === b.port;
}

function connectorFor(ctx: ClientContext, watch: SentinelWatch | undefined): DirectConnector | SentinelConnector {
  if (ctx.target.kind === 'direct') return new DirectConnector(ctx.target.address, ctx.target.tls);
  return new SentinelConnector(watch as SentinelWatch, ctx.target.role, ctx.target.tls, ctx.logger);
}

/**
 * An ioredis client that finds and follows the primary by itself. Everything of ioredis
 * works as usual; what coordis adds:
 *
 * - Sentinel: discovery over all sentinels, the role verified on every connect, and a move to
 *   the new primary the moment Sentinel announces it (the old socket is destroyed, not
 *   half-closed and waited on, so a hung primary holds nothing).
 * - READONLY, MASTERDOWN: the primary is looked up again and the command resent there.
 *   LOADING, BUSY, TRYAGAIN, NOREPLICAS: resent after a short wait. OOM: `OutOfMemoryError`.
 * - A delivery policy for commands in flight when a connection dies (see DeliveryPolicy).
 * - Durable writes (WAIT) per client or per call (`withOptions`).
 * - Typed events on `events`, a pino logger, and no password in any message, log or inspect.
 */
export class CoordisClient extends Redis {
  /** Typed events: ready, reconnecting, failover, readonlyRecovered, error. */
  readonly events = new EventEmitter<ClientEvents>();
  private readonly ctx: ClientContext;
  private readonly baseOptions: ClientOptionsBase;
  private readonly sentinelWatch: SentinelWatch | undefined;
  private readonly conn: DirectConnector | SentinelConnector;
  private pending: PendingFailover | undefined;
  private released = false;
  private lastError: Error | undefined;
  // The heartbeat: when the link last carried data, the PING in flight, and suspicion.
  private lastDataAt = performance.now();
  private pingSentAt: number | undefined;
  private suspectSince: number | undefined;
  private suspectPoll: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private blockingInFlight = 0;
  /** Commands held back while the link is suspect; never written to it. */
  private held: Command[] = [];
  /** The replica connection of `readFrom: 'replica'` views, opened on first use. */
  private replicas: CoordisClient | undefined;

  constructor(options: ClientOptionsBase, ctx: ClientContext) {
    const watch = ctx.target.kind === 'sentinel' ? Watch.acquire(ctx.target.watch) : undefined;
    const conn = connectorFor(ctx, watch);
    // ioredis builds its connector with `new options.Connector(options)`; this hands it ours.
    const Connector = function ConnectorInstance() {
      return conn;
    } as unknown as RedisOptions['Connector'];
    super({
      ...options,
      Connector,
      lazyConnect: true,
      enableOfflineQueue: true,
      // Offline waits are bounded by time (offlineQueueTimeoutMs), not by reconnect count.
      maxRetriesPerRequest: null,
      // In-flight commands are resent by ioredis and filtered by the delivery policy here.
      autoResendUnfulfilledCommands: true,
      ...(ctx.target.kind === 'direct' && ctx.target.tls ? { tls: {} } : {}),
      ...(ctx.target.kind === 'sentinel' && ctx.target.tls ? { tls: {} } : {}),
    });
    this.ctx = ctx;
    this.baseOptions = options;
    this.sentinelWatch = watch;
    this.conn = conn;
    // Per instance, so duplicates do not share the closure.
    this.options.retryStrategy = (attempt: number) => this.retryDelay(attempt);
    // Keep the password out of inspect(client.options) and JSON.stringify(client.options).
    for (const key of ['password'] as const) {
      if (key in this.options) Object.defineProperty(this.options, key, { enumerable: false, writable: true, value: this.options[key] });
    }
    this.on('error', (e: Error) => this.onError(e));
    this.on('ready', () => this.onReady());
    this.on('connect', () => this.watchLink());
    this.on('close', () => {
      this.pingSentAt = undefined;
      this.blockingInFlight = 0;
    });
    this.on('reconnecting', (delayMs: number) => this.events.emit('reconnecting', { delayMs }));
    this.on('end', () => this.release());
    // ioredis moves the unanswered commands of a closed connection aside to resend them once
    // the next one is ready; note which they are, so the delivery policy can judge each.
    this.on('close', () => {
      const prev = (this as unknown as { prevCommandQueue?: { toArray(): { command: object }[] } | null }).prevCommandQueue;
      if (prev) for (const item of prev.toArray()) (item.command as Tagged)[ORPHAN] = true;
    });
    watch?.on('switch', this.onSwitch);
    watch?.on('sentinelUp', this.onSentinelUp);
    watch?.on('sentinelDown', this.onSentinelDown);
    watch?.on('quorum', this.onQuorum);
    if (ctx.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.beat(), Math.max(50, Math.floor(ctx.heartbeatMs / 2)));
      // The heartbeat must never keep a process alive on its own.
      this.heartbeat.unref();
    }
  }

  private readonly onSentinelUp = (address: string): void => {
    this.events.emit('sentinelUp', { address });
  };

  private readonly onSentinelDown = (address: string, reason: string): void => {
    this.events.emit('sentinelDown', { address, reason });
  };

  private readonly onQuorum = (ok: boolean): void => {
    this.ctx.logger.warn(
      { ok, quorum: this.ctx.sentinelQuorum },
      ok ? 'sentinels agree on the primary again' : 'sentinels do not agree on the primary',
    );
    this.events.emit('quorum', { ok });
  };

  /** Notes every chunk the link carries: a link that carries data is not hung. */
  private watchLink(): void {
    this.lastDataAt = performance.now();
    const stream = this.stream as { on?: (event: string, listener: () => void) => void } | undefined;
    stream?.on?.('data', () => {
      this.lastDataAt = performance.now();
      if (this.suspectSince !== undefined) this.clearSuspect();
    });
  }

  /**
   * One heartbeat tick: PING a link that has been silent for heartbeatMs (blocking commands
   * exempt: their silence is expected); a PING unanswered for heartbeatTimeoutMs makes the
   * link suspect.
   */
  private beat(): void {
    if (this.status !== 'ready') return;
    const now = performance.now();
    if (this.pingSentAt !== undefined) {
      if (this.suspectSince === undefined && now - this.pingSentAt >= this.ctx.heartbeatTimeoutMs) this.becomeSuspect(now);
      return;
    }
    if (this.blockingInFlight > 0 || now - this.lastDataAt < this.ctx.heartbeatMs) return;
    const ping = new Command('ping');
    this.pingSentAt = now;
    const done = () => {
      if (this.pingSentAt === now) this.pingSentAt = undefined;
    };
    ping.promise.then(done, done);
    super.sendCommand(ping);
  }

  private becomeSuspect(now: number): void {
    this.suspectSince = now;
    const address = this.address ?? this.ctx.description;
    this.ctx.logger.warn({ node: address, silentMs: Math.round(now - this.lastDataAt) }, 'no answer to PING: the primary is suspect');
    this.events.emit('suspect', { address, silentMs: now - this.lastDataAt });
    const watch = this.sentinelWatch;
    if (watch) {
      // Sentinel may already have named another primary: ask often until it does.
      const ask = () => {
        watch.query('heartbeat').catch(() => {});
      };
      ask();
      this.suspectPoll = setInterval(ask, DEFAULTS.suspectPollMs);
      this.suspectPoll.unref();
    }
  }

  private clearSuspect(): void {
    const since = this.suspectSince;
    if (since === undefined) return;
    this.suspectSince = undefined;
    if (this.suspectPoll) clearInterval(this.suspectPoll);
    this.suspectPoll = undefined;
    this.events.emit('unsuspect', { address: this.address ?? this.ctx.description, suspectMs: performance.now() - since });
    const held = this.held;
    this.held = [];
    for (const command of held) this.sendCommand(command);
  }

  /** The node this client talks to (or last dialled), as `host:port`. */
  get address(): string | undefined {
    return this.conn.lastTarget ? describeTarget(this.conn.lastTarget.dialled) : undefined;
  }

  /** A view of this client whose commands use other call options; it shares the connection. */
  withOptions(opts: CallOptions): this {
    const replicaReads = opts.readFrom === 'replica' && this.ctx.target.kind === 'sentinel';
    const sendCommand = (command: Command, stream?: unknown) => {
      (command as Tagged)[CALL] = opts;
      if (replicaReads && !stream && !command.inTransaction && isIdempotent(command.name) && !mayWrite(command.name)) {
        return this.replicaReader().sendCommand(command);
      }
      return this.sendCommand(command, stream as never);
    };
    // One wrapper per method and view, made on first use: a hot loop on a view (a durable
    // reader's XREAD, a publisher's XADD) allocates no function per call.
    const wrappers = new Map<PropertyKey, { value: unknown; receiver: unknown; wrapper: unknown }>();
    return new Proxy(this, {
      get(t, prop, receiver) {
        if (prop === 'sendCommand') return sendCommand;
        const value = Reflect.get(t, prop, t);
        // Command methods run with `this` = the view, so their sendCommand is the one above. A
        // pipeline made from the view copies its script commands onto itself: called from
        // there they must run on the pipeline, or the script would leave it and run alone.
        if (typeof value !== 'function' || (prop in CoordisClient.prototype && Object.hasOwn(CoordisClient.prototype, prop))) return value;
        const known = wrappers.get(prop);
        if (known?.value === value && known.receiver === receiver) return known.wrapper;
        const wrapper = function (this: unknown, ...args: unknown[]) {
          const self = this === undefined || this === receiver || this === t ? receiver : this;
          return (value as (...a: unknown[]) => unknown).apply(self, args);
        };
        wrappers.set(prop, { value, receiver, wrapper });
        return wrapper;
      },
    });
  }

  /** The connection for `readFrom: 'replica'`: the same client, on a replica. */
  private replicaReader(): CoordisClient {
    if (!this.replicas) {
      const target = this.ctx.target;
      if (target.kind !== 'sentinel') throw new Error('replica reads need a Sentinel client');
      this.replicas = new CoordisClient(this.baseOptions, { ...this.ctx, target: { ...target, role: 'replica' } });
      this.replicas.connect().catch(() => {});
    }
    return this.replicas;
  }

  /** Waits until `replicas` replicas have every write this connection made so far (WAIT). */
  async waitForReplicas(replicas: number, timeoutMs: number): Promise<number> {
    return Number(await this.call('WAIT', [replicas, timeoutMs]));
  }

  /** A new connection with the same target, options and guarantees (for a subscriber, say). */
  override duplicate<Override extends Partial<RedisOptions> | undefined = undefined>(
    override?: Override,
  ): CoordisClient & Redis<ReplyMappingFromOptions<'legacy', Override>> {
    const options = { ...this.baseOptions, ...(override ?? {}) } as ClientOptionsBase;
    return new CoordisClient(options, this.ctx) as CoordisClient & Redis<ReplyMappingFromOptions<'legacy', Override>>;
  }

  override async connect(callback?: () => void): Promise<void> {
    if (this.released && this.ctx.target.kind === 'sentinel') {
      throw new ConnectionUnavailableError('connect()', 0, { cause: new Error('this client was closed; create a new one with connect()') });
    }
    return super.connect(callback);
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.replicas?.disconnect();
    if (this.pending?.fallback) clearTimeout(this.pending.fallback);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.suspectPoll) clearInterval(this.suspectPoll);
    this.sentinelWatch?.off('switch', this.onSwitch);
    this.sentinelWatch?.off('sentinelUp', this.onSentinelUp);
    this.sentinelWatch?.off('sentinelDown', this.onSentinelDown);
    this.sentinelWatch?.off('quorum', this.onQuorum);
    this.sentinelWatch?.release();
  }

  private retryDelay(attempt: number): number {
    // A known new primary: go at once. Otherwise back off with full jitter.
    if (this.pending && this.ctx.target.kind === 'sentinel') return 0;
    const cap = Math.min(this.ctx.reconnectBaseMs * 2 ** (attempt - 1), this.ctx.reconnectMaxMs);
    return Math.round(cap / 2 + Math.random() * (cap / 2));
  }

  private internals(): RedisInternals {
    return this as unknown as RedisInternals;
  }

  /** Sentinel named a new primary: leave the old one now, whatever state the link is in. */
  private readonly onSwitch = (sw: PrimarySwitch): void => {
    if (this.ctx.target.kind !== 'sentinel' || this.ctx.target.role !== 'master') return;
    if (sameTarget(this.conn.lastTarget?.announced, sw.to.announced) && this.status === 'ready') return;
    this.beginFailover(sw.detectedBy, sw.detectedAt, sw.to.epoch);
    this.reconnectNow();
  };

  private beginFailover(detectedBy: FailoverEvent['detectedBy'], detectedAt: number, epoch: number | undefined): void {
    if (this.pending && this.pending.readyAt === undefined) return;
    if (this.pending?.fallback) clearTimeout(this.pending.fallback);
    this.pending = { from: this.address, detectedBy, detectedAt, epoch, inFlightRejected: 0, resent: 0 };
  }

  private reconnectNow(): void {
    const internals = this.internals();
    if (this.status === 'reconnecting' && internals.reconnectTimeout) {
      clearTimeout(internals.reconnectTimeout);
      internals.reconnectTimeout = null;
      this.connect().catch(() => {});
    } else if (this.status === 'ready' || this.status === 'connect') {
      // destroy(), not end(): the old primary may be hung and never finish a close. ioredis'
      // close handler then reconnects through the connector, which asks the sentinels anew.
      // (Never connector.disconnect() here: during a connect that would end the client.)
      (this.stream as { destroy?: () => void } | undefined)?.destroy?.();
    }
    // 'connecting': the connector is asking the sentinels right now and gets the new answer.
  }

  private onReady(): void {
    // A new connection is not suspect; what was held back goes out on it.
    this.clearSuspect();
    if (this.conn instanceof SentinelConnector && this.conn.roleUnverified) this.verifyRole(this.conn);
    const address = this.address ?? this.ctx.description;
    this.ctx.logger.info({ node: address }, 'ready');
    this.events.emit('ready', { address });
    const p = this.pending;
    if (!p || p.readyAt !== undefined) return;
    p.readyAt = performance.now();
    p.to = address;
    if (p.from === address && p.detectedBy !== 'readonly') {
      this.pending = undefined;
      return;
    }
    p.fallback = setTimeout(() => this.reportFailover(undefined), 1000);
    p.fallback.unref();
  }

  /**
   * The ACL refused INFO, so the ready check saw no role: ask ROLE instead. A node in the
   * wrong role is left at once. When ROLE is refused too, say so with a typed warning: writes
   * to a replica are still refused by the replica itself (READONLY) and rerouted, but reads
   * could be served by a replica.
   */
  private verifyRole(conn: SentinelConnector): void {
    this.call('ROLE').then(
      (reply) => {
        const role = String((reply as unknown[])[0]);
        const want = conn.role === 'master' ? 'master' : 'slave';
        if (role !== want) {
          this.ctx.logger.warn({ node: this.address, role }, 'node is not in the expected role; asking the sentinels again');
          this.reconnectNow();
        }
      },
      (e: Error) => {
        const message = `the role of ${this.address} could not be verified: the ACL user may run neither INFO nor ROLE (${e.message.split(' ')[0]}). Grant +info or +role (coordis doctor prints the minimal ACL line).`;
        this.ctx.logger.warn({ node: this.address }, message);
        this.events.emit('warning', { code: 'COORDIS_ROLE_UNVERIFIED', message });
      },
    );
  }

  private reportFailover(firstReplyAt: number | undefined): void {
    const p = this.pending;
    if (!p || p.readyAt === undefined) return;
    this.pending = undefined;
    if (p.fallback) clearTimeout(p.fallback);
    const event: FailoverEvent = {
      from: p.from,
      to: p.to ?? this.ctx.description,
      epoch: p.epoch ?? this.conn.lastTarget?.epoch,
      detectedBy: p.detectedBy,
      msToSwitch: p.readyAt - p.detectedAt,
      msToFirstWrite: firstReplyAt === undefined ? undefined : firstReplyAt - p.detectedAt,
      inFlightRejected: p.inFlightRejected,
      resent: p.resent,
    };
    this.ctx.logger.warn(event, 'failover');
    this.events.emit('failover', event);
  }

  private onError(e: Error): void {
    const typed = this.typedError(e);
    this.lastError = typed;
    this.ctx.logger.debug({ err: typed.message, code: (typed as { code?: string }).code }, 'connection error');
    this.events.emit('error', typed);
  }

  /** Gives raw socket and handshake errors the coordis type that says what to fix. */
  typedError(e: Error): Error {
    if (isCoordisError(e)) return e;
    const target = this.conn.lastTarget;
    const dialled = target ? describeTarget(target.dialled) : this.ctx.description;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(e.message)) return new AuthError('data', dialled, e);
    if (
      /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS_|ERR_SSL_)/.test(code) ||
      /certificate|SSL routines|wrong version number/i.test(e.message)
    ) {
      return new TlsError(dialled, e);
    }
    if (
      this.ctx.target.kind === 'sentinel' &&
      target &&
      /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND/.test(code || e.message)
    ) {
      return new MasterUnreachableError(describeTarget(target.announced), dialled, e);
    }
    return e;
  }

  private metaOf(command: Command): Meta {
    const tagged = command as Tagged;
    let m = tagged[META];
    if (!m) {
      const call = tagged[CALL];
      const durable = call?.durable === false ? undefined : (call?.durable ?? this.ctx.durable);
      m = {
        policy: call?.delivery ?? this.ctx.delivery,
        offlineTimeoutMs: call?.offlineTimeoutMs ?? this.ctx.offlineQueueTimeoutMs,
        durable,
        firstSentAt: performance.now(),
        attempts: 0,
      };
      tagged[META] = m;
    }
    return m;
  }

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    // A command rejected while it waited (deadline, policy) must never be written later.
    if (command.isSettled) return command.promise;
    const tagged = command as Tagged;
    let m = tagged[META];
    if (tagged[ORPHAN]) {
      // ioredis is resending a command that was on a connection that died before replying.
      tagged[ORPHAN] = false;
      const policy = tagged[CALL]?.delivery ?? this.ctx.delivery;
      if (!mayResend(policy, command.name, command.inTransaction)) {
        if (this.pending) this.pending.inFlightRejected++;
        command.reject(
          new UnknownOutcomeError(command.name, 'the connection it was sent on closed before the reply (failover, crash or hang)'),
        );
        return command.promise;
      }
      if (this.pending) this.pending.resent++;
    }
    if (this.ctx.sentinelQuorum > 1 && this.sentinelWatch?.quorumOk === false && mayWrite(command.name)) {
      command.reject(
        this.lastError instanceof NoQuorumError ? this.lastError : new NoQuorumError(this.ctx.sentinelQuorum, 0, this.address ?? '?', 0),
      );
      return command.promise;
    }
    if (this.suspectSince !== undefined && !stream && this.status === 'ready') {
      // The link may be hung: hold the command back rather than write it where it may sit
      // unanswered. It goes out when the link answers again or on the next primary.
      m ??= this.metaOf(command);
      this.held.push(command);
      if (!m.offlineTimer) this.armOfflineTimer(command, m);
      return command.promise;
    }
    // The hot path allocates nothing: per-command state exists only for durable writes,
    // command deadlines and commands that have to wait for a connection.
    let durable: DurableOptions | undefined;
    if ((this.ctx.durable || tagged[CALL]) && !stream && !command.inTransaction && mayWrite(command.name)) {
      m ??= this.metaOf(command);
      durable = m.durable;
      if (durable) this.attachWait(command, m, durable);
    }
    const result = super.sendCommand(command, stream);
    if (this.commandQueue.peekBack()?.command === command) {
      if (m?.offlineTimer) {
        clearTimeout(m.offlineTimer);
        m.offlineTimer = undefined;
      }
      if (Command.checkFlag('BLOCKING_COMMANDS', command.name)) {
        // A blocked read is silent by design: no heartbeat PING while one waits.
        this.blockingInFlight++;
        const done = () => {
          this.blockingInFlight = Math.max(0, this.blockingInFlight - 1);
        };
        command.promise.then(done, done);
      }
      if (this.ctx.commandTimeoutMs !== undefined) {
        m ??= this.metaOf(command);
        this.armCommandTimer(command, m);
      }
      if (this.pending?.readyAt !== undefined) {
        command.promise.then(
          () => this.reportFailover(performance.now()),
          () => {},
        );
      }
    } else if (!command.isSettled) {
      m ??= this.metaOf(command);
      if (!m.offlineTimer) this.armOfflineTimer(command, m);
    }
    if (durable && m?.wait) this.sendCommand(m.wait);
    return result;
  }

  private armOfflineTimer(command: Command, m: Meta): void {
    const left = m.offlineTimeoutMs - (performance.now() - m.firstSentAt);
    m.offlineTimer = setTimeout(
      () => {
        m.offlineTimer = undefined;
        if (!command.isSettled) {
          command.reject(
            new ConnectionUnavailableError(command.name.toUpperCase(), Math.round(performance.now() - m.firstSentAt), {
              cause: this.conn.firstError,
            }),
          );
        }
      },
      Math.max(0, left),
    );
    m.offlineTimer.unref();
  }

  private armCommandTimer(command: Command, m: Meta): void {
    const limit = this.ctx.commandTimeoutMs;
    if (limit === undefined || Command.checkFlag('BLOCKING_COMMANDS', command.name)) return;
    if (m.commandTimer) clearTimeout(m.commandTimer);
    m.commandTimer = setTimeout(() => {
      if (command.isSettled) return;
      command.reject(
        mayResend('safe', command.name, command.inTransaction)
          ? new ConnectionUnavailableError(command.name.toUpperCase(), limit)
          : new UnknownOutcomeError(command.name, `no reply within ${limit} ms (commandTimeoutMs)`),
      );
    }, limit);
    m.commandTimer.unref();
    command.promise.then(
      () => clearTimeout(m.commandTimer),
      () => clearTimeout(m.commandTimer),
    );
  }

  /** Sends WAIT right behind a durable write and holds the write's reply until it answers. */
  private attachWait(command: Command, m: Meta, durable: DurableOptions): void {
    const wait = new Command('wait', [durable.replicas, durable.timeoutMs]);
    // The write carries the outcome: a WAIT rejected with it (the connection closed with both
    // in flight) must not surface on its own as an unhandled rejection, which ends the process.
    wait.promise.catch(() => {});
    m.wait = wait;
    const tagged = command as Tagged;
    if (tagged.coordisDurable) return;
    tagged.coordisDurable = true;
    const resolve = command.resolve;
    const reject = command.reject;
    command.resolve = (value: unknown) => {
      const current = m.wait;
      if (!current) return resolve(value);
      current.promise.then(
        (acks: unknown) => {
          if (Number(acks) >= durable.replicas) resolve(value);
          else reject(new DurabilityError(command.name, durable.replicas, Number(acks), durable.timeoutMs));
        },
        (e: Error) => reject(isCoordisError(e) ? e : new DurabilityError(command.name, durable.replicas, 0, durable.timeoutMs)),
      );
    };
  }

  override handleReconnection(err: Error, item: QueuedItem): void {
    // ioredis queues its own Command objects; the type only promises the Respondable part.
    const command = item.command as Command;
    const m = this.metaOf(command);
    const kind = classifyReplyError(err.message);
    if (kind === 'oom') {
      command.reject(new OutOfMemoryError(err));
      return;
    }
    if (kind === 'other' || command.inTransaction) {
      if (kind === 'not-primary') this.leaveNonPrimary();
      super.handleReconnection(err, item);
      return;
    }
    // The server refused it: it was not applied, so sending it again cannot double it.
    const waited = performance.now() - m.firstSentAt;
    if (waited > this.ctx.retryDeadlineMs) {
      command.reject(new RetriesExhaustedError(command.name, m.attempts + 1, Math.round(waited), err));
      return;
    }
    m.attempts++;
    if (kind === 'not-primary') {
      this.leaveNonPrimary();
      command.promise.then(
        () => this.events.emit('readonlyRecovered', { command: command.name, address: this.address ?? '' }),
        () => {},
      );
      this.resend(item);
      return;
    }
    const delay = Math.min(25 * 2 ** (m.attempts - 1), 1000);
    setTimeout(() => this.resend(item), delay).unref();
  }

  private resend(item: QueuedItem): void {
    const command = item.command as Command;
    if (command.isSettled) return;
    const select = this.internals().condition?.select;
    if (select !== undefined && select !== item.select && command.name !== 'select') this.select(item.select);
    this.sendCommand(command);
  }

  /** READONLY or MASTERDOWN: this node is not (or no longer) the primary; find the one that is. */
  private leaveNonPrimary(): void {
    if (this.ctx.target.kind === 'sentinel' && this.ctx.target.role === 'replica') return;
    if (this.status !== 'ready') return;
    this.beginFailover('readonly', performance.now(), undefined);
    this.ctx.logger.warn({ node: this.address }, 'READONLY: the node is no longer the primary; reconnecting');
    this.reconnectNow();
  }

  [inspect.custom](): string {
    return `CoordisClient { target: ${this.ctx.description}, status: ${this.status}, node: ${this.address ?? 'none'} }`;
  }
}
