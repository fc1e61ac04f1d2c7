import { createHash } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { Redis } from 'ioredis';
import type { HostPort } from './connection-spec.js';
import { DEFAULTS } from './defaults.js';
import { AuthError, MasterNameUnknownError, NoQuorumError, SentinelsUnreachableError } from './errors.js';
import type { Logger } from './logger.js';
import { formatAddress, mapAddress, type NatMap } from './nat-map.js';
import type { Secret } from './secret.js';
import { type ResolvedTls, tlsConnectOptions } from './tls-options.js';

/** How to reach and watch the sentinels of one master. */
export interface SentinelWatchOptions {
  readonly sentinels: readonly HostPort[];
  readonly masterName: string;
  readonly username?: string | undefined;
  readonly password?: Secret | undefined;
  readonly tls?: ResolvedTls | undefined;
  readonly natMap?: NatMap | undefined;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** On how many sentinels to subscribe to +switch-master. */
  readonly subscriptions: number;
  /** Backstop poll interval; 0 turns it off. */
  readonly pollMs: number;
  /** Sentinels that must agree on the primary before it is used; 1 takes the best single answer. */
  readonly quorum: number;
  readonly logger: Logger;
}

/** The primary as the sentinels name it. */
export interface PrimaryView {
  /** The address Sentinel announces. */
  readonly announced: HostPort;
  /** The address to dial: `announced` after the natMap. */
  readonly address: HostPort;
  /** Sentinel's config-epoch for the master: it grows with every failover. */
  readonly epoch: number;
  /**
   * The answering sentinel is the leader of a failover that is still under way: it already
   * carries the new epoch but still names the old address until the failover ends.
   */
  readonly inFailover?: boolean;
}

/** The primary moved. */
export interface PrimarySwitch {
  readonly from: PrimaryView | undefined;
  readonly to: PrimaryView;
  readonly detectedBy: 'switch-master' | 'poll' | 'resubscribe' | 'query' | 'heartbeat';
  /** `performance.now()` when the event (or the answer) that revealed it arrived. */
  readonly detectedAt: number;
}

interface WatchEvents {
  switch: [PrimarySwitch];
  /** A subscription to a sentinel came up or went down. */
  sentinelUp: [address: string];
  sentinelDown: [address: string, reason: string];
  /** Whether at least `quorum` sentinels agreed on the primary at the last query. */
  quorum: [ok: boolean];
}

interface Answer {
  readonly sentinel: string;
  readonly view?: PrimaryView;
  readonly unknownMaster?: boolean;
  readonly error?: Error;
}

const same = (a: HostPort | undefined, b: HostPort | undefined) =>
  a !== undefined && b !== undefined && a.host === b.host && a.port === b.port;

function flat(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

const shared = new Map<string, SentinelWatch>();

/**
 * Knows where the primary of one Sentinel-monitored master is, and says so the moment it
 * moves. It asks every sentinel (the highest config-epoch wins, so a sentinel back from
 * downtime with an old view cannot move clients back), subscribes to `+switch-master` on
 * several sentinels (one may die with the primary), re-asks on every resubscription, and
 * polls as a backstop. Connections to sentinels are long-lived and shared by every client
 * of the process that watches the same master through the same sentinels.
 */
export class SentinelWatch extends EventEmitter<WatchEvents> {
  readonly #o: SentinelWatchOptions;
  readonly #key: string;
  readonly #known: HostPort[];
  readonly #commands = new Map<string, Redis>();
  // A failed AUTH or TLS handshake closes the link; the command then only says "closed".
  readonly #lastErrors = new Map<string, Error>();
  readonly #subscribers = new Map<string, Redis>();
  #current: PrimaryView | undefined;
  #refs = 0;
  #poll: NodeJS.Timeout | undefined;
  #discovered = false;
  #quorumOk = true;
  readonly #failures = new Map<string, number>();

  private constructor(o: SentinelWatchOptions, key: string) {
    super();
    this.#o = o;
    this.#key = key;
    this.#known = o.sentinels.map((s) => ({ ...s }));
  }

  /** The watch for these sentinels and master, shared within the process. Pair with `release()`. */
  static acquire(o: SentinelWatchOptions): SentinelWatch {
    // A natMap function cannot be compared, so such watches are not shared.
    const key =
      typeof o.natMap === 'function'
        ? `unshared:${Math.random()}`
        : createHash('sha256')
            .update(
              JSON.stringify([
                o.masterName,
                o.sentinels.map(formatAddress).sort(),
                o.username ?? '',
                o.password?.reveal() ?? '',
                o.natMap ?? null,
                o.tls ? tlsFingerprint(o.tls) : null,
              ]),
            )
            .digest('hex');
    let watch = shared.get(key);
    if (!watch) {
      watch = new SentinelWatch(o, key);
      shared.set(key, watch);
    }
    watch.#refs++;
    if (watch.#refs === 1) watch.#start();
    return watch;
  }

  /** Drops one user; the last one closes every sentinel connection and timer. */
  release(): void {
    this.#refs--;
    if (this.#refs > 0) return;
    shared.delete(this.#key);
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = undefined;
    for (const c of [...this.#commands.values(), ...this.#subscribers.values()]) c.disconnect();
    this.#commands.clear();
    this.#subscribers.clear();
    this.removeAllListeners();
  }

  /** The primary as last seen, if any. */
  get current(): PrimaryView | undefined {
    return this.#current;
  }

  /** False while fewer than `quorum` sentinels agree on the primary (always true without a quorum). */
  get quorumOk(): boolean {
    return this.#quorumOk;
  }

  /**
   * Handles a message from a sentinel's event channel as the subscriptions do: a
   * `+switch-master` for this master makes the watch ask every sentinel again. The message's
   * own addresses are never trusted, so a stale or replayed announcement cannot move anyone.
   */
  handleEvent(channel: string, message: string, from: string): void {
    const at = performance.now();
    if (channel === '+switch-master' && message.split(' ')[0] === this.#o.masterName) {
      this.#o.logger.info({ sentinel: from, message }, '+switch-master');
      this.query('switch-master', at).catch(() => {});
    } else if (channel === '+sentinel') {
      this.#discovered = false;
    }
  }

  get masterName(): string {
    return this.#o.masterName;
  }

  /** The sentinels known now: the seeds and the ones they told about. */
  get sentinels(): readonly HostPort[] {
    return this.#known;
  }

  #start(): void {
    for (const s of this.#known.slice(0, this.#o.subscriptions)) this.#subscribe(s);
    if (this.#o.pollMs > 0) {
      this.#poll = setInterval(() => {
        // Each poll also relearns the sentinel list: one that came back is known again.
        this.#discovered = false;
        this.query('poll').catch(() => {});
      }, this.#o.pollMs);
      // A watch must never keep a process alive on its own.
      this.#poll.unref();
    }
  }

  #connectionOptions(s: HostPort) {
    return {
      host: s.host,
      port: s.port,
      ...(this.#o.username ? { username: this.#o.username } : {}),
      ...(this.#o.password ? { password: this.#o.password.reveal() } : {}),
      ...(this.#o.tls ? { tls: tlsConnectOptions(this.#o.tls, s.host) } : {}),
      connectTimeout: this.#o.connectTimeoutMs,
      enableReadyCheck: false,
      lazyConnect: true,
      // Never replay a sentinel query later: an old answer is worse than none.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      disableClientInfo: true,
      // Sentinels speak RESP2 everywhere; no HELLO round trip.
      protocol: 2 as const,
      retryStrategy: (n: number) => Math.min(50 * 2 ** n, 2000),
    };
  }

  #command(s: HostPort): Redis {
    const key = formatAddress(s);
    let c = this.#commands.get(key);
    if (!c) {
      c = new Redis({ ...this.#connectionOptions(s), commandTimeout: this.#o.commandTimeoutMs });
      c.on('error', (e: Error) => this.#lastErrors.set(key, e));
      c.on('ready', () => this.#lastErrors.delete(key));
      c.connect().catch(() => {});
      this.#commands.set(key, c);
    }
    return c;
  }

  #subscribe(s: HostPort): void {
    const key = formatAddress(s);
    if (this.#subscribers.has(key)) return;
    const sub = new Redis({ ...this.#connectionOptions(s), enableOfflineQueue: true, autoResubscribe: true });
    let lastError = 'connection closed';
    let up = false;
    sub.on('error', (e: Error) => {
      lastError = e.message;
      this.#o.logger.debug({ sentinel: key, err: e.message }, 'sentinel subscription error');
    });
    // Every (re)subscription may have missed a switch: ask again at once.
    sub.on('ready', () => {
      if (!up) this.emit('sentinelUp', key);
      up = true;
      this.query('resubscribe').catch(() => {});
    });
    sub.on('close', () => {
      if (up) this.emit('sentinelDown', key, lastError);
      up = false;
    });
    sub.on('message', (channel: string, message: string) => this.handleEvent(channel, message, key));
    sub.subscribe('+switch-master', '+sentinel').catch(() => {});
    sub.connect().catch(() => {});
    this.#subscribers.set(key, sub);
  }

  /** Forgets a discovered sentinel that keeps failing; seeds are kept (their DNS may move). */
  #noteFailure(s: HostPort, key: string): void {
    const n = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, n);
    if (n < DEFAULTS.sentinelPruneAfterFailures || this.#o.sentinels.some((seed) => same(seed, s))) return;
    const i = this.#known.findIndex((k) => same(k, s));
    if (i >= 0) this.#known.splice(i, 1);
    this.#failures.delete(key);
    this.#commands.get(key)?.disconnect();
    this.#commands.delete(key);
    this.#o.logger.info({ sentinel: key, failures: n }, 'forgot a discovered sentinel that keeps failing');
  }

  async #ask(s: HostPort): Promise<Answer> {
    const sentinel = formatAddress(s);
    try {
      const reply = flat(await this.#command(s).call('SENTINEL', ['MASTER', this.#o.masterName]));
      this.#failures.delete(sentinel);
      const announced = { host: reply.ip ?? '', port: Number(reply.port) };
      const inFailover = /failover_in_progress|promoted/.test(reply.flags ?? '');
      return {
        sentinel,
        view: { announced, address: mapAddress(this.#o.natMap, announced), epoch: Number(reply['config-epoch'] ?? 0), inFailover },
      };
    } catch (e) {
      const error = e as Error;
      if (/No such master/i.test(error.message)) return { sentinel, unknownMaster: true };
      this.#noteFailure(s, sentinel);
      return { sentinel, error: this.#lastErrors.get(sentinel) ?? error };
    }
  }

  /**
   * Asks every known sentinel where the primary is and keeps the answer with the highest
   * config-epoch. Returns as soon as a majority (and the quorum) answered, or 50 ms after the
   * first answer, so one hung sentinel does not hold a reconnect up for its whole timeout.
   */
  async query(reason: PrimarySwitch['detectedBy'] = 'query', detectedAt = performance.now()): Promise<PrimaryView> {
    const sentinels = [...this.#known];
    const answers: Answer[] = [];
    // Enough answers to stop waiting: a majority, and never fewer than the quorum asked for.
    const enough = Math.max(Math.floor(sentinels.length / 2) + 1, this.#o.quorum);
    await new Promise<void>((resolve) => {
      let grace: NodeJS.Timeout | undefined;
      const done = () => {
        if (grace) clearTimeout(grace);
        resolve();
      };
      for (const s of sentinels) {
        this.#ask(s).then((a) => {
          answers.push(a);
          const views = answers.filter((x) => x.view).length;
          if (answers.length === sentinels.length || views >= enough) return done();
          if (views === 1 && !grace) grace = setTimeout(done, 50);
        });
      }
    });
    const views = answers.flatMap((a) => (a.view ? [a.view] : []));
    if (views.length === 0) throw this.#failure(answers);
    const best = pickPrimary(views);
    const agreeing = views.filter((v) => v.epoch === best.epoch && same(v.announced, best.announced)).length;
    const quorumOk = agreeing >= this.#o.quorum;
    if (quorumOk !== this.#quorumOk) {
      this.#quorumOk = quorumOk;
      this.emit('quorum', quorumOk);
    }
    if (!quorumOk) throw new NoQuorumError(this.#o.quorum, agreeing, formatAddress(best.address), answers.length);
    this.#accept(best, reason, detectedAt);
    if (!this.#discovered) {
      this.#discovered = true;
      this.#discover().catch(() => {});
    }
    return best;
  }

  #accept(view: PrimaryView, reason: PrimarySwitch['detectedBy'], detectedAt: number): void {
    const prev = this.#current;
    // An older epoch is a stale view (a sentinel back from downtime): never move back to it.
    if (prev && view.epoch < prev.epoch) return;
    // A failover leader's mid-failover answer never overrides a settled view of the same epoch.
    if (prev && view.epoch === prev.epoch && view.inFailover && !prev.inFailover) return;
    this.#current = view;
    if (prev && !same(prev.announced, view.announced)) {
      this.#o.logger.warn(
        { from: formatAddress(prev.address), to: formatAddress(view.address), epoch: view.epoch, detectedBy: reason },
        'primary switched',
      );
      this.emit('switch', { from: prev, to: view, detectedBy: reason, detectedAt });
    }
  }

  #failure(answers: readonly Answer[]): Error {
    if (answers.some((a) => a.unknownMaster))
      return new MasterNameUnknownError(
        this.#o.masterName,
        answers.map((a) => a.sentinel),
      );
    const auth = answers.find((a) => a.error && /NOAUTH|WRONGPASS|invalid password|NOPERM/i.test(a.error.message));
    if (auth?.error) return new AuthError('sentinel', auth.sentinel, auth.error);
    const causes: Record<string, string> = {};
    for (const a of answers) causes[a.sentinel] = a.error?.message ?? 'no answer';
    return new SentinelsUnreachableError(causes);
  }

  /** Adds the sentinels the others know about (SENTINEL SENTINELS), mapped and deduplicated. */
  async #discover(): Promise<void> {
    for (const s of [...this.#known]) {
      try {
        const reply = (await this.#command(s).call('SENTINEL', ['SENTINELS', this.#o.masterName])) as unknown[];
        for (const entry of reply.map(flat)) {
          const addr = mapAddress(this.#o.natMap, { host: entry.ip ?? '', port: Number(entry.port) });
          if (addr.host && !this.#known.some((k) => same(k, addr))) this.#known.push(addr);
        }
        return;
      } catch {
        // Try the next sentinel.
      }
    }
  }

  /** Healthy replicas as Sentinel sees them, mapped to reachable addresses. */
  async replicas(): Promise<HostPort[]> {
    for (const s of this.#known) {
      try {
        const reply = (await this.#command(s).call('SENTINEL', ['REPLICAS', this.#o.masterName])) as unknown[];
        return reply
          .map(flat)
          .filter((r) => !/s_down|o_down|disconnected/.test(r.flags ?? '') && r['master-link-status'] === 'ok')
          .map((r) => mapAddress(this.#o.natMap, { host: r.ip ?? '', port: Number(r.port) }));
      } catch {
        // Try the next sentinel.
      }
    }
    return [];
  }
}

/**
 * The primary the sentinels' answers point to: the highest config-epoch; within it, the
 * answers of sentinels not in the middle of leading a failover; among those, the address most
 * of them name. Exported for unit tests.
 */
export function pickPrimary(views: readonly PrimaryView[]): PrimaryView {
  const top = Math.max(...views.map((v) => v.epoch));
  const atTop = views.filter((v) => v.epoch === top);
  const settled = atTop.filter((v) => !v.inFailover);
  const pool = settled.length > 0 ? settled : atTop;
  const votes = new Map<string, { view: PrimaryView; n: number }>();
  for (const v of pool) {
    const key = formatAddress(v.announced);
    const entry = votes.get(key) ?? { view: v, n: 0 };
    entry.n++;
    votes.set(key, entry);
  }
  return [...votes.values()].sort((a, b) => b.n - a.n)[0]?.view as PrimaryView;
}

function tlsFingerprint(t: ResolvedTls): string {
  return JSON.stringify([String(t.ca ?? ''), String(t.cert ?? ''), t.key?.reveal() ?? '', t.servername ?? '', t.rejectUnauthorized]);
}
