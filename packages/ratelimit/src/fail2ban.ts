import { LuaScript, readLua } from '@coordis/client';
import { RateLimitArgumentError, RateLimitOptionsError, RateLimitUnavailableError, ScriptReplyError } from './errors.js';
import type { LimiterContext } from './limiter-context.js';
import type { RateLimitNamespaces } from './namespaces.js';
import { DeadlineError, isUnavailable, withDeadline } from './unavailable.js';

const failScript = new LuaScript(
  'ratelimit_f2b_fail',
  readLua(import.meta.url, 'fail2ban-fail'),
  ['failures', 'block', 'index'],
  ['id', 'max_failures', 'find_ms', 'ban_ms'],
);
const blockScript = new LuaScript(
  'ratelimit_f2b_block',
  readLua(import.meta.url, 'fail2ban-block'),
  ['failures', 'block', 'index'],
  ['id', 'ban_ms'],
);
const unblockScript = new LuaScript(
  'ratelimit_f2b_unblock',
  readLua(import.meta.url, 'fail2ban-unblock'),
  ['failures', 'block', 'index'],
  ['id'],
);
const blockedScript = new LuaScript('ratelimit_f2b_blocked', readLua(import.meta.url, 'fail2ban-blocked'), ['index'], ['limit']);

/** What a fail2ban does when Redis gives no answer in time: not count (`'open'`), treat as blocked (`'closed'`), or throw. */
export type Fail2BanUnavailablePolicy = 'open' | 'closed' | 'throw';

/** A fail2ban's definition. */
export interface Fail2BanOptions {
  /** Unique among the keyspace's fail2bans; part of every key. */
  readonly name: string;
  /** Failures within `findWindowMs` that block the identity: a whole number, at least 1. */
  readonly maxFailures: number;
  /** How far back failures count, in ms (fail2ban's findtime). */
  readonly findWindowMs: number;
  /** How long a block lasts, in ms (fail2ban's bantime). */
  readonly banMs: number;
  /** Shards of the index of blocked identities (each its own Cluster slot). @default 16 */
  readonly shards?: number;
  /** @default 'open': an outage of the counter must not lock every user out */
  readonly onUnavailable?: Fail2BanUnavailablePolicy;
  /** @default the RateLimits' deadlineMs */
  readonly deadlineMs?: number;
  /** Answer known blocks in this process until they end. @default the RateLimits' blockCache */
  readonly blockCache?: boolean;
}

/** What recording a failure did. */
export interface FailureResult {
  /** Whether the identity is blocked now (by this failure or before it). */
  readonly blocked: boolean;
  /** True when this failure started the block. */
  readonly justBlocked: boolean;
  /** Failures within the window, this one included; 0 once blocked. */
  readonly failures: number;
  /** Milliseconds until the block ends; 0 when not blocked. */
  readonly retryAfterMs: number;
  /** `'redis'`, `'cache'` (a known block, Redis not asked), or `'fallback'` (the unavailable policy). */
  readonly source: 'redis' | 'cache' | 'fallback';
}

/** Whether an identity is blocked. */
export interface BlockStatus {
  readonly blocked: boolean;
  /** Milliseconds until the block ends; 0 when not blocked. */
  readonly retryAfterMs: number;
  readonly source: 'redis' | 'cache' | 'fallback';
}

/** One blocked identity, as `blocked()` lists it. */
export interface BlockedIdentity {
  readonly id: string;
  /** When the block ends, in server time (ms since the epoch). */
  readonly untilMs: number;
}

/** The resolved definition. */
export interface Fail2BanSettings {
  readonly name: string;
  readonly maxFailures: number;
  readonly findWindowMs: number;
  readonly banMs: number;
  readonly shards: number;
  readonly policy: Fail2BanUnavailablePolicy;
  readonly deadlineMs: number;
  readonly cacheBlocks: boolean;
}

function wholeAtLeast(name: string, option: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new RateLimitOptionsError(name, option, `must be a whole number from ${min} to ${max}`, 'fix the fail2ban definition');
  }
  return value;
}

/** Validates a definition; `defaults` supplies what the RateLimits decides. */
export function resolveFail2Ban(
  o: Fail2BanOptions,
  defaults: { deadlineMs: number; blockCache: boolean; shards: number },
): Fail2BanSettings {
  const policy = o.onUnavailable ?? 'open';
  if (!['open', 'closed', 'throw'].includes(policy)) {
    throw new RateLimitOptionsError(o.name, 'onUnavailable', "must be 'open', 'closed' or 'throw'", 'pick one');
  }
  return {
    name: o.name,
    maxFailures: wholeAtLeast(o.name, 'maxFailures', o.maxFailures, 1, 10_000),
    findWindowMs: wholeAtLeast(o.name, 'findWindowMs', o.findWindowMs, 1),
    banMs: wholeAtLeast(o.name, 'banMs', o.banMs, 1),
    shards: wholeAtLeast(o.name, 'shards', o.shards ?? defaults.shards, 1, 1024),
    policy,
    deadlineMs: wholeAtLeast(o.name, 'deadlineMs', o.deadlineMs ?? defaults.deadlineMs, 1),
    cacheBlocks: o.blockCache ?? defaults.blockCache,
  };
}

// FNV-1a: a stable, well-spread shard for an identity, the same in every process.
function shardOf(id: string, shards: number): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(id, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h % shards;
}

/**
 * Counts failures per identity (a login, an IP) and blocks it for `banMs` once `maxFailures`
 * happened within `findWindowMs`, like fail2ban. Each failure is one atomic script on the
 * server's clock; the blocked identities are listed from an index kept by the same scripts
 * (no SCAN). Made by `RateLimits.fail2ban`.
 */
export class Fail2Ban {
  /** The resolved definition. */
  readonly settings: Fail2BanSettings;
  readonly #ctx: LimiterContext;
  readonly #ns: RateLimitNamespaces;

  /** Made by `RateLimits.fail2ban`. */
  constructor(settings: Fail2BanSettings, ctx: LimiterContext, ns: RateLimitNamespaces) {
    this.settings = settings;
    this.#ctx = ctx;
    this.#ns = ns;
  }

  #keys(id: string) {
    if (typeof id !== 'string')
      throw new RateLimitArgumentError(this.settings.name, 'an identity is a string', 'pass the IP or login as text');
    const shard = shardOf(id, this.settings.shards);
    const limiter = this.settings.name;
    return {
      failures: this.#ns.failures.key({ limiter, shard, id }),
      block: this.#ns.block.key({ limiter, shard, id }),
      index: this.#ns.index.key({ limiter, shard }),
    };
  }

  #identity(id: string): string {
    return `f2b\u0000${this.settings.name}\u0000${id}`;
  }

  #cached(id: string): number | undefined {
    if (!this.settings.cacheBlocks) return undefined;
    const now = performance.now();
    const hit = this.#ctx.blocks.get(this.#identity(id), 1, now);
    return hit ? Math.ceil(hit.untilMs - now) : undefined;
  }

  #remember(id: string, sentAt: number, forMs: number): void {
    if (!this.settings.cacheBlocks || forMs <= 0) return;
    this.#ctx.blocks.set(this.#identity(id), { untilMs: sentAt + forMs, resetAtMs: sentAt + forMs, minCost: 1, remaining: 0 });
  }

  #ready(): boolean {
    return this.#ctx.managesOffline || this.#ctx.raw.status === 'ready';
  }

  async #send<T>(op: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; cause: unknown }> {
    if (!this.#ready()) return { ok: false, cause: new Error(`the Redis connection is ${this.#ctx.raw.status}, not ready`) };
    try {
      return { ok: true, value: await withDeadline(op(), this.settings.deadlineMs) };
    } catch (e) {
      if (isUnavailable(e)) return { ok: false, cause: e };
      throw e;
    }
  }

  #fallback(cause: unknown): { blocked: boolean; retryAfterMs: number } {
    const { policy, name, deadlineMs } = this.settings;
    if (policy === 'throw') throw new RateLimitUnavailableError(name, deadlineMs, { cause });
    return policy === 'closed' ? { blocked: true, retryAfterMs: this.#ctx.unavailableRetryAfterMs } : { blocked: false, retryAfterMs: 0 };
  }

  /** Records a failure of `id`; blocks it when it reaches `maxFailures` within the window. */
  async fail(id: string): Promise<FailureResult> {
    const keys = this.#keys(id);
    const known = this.#cached(id);
    if (known !== undefined) return { blocked: true, justBlocked: false, failures: 0, retryAfterMs: known, source: 'cache' };
    const { maxFailures, findWindowMs, banMs } = this.settings;
    const sentAt = performance.now();
    const view = this.#ctx.view(this.settings.deadlineMs);
    const r = await this.#send(() => failScript.run(view, keys, { id, max_failures: maxFailures, find_ms: findWindowMs, ban_ms: banMs }));
    if (!r.ok) return { ...this.#fallback(r.cause), justBlocked: false, failures: 0, source: 'fallback' };
    const [now = 0, status = 0, failures = 0, forMs = 0] = integers(r.value, 4, 'ratelimit_f2b_fail');
    this.#ctx.clock.observe(now, sentAt, performance.now());
    if (status === 0) return { blocked: false, justBlocked: false, failures, retryAfterMs: 0, source: 'redis' };
    this.#remember(id, sentAt, forMs);
    return { blocked: true, justBlocked: status === 1, failures: status === 1 ? failures : 0, retryAfterMs: forMs, source: 'redis' };
  }

  /** Whether `id` is blocked now. */
  async check(id: string): Promise<BlockStatus> {
    const keys = this.#keys(id);
    const known = this.#cached(id);
    if (known !== undefined) return { blocked: true, retryAfterMs: known, source: 'cache' };
    const sentAt = performance.now();
    const view = this.#ctx.view(this.settings.deadlineMs);
    const r = await this.#send(() => view.pttl(keys.block));
    if (!r.ok) return { ...this.#fallback(r.cause), source: 'fallback' };
    const left = r.value;
    if (left <= 0) return { blocked: false, retryAfterMs: 0, source: 'redis' };
    this.#remember(id, sentAt, left);
    return { blocked: true, retryAfterMs: left, source: 'redis' };
  }

  /** Blocks `id` for `durationMs` (default: the ban time) from now, whatever its failures. */
  async block(id: string, options?: { readonly durationMs?: number }): Promise<BlockedIdentity> {
    const keys = this.#keys(id);
    const durationMs = wholeAtLeast(this.settings.name, 'durationMs', options?.durationMs ?? this.settings.banMs, 1);
    const sentAt = performance.now();
    const reply = await this.#admin(() => blockScript.run(this.#ctx.view(this.settings.deadlineMs), keys, { id, ban_ms: durationMs }));
    const [now = 0, untilMs = 0] = integers(reply, 2, 'ratelimit_f2b_block');
    this.#ctx.clock.observe(now, sentAt, performance.now());
    this.#remember(id, sentAt, untilMs - now);
    return { id, untilMs };
  }

  /** Lifts the block of `id` and forgets its failures; true when it was blocked. */
  async unblock(id: string): Promise<boolean> {
    const keys = this.#keys(id);
    this.#ctx.blocks.delete(this.#identity(id));
    const reply = await this.#admin(() => unblockScript.run(this.#ctx.view(this.settings.deadlineMs), keys, { id }));
    return reply === 1;
  }

  /** Forgets the failures of `id` (after a successful login, say); a block stays. */
  async forgive(id: string): Promise<void> {
    const keys = this.#keys(id);
    await this.#admin(() => this.#ctx.view(this.settings.deadlineMs).unlink(keys.failures));
  }

  /** The identities blocked now, soonest end first within each shard; at most `limit` per shard. */
  async blocked(options?: { readonly limit?: number }): Promise<BlockedIdentity[]> {
    const limit = wholeAtLeast(this.settings.name, 'limit', options?.limit ?? 1000, 1);
    const view = this.#ctx.view(this.settings.deadlineMs);
    const replies = await Promise.all(
      Array.from({ length: this.settings.shards }, (_, shard) =>
        this.#admin(() => blockedScript.run(view, { index: this.#ns.index.key({ limiter: this.settings.name, shard }) }, { limit })),
      ),
    );
    const out: BlockedIdentity[] = [];
    for (const reply of replies) {
      if (!Array.isArray(reply)) throw new ScriptReplyError('ratelimit_f2b_blocked', 'expected an array');
      for (let i = 1; i + 1 < reply.length; i += 2) out.push({ id: String(reply[i]), untilMs: Number(reply[i + 1]) });
    }
    return out.sort((a, b) => a.untilMs - b.untilMs);
  }

  async #admin<T>(op: () => Promise<T>): Promise<T> {
    if (!this.#ready()) {
      // A queued write sent after a reconnect could undo what happened meanwhile.
      throw new RateLimitUnavailableError(this.settings.name, 0, { cause: new Error(`the Redis connection is ${this.#ctx.raw.status}`) });
    }
    try {
      return await withDeadline(op(), this.settings.deadlineMs);
    } catch (e) {
      if (e instanceof DeadlineError) throw new RateLimitUnavailableError(this.settings.name, this.settings.deadlineMs, { cause: e });
      throw e;
    }
  }
}

function integers(reply: unknown, n: number, script: string): number[] {
  if (!Array.isArray(reply) || reply.length !== n || !reply.every((v) => typeof v === 'number')) {
    throw new ScriptReplyError(script, `expected ${n} integers`);
  }
  return reply as number[];
}
