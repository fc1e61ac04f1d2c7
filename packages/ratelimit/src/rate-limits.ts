import type { ScriptClient } from '@coordis/client';
import { createKeyspace, type KeyMode, type Keyspace } from '@coordis/keyspace';
import { BlockCache } from './block-cache.js';
import { CheckBatcher } from './check-batcher.js';
import { checkGroup } from './check-group.js';
import { DEFAULTS } from './defaults.js';
import { LimiterConflictError, RateLimitArgumentError, RateLimitOptionsError } from './errors.js';
import { Fail2Ban, type Fail2BanOptions, resolveFail2Ban } from './fail2ban.js';
import { memoizeKeys } from './key-memo.js';
import type { KeyShape, LimiterCore, LimitRequest } from './limit-request.js';
import type { MultiLimitResult } from './limit-result.js';
import { Limiter } from './limiter.js';
import type { LimiterContext } from './limiter-context.js';
import { LocalLimiter } from './local-limiter.js';
import { type RateLimitNamespaces, rateLimitNamespaces } from './namespaces.js';
import { type Algorithm, type Rate, resolveRate } from './rate.js';
import { ServerClock } from './server-clock.js';
import { STALWART_RATE_LIMITS, type StalwartKey, type StalwartRateLimitName, stalwartShape } from './stalwart-presets.js';
import type { UnavailablePolicy } from './unavailable.js';

/** Options of a `RateLimits`: what its limiters share unless they say otherwise. */
export interface RateLimitsOptions {
  /** Where keys come from. @default createKeyspace() (text keys, app 'coordis') */
  readonly keyspace?: Keyspace<KeyMode>;
  /** What checks answer when Redis gives no answer within `deadlineMs`. @default 'local' */
  readonly onUnavailable?: UnavailablePolicy;
  /** How long a check waits for Redis, connecting included. @default 500 */
  readonly deadlineMs?: number;
  /** Answer known blocks in this process until they end. @default true */
  readonly blockCache?: boolean;
  /** Blocks remembered at most. @default 10000 */
  readonly blockCacheSize?: number;
  /** Keys the `'local'` fallback tracks at most. @default 10000 */
  readonly localLimiterSize?: number;
  /** `retryAfterMs` of a fail-closed answer. @default 1000 */
  readonly unavailableRetryAfterMs?: number;
}

/** A limiter's definition. */
export interface LimiterOptions extends Rate {
  /** Unique per algorithm in the keyspace: letters, digits, `.`, `_`, `-` (1–64). Part of every key. */
  readonly name: string;
  /** @default the RateLimits' onUnavailable */
  readonly onUnavailable?: UnavailablePolicy;
  /** @default the RateLimits' deadlineMs */
  readonly deadlineMs?: number;
  /** @default the RateLimits' blockCache */
  readonly blockCache?: boolean;
}

/** A window limiter's definition (no burst: the window's limit is its capacity). */
export type WindowLimiterOptions = Omit<LimiterOptions, 'burst'>;

/** A Stalwart preset's definition: the namespace names it, so no name. */
export type StalwartPresetOptions = Omit<WindowLimiterOptions, 'name'>;

/**
 * A key of this package's own limiters: a string (an IP, a login, an endpoint), or an
 * identity in a family. The family is the key's Cluster hash tag: limiters keyed by one family
 * share a slot, so a multi-limiter check over them is one atomic script. A plain string is its
 * own family.
 */
export type LimitKey = string | { readonly family: string; readonly id: string };

/** Fixed-window limiters on Stalwart's rate-limit namespaces, typed by each namespace's key. */
export type StalwartPresets = {
  readonly [N in StalwartRateLimitName]: (options: StalwartPresetOptions) => Limiter<StalwartKey<N>>;
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const POLICIES: readonly UnavailablePolicy[] = ['open', 'closed', 'local', 'throw'];
const definitions = new WeakMap<object, Map<string, string>>();

function isCoordisView(client: ScriptClient): client is ScriptClient & { withOptions(o: object): ScriptClient } {
  return typeof (client as { withOptions?: unknown }).withOptions === 'function';
}

function splitKey(name: string, key: LimitKey): { family: string; id: string } {
  if (typeof key === 'string') return { family: key, id: '' };
  if (typeof key === 'object' && key !== null && typeof key.family === 'string' && typeof key.id === 'string') return key;
  throw new RateLimitArgumentError(
    name,
    'a key is a string or { family, id } of strings',
    'pass e.g. "192.0.2.1" or { family: "tenant-7", id: "alice" }',
  );
}

/**
 * The rate limiters of one Redis client: GCRA, fixed and sliding windows, fail2ban and
 * Stalwart's presets. Limiters made here share the client, a clock estimate, a block cache
 * and the coalescing of checks into script runs.
 *
 * Give it a CoordisClient (`connect()` from @coordis/client) to get the no-replay guarantee in
 * full; any ioredis `Redis` or `Cluster` works (see the README on plain clients).
 */
export class RateLimits {
  /** The keyspace keys come from. */
  readonly keyspace: Keyspace<KeyMode>;
  /** Fixed-window limiters on Stalwart's KV_RATE_LIMIT_* namespaces. */
  readonly stalwart: StalwartPresets;
  readonly #client: ScriptClient;
  readonly #ctx: LimiterContext;
  readonly #defaults: { policy: UnavailablePolicy; deadlineMs: number; blockCache: boolean };
  readonly #batchers = new Map<number, CheckBatcher>();
  readonly #views = new Map<number, ScriptClient>();
  #namespaces: RateLimitNamespaces | undefined;

  constructor(client: ScriptClient, options: RateLimitsOptions = {}) {
    this.#client = client;
    this.keyspace = options.keyspace ?? createKeyspace();
    const policy = options.onUnavailable ?? DEFAULTS.onUnavailable;
    this.#defaults = {
      policy: this.#policy('RateLimits', policy),
      deadlineMs: this.#positive('RateLimits', 'deadlineMs', options.deadlineMs ?? DEFAULTS.deadlineMs),
      blockCache: options.blockCache ?? DEFAULTS.blockCache,
    };
    const managesOffline = isCoordisView(client);
    const clock = new ServerClock();
    this.#ctx = {
      raw: client,
      managesOffline,
      view: (deadlineMs) => this.#view(deadlineMs),
      batcher: (deadlineMs) => this.#batcher(deadlineMs),
      clock,
      blocks: new BlockCache(this.#positive('RateLimits', 'blockCacheSize', options.blockCacheSize ?? DEFAULTS.blockCacheSize)),
      local: new LocalLimiter(this.#positive('RateLimits', 'localLimiterSize', options.localLimiterSize ?? DEFAULTS.localLimiterSize)),
      unavailableRetryAfterMs: this.#positive(
        'RateLimits',
        'unavailableRetryAfterMs',
        options.unavailableRetryAfterMs ?? DEFAULTS.unavailableRetryAfterMs,
      ),
    };
    const presets: Partial<Record<StalwartRateLimitName, (o: StalwartPresetOptions) => Limiter<unknown>>> = {};
    for (const name of STALWART_RATE_LIMITS) {
      presets[name] = (o) => this.#limiter(name, 'fixed-window', { ...o, name }, stalwartShape(this.keyspace, name) as KeyShape<unknown>);
    }
    this.stalwart = presets as StalwartPresets;
  }

  /** A GCRA limiter: a token bucket of `burst` units (default `limit`) refilled at `limit` per `periodMs`. */
  gcra(options: LimiterOptions): Limiter<LimitKey> {
    return this.#own('gcra', options);
  }

  /** A fixed-window limiter: at most `limit` per window `[n × periodMs, (n + 1) × periodMs)` of the epoch. */
  fixedWindow(options: WindowLimiterOptions): Limiter<LimitKey> {
    return this.#own('fixed-window', options);
  }

  /** A sliding-window limiter (weighted two-window counter; see the README for its error bound). */
  slidingWindow(options: WindowLimiterOptions): Limiter<LimitKey> {
    return this.#own('sliding-window', options);
  }

  /** A fail2ban: `maxFailures` failures within `findWindowMs` block an identity for `banMs`. */
  fail2ban(options: Fail2BanOptions): Fail2Ban {
    const settings = resolveFail2Ban(options, {
      deadlineMs: this.#defaults.deadlineMs,
      blockCache: this.#defaults.blockCache,
      shards: DEFAULTS.fail2banShards,
    });
    this.#name(settings.name);
    this.#register(
      `fail2ban/${settings.name}`,
      settings.name,
      `fail2ban ${settings.maxFailures} in ${settings.findWindowMs} ms, ban ${settings.banMs} ms, ${settings.shards} shards`,
    );
    return new Fail2Ban(settings, this.#ctx, this.#ownNamespaces(settings.name));
  }

  /**
   * Checks several limiters in one round trip, all-or-nothing: each takes its cost only if
   * every one of them admits the request (per IP and per account, say). On a Cluster their
   * keys must share a slot (key them by one family), or it rejects with CrossSlotError.
   */
  checkAll(requests: readonly LimitRequest[]): Promise<MultiLimitResult> {
    return checkGroup(this.#mine(requests), 'check');
  }

  /** Answers what `checkAll` would, and takes nothing. */
  peekAll(requests: readonly LimitRequest[]): Promise<MultiLimitResult> {
    return checkGroup(this.#mine(requests), 'peek');
  }

  /** Counters for benchmarks and metrics: script runs sent, and checks the block cache answered. */
  stats(): { readonly scriptRuns: number; readonly blockCacheHits: number } {
    let scriptRuns = 0;
    for (const b of this.#batchers.values()) scriptRuns += b.runs;
    return { scriptRuns, blockCacheHits: this.#ctx.blocks.hits };
  }

  #mine(requests: readonly LimitRequest[]): readonly LimitRequest[] {
    if (requests.length === 0 || requests.length > 32) {
      throw new RateLimitArgumentError('checkAll', 'a multi-limiter check takes 1 to 32 requests', 'split it');
    }
    for (const r of requests) {
      if (r.core.ctx !== this.#ctx) {
        throw new RateLimitArgumentError(
          r.limiter,
          'every request of a multi-limiter check must come from this RateLimits',
          'make the limiters on one RateLimits',
        );
      }
    }
    return requests;
  }

  #own(algorithm: Algorithm, options: LimiterOptions): Limiter<LimitKey> {
    const name = this.#name(options?.name);
    const ns = this.#ownNamespaces(name);
    // Identities only need to be unique within this RateLimits' caches: algorithm and name
    // are unique per keyspace, and a NUL cannot hide in a name.
    const tag = `${algorithm}\u0000${name}\u0000`;
    const identity = (k: LimitKey) => {
      const { family, id } = splitKey(name, k);
      return `${tag}${family}\u0000${id}`;
    };
    const shapes: Record<Algorithm, KeyShape<LimitKey>> = {
      gcra: { key: (k) => ns.gcra.key({ ...splitKey(name, k), limiter: name }), identity },
      'fixed-window': { key: (k, window) => ns.fixedWindow.key({ ...splitKey(name, k), limiter: name, window }), identity },
      'sliding-window': { key: (k) => ns.slidingWindow.key({ ...splitKey(name, k), limiter: name }), identity },
    };
    return this.#limiter(name, algorithm, options, memoizeKeys(shapes[algorithm], DEFAULTS.keyMemoSize));
  }

  #limiter<K>(name: string, algorithm: Algorithm, options: LimiterOptions, shape: KeyShape<K>): Limiter<K> {
    const rate = resolveRate(name, algorithm, options);
    const burst = algorithm === 'gcra' ? `, burst ${rate.capacity}` : '';
    this.#register(`${algorithm}/${name}`, name, `${algorithm} ${rate.limit} per ${rate.periodMs} ms${burst}`);
    const core: LimiterCore<K> = {
      name,
      rate,
      policy: this.#policy(name, options.onUnavailable ?? this.#defaults.policy),
      deadlineMs: this.#positive(name, 'deadlineMs', options.deadlineMs ?? this.#defaults.deadlineMs),
      cacheBlocks: options.blockCache ?? this.#defaults.blockCache,
      shape,
      ctx: this.#ctx,
    };
    return new Limiter(core);
  }

  #ownNamespaces(name: string): RateLimitNamespaces {
    if (this.keyspace.mode !== 'text') {
      throw new RateLimitOptionsError(
        name,
        'keyspace',
        "is binary (Stalwart's layout), which has no room for this package's own keys (no hash tags, one variable segment)",
        'use a text keyspace for GCRA, sliding windows, fail2ban and your own fixed windows; binary keyspaces serve the Stalwart presets',
      );
    }
    this.#namespaces ??= rateLimitNamespaces(this.keyspace as Keyspace<'text'>);
    return this.#namespaces;
  }

  #register(id: string, name: string, description: string): void {
    let known = definitions.get(this.keyspace);
    if (!known) {
      known = new Map();
      definitions.set(this.keyspace, known);
    }
    const existing = known.get(id);
    if (existing !== undefined && existing !== description) throw new LimiterConflictError(name, existing, description);
    known.set(id, description);
  }

  #name(name: unknown): string {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new RateLimitOptionsError(
        String(name).slice(0, 64),
        'name',
        'must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
        'name the limiter for what it limits, e.g. "smtp-auth-ip"',
      );
    }
    return name;
  }

  #policy(name: string, policy: UnavailablePolicy): UnavailablePolicy {
    if (!POLICIES.includes(policy)) {
      throw new RateLimitOptionsError(name, 'onUnavailable', "must be 'open', 'closed', 'local' or 'throw'", 'pick one');
    }
    return policy;
  }

  #positive(name: string, option: string, value: number): number {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RateLimitOptionsError(name, option, 'must be a whole number of at least 1', 'fix the option');
    }
    return value;
  }

  #view(deadlineMs: number): ScriptClient {
    let view = this.#views.get(deadlineMs);
    if (!view) {
      const client = this.#client;
      // A check whose connection is down is dropped at the deadline, never sent later into
      // another window; one in flight when the connection dies is not sent again. Checks never
      // wait for replicas (WAIT): limiter state is soft, and a deadline of milliseconds leaves
      // no room for it.
      view = isCoordisView(client) ? client.withOptions({ delivery: 'never', offlineTimeoutMs: deadlineMs, durable: false }) : client;
      this.#views.set(deadlineMs, view);
    }
    return view;
  }

  #batcher(deadlineMs: number): CheckBatcher {
    let batcher = this.#batchers.get(deadlineMs);
    if (!batcher) {
      batcher = new CheckBatcher(this.#view(deadlineMs), this.#client, this.#ctx.clock, {
        deadlineMs,
        maxKeys: DEFAULTS.maxBatchKeys,
        runsInFlight: DEFAULTS.runsInFlight,
        windowRetries: DEFAULTS.windowRetries,
        managesOffline: this.#ctx.managesOffline,
      });
      this.#batchers.set(deadlineMs, batcher);
    }
    return batcher;
  }
}

/** The rate limiters of `client`; see {@link RateLimits}. */
export function createRateLimits(client: ScriptClient, options?: RateLimitsOptions): RateLimits {
  return new RateLimits(client, options);
}
