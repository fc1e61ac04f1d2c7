import { coalesceWrites, LuaScript, readLua, type ScriptClient } from '@coordis/client';
import type { ChainableCommander, RedisKey } from 'ioredis';
import { LockKeyTypeError, LockReplyError } from './errors.js';

const acquireScript = new LuaScript('lock_acquire', readLua(import.meta.url, 'acquire'), ['lock'], ['owner', 'ttl', 'limit', 'retention']);
const extendScript = new LuaScript('lock_extend', readLua(import.meta.url, 'extend'), ['lock'], ['owner', 'ttl', 'retention']);
const releaseScript = new LuaScript('lock_release', readLua(import.meta.url, 'release'), ['lock'], ['owner']);

/** The scripts' codes for what happened to a lease, as extend.lua and release.lua return them. */
export enum LeaseCode {
  /** Extended, or released. */
  Done = 1,
  /** The lease had run out before the call. */
  Expired = 0,
  /** The lock records no lease of this owner. */
  NotOwner = -1,
}

/** What acquire.lua answered: a token, or how long until the first lease runs out. */
export type AcquireReply = { readonly acquired: true; readonly token: number } | { readonly acquired: false; readonly waitMs: number };

/** Everything the scripts need to know about one lock. */
export interface LeaseTarget {
  readonly client: ScriptClient;
  readonly key: RedisKey;
  /** Names the lock in errors. */
  readonly label: string;
}

function typed(target: LeaseTarget, e: unknown): unknown {
  return e instanceof Error && /WRONGTYPE/.test(e.message) ? new LockKeyTypeError(target.label, e) : e;
}

/** Reads acquire.lua's reply. */
export function parseAcquireReply(reply: unknown): AcquireReply {
  if (Array.isArray(reply) && typeof reply[1] === 'number') {
    if (reply[0] === 1) return { acquired: true, token: reply[1] };
    if (reply[0] === 0) return { acquired: false, waitMs: reply[1] };
  }
  throw new LockReplyError('acquire.lua', reply);
}

/** Reads extend.lua's or release.lua's reply. */
export function parseLeaseCode(script: string, reply: unknown): LeaseCode {
  if (reply === LeaseCode.Done || reply === LeaseCode.Expired || reply === LeaseCode.NotOwner) return reply;
  throw new LockReplyError(script, reply);
}

// The hot paths below are plain functions returning the script's promise with one `then` that
// also does the caller's work (`onReply`), not async functions or chains: with two scripts per
// acquire+release cycle, each promise hop is a measurable share of the client's time.

function rejected(target: LeaseTarget, e: unknown): Promise<never> {
  return Promise.reject(typed(target, e));
}

/** Sends a script in this tick's batch of writes; a synchronous throw becomes a rejection. */
function send(target: LeaseTarget, run: () => Promise<unknown>): Promise<unknown> {
  coalesceWrites(target.client);
  try {
    return run();
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Runs acquire.lua: one attempt to take a lease for `owner`; `onReply` gets its reply, `onError` (if given) a typed error. */
export function acquireLease<T>(
  target: LeaseTarget,
  owner: string,
  ttlMs: number,
  limit: number,
  retentionMs: number,
  onReply: (reply: AcquireReply) => T,
  onError?: (e: unknown) => Promise<T>,
): Promise<T> {
  return send(target, () =>
    acquireScript.run(target.client, { lock: target.key }, { owner, ttl: ttlMs, limit, retention: retentionMs }),
  ).then(
    (raw) => onReply(parseAcquireReply(raw)),
    (e: unknown) => (onError ? onError(typed(target, e)) : rejected(target, e)),
  );
}

/**
 * Runs acquire.lua and WAIT in one pipeline, so on a Cluster WAIT goes to the node that ran
 * the script. Resolves with the reply and how many replicas acknowledged.
 */
export async function acquireLeaseDurably(
  target: LeaseTarget,
  owner: string,
  ttlMs: number,
  limit: number,
  retentionMs: number,
  replicas: number,
  timeoutMs: number,
): Promise<{ readonly reply: AcquireReply; readonly acknowledged: number }> {
  acquireScript.ensure(target.client);
  const pipeline: ChainableCommander = target.client.pipeline();
  acquireScript.queue(pipeline, { lock: target.key }, { owner, ttl: ttlMs, limit, retention: retentionMs });
  pipeline.wait(replicas, timeoutMs);
  const results = await pipeline.exec();
  const [scriptResult, waitResult] = results ?? [];
  if (scriptResult?.[0]) throw typed(target, scriptResult[0]);
  const reply = parseAcquireReply(scriptResult?.[1]);
  if (waitResult?.[0]) return { reply, acknowledged: 0 };
  return { reply, acknowledged: Number(waitResult?.[1] ?? 0) };
}

/** Runs extend.lua: sets a live lease to end `ttlMs` from now. */
export function extendLease(target: LeaseTarget, owner: string, ttlMs: number, retentionMs: number): Promise<LeaseCode> {
  return send(target, () => extendScript.run(target.client, { lock: target.key }, { owner, ttl: ttlMs, retention: retentionMs })).then(
    (reply) => parseLeaseCode('extend.lua', reply),
    (e: unknown) => rejected(target, e),
  );
}

/** Runs release.lua: ends a lease and announces it to waiters; `onCode` gets what happened. */
export function releaseLease<T = LeaseCode>(target: LeaseTarget, owner: string, onCode?: (code: LeaseCode) => T): Promise<T> {
  return send(target, () => releaseScript.run(target.client, { lock: target.key }, { owner })).then(
    (reply) => {
      const code = parseLeaseCode('release.lua', reply);
      return onCode ? onCode(code) : (code as T);
    },
    (e: unknown) => rejected(target, e),
  );
}

/** The scripts, for tests that check their headers and keys. */
export const LEASE_SCRIPTS = { acquire: acquireScript, extend: extendScript, release: releaseScript } as const;
