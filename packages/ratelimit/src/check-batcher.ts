import type { ScriptClient } from '@coordis/client';
import { keySlot } from '@coordis/keyspace';
import type { RedisKey } from 'ioredis';
import { ALGORITHM_KIND } from './algorithms.js';
import type { CheckEntry, CheckMode, GroupOutcome, RawResult } from './check-entry.js';
import { checkKeyNames, checkScript, paddedKeyCount } from './check-script.js';
import { CrossSlotError, ScriptReplyError, WindowMismatchError } from './errors.js';
import type { ServerClock } from './server-clock.js';
import { isUnavailable, withDeadline } from './unavailable.js';

/** How a batcher sends. */
export interface BatcherOptions {
  /** How long a run may take before its groups are answered by the unavailable policy. */
  readonly deadlineMs: number;
  /** Distinct keys per script run at most (64: the largest check.lua variant). */
  readonly maxKeys: number;
  /** Script runs the outstanding checks are spread over (a run takes at least one group). */
  readonly runsInFlight: number;
  /** Resends of a group whose fixed-window guess was wrong. */
  readonly windowRetries: number;
  /**
   * True when `target` bounds its own offline wait and never sends a command late (a
   * CoordisClient view with offlineTimeoutMs). Otherwise a run is only sent on a ready
   * connection, so nothing waits in an ioredis offline queue to be sent in a later window.
   */
  readonly managesOffline: boolean;
}

interface Pending {
  readonly mode: CheckMode;
  /** Builds the entries for the server time this process estimates now. */
  readonly build: () => readonly CheckEntry[];
  entries: readonly CheckEntry[];
  slot: number;
  attempts: number;
  readonly resolve: (outcome: GroupOutcome) => void;
  readonly reject: (e: unknown) => void;
}

interface Run {
  readonly groups: Pending[];
  readonly index: Map<string, number>;
  readonly keys: RedisKey[];
}

/**
 * Sends checks to Redis, coalescing the ones made in the same tick into script runs (up to 64
 * distinct keys, one Cluster slot per run): one round trip carries many checks, each group
 * still all-or-nothing and independent of the others. This is what makes a check cheaper than
 * one EVALSHA of its own while staying one round trip. The checks outstanding are spread over
 * a few runs (`runsInFlight`), so that Redis and this process work at the same time.
 */
export class CheckBatcher {
  readonly #target: ScriptClient;
  readonly #raw: ScriptClient;
  readonly #clock: ServerClock;
  readonly #options: BatcherOptions;
  #queue: Pending[] = [];
  #scheduled = false;
  /** Groups sent and not answered yet. */
  #outstanding = 0;
  /** Script runs sent, for the benchmarks. */
  runs = 0;

  constructor(target: ScriptClient, raw: ScriptClient, clock: ServerClock, options: BatcherOptions) {
    this.#target = target;
    this.#raw = raw;
    this.#clock = clock;
    this.#options = options;
  }

  /** Sends a group; resolves with its answer, or `unavailable` when Redis could not answer in time. */
  submit(mode: CheckMode, build: () => readonly CheckEntry[]): Promise<GroupOutcome> {
    return new Promise<GroupOutcome>((resolve, reject) => {
      this.#enqueue({ mode, build, entries: [], slot: 0, attempts: 0, resolve, reject });
    });
  }

  #enqueue(p: Pending): void {
    p.entries = p.build();
    if (this.#raw.isCluster) {
      const slots = new Set(p.entries.map((e) => keySlot(e.key)));
      if (slots.size > 1) {
        p.reject(new CrossSlotError(p.entries.map((e) => e.limiter)));
        return;
      }
      p.slot = slots.values().next().value ?? 0;
    }
    this.#queue.push(p);
    if (!this.#scheduled) {
      this.#scheduled = true;
      // After the current tick's callbacks and microtasks: every check made meanwhile joins the run.
      process.nextTick(() => this.#flush());
    }
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    const open = new Map<number, Run>();
    // Sized on all the groups outstanding, not on this tick's alone: the answers of one run come
    // back in a tick of their own, and sizing on them would split runs smaller and smaller.
    const perRun = Math.ceil((this.#outstanding + queue.length) / this.#options.runsInFlight);
    for (const p of queue) {
      let run = open.get(p.slot);
      if (run) {
        let fresh = 0;
        for (const e of p.entries) if (!run.index.has(e.keyId)) fresh++;
        if (run.index.size + fresh > this.#options.maxKeys || run.groups.length >= perRun) {
          this.#send(run);
          run = undefined;
        }
      }
      if (!run) {
        run = { groups: [], index: new Map(), keys: [] };
        open.set(p.slot, run);
      }
      run.groups.push(p);
      for (const e of p.entries) {
        if (!run.index.has(e.keyId)) {
          run.index.set(e.keyId, run.keys.length + 1);
          run.keys.push(e.key);
        }
      }
    }
    for (const run of open.values()) this.#send(run);
  }

  #send(run: Run): void {
    if (!this.#options.managesOffline && this.#raw.status !== 'ready') {
      // A plain ioredis client would queue the command and send it whenever it reconnects,
      // into whatever window is current then. Not sending it at all is the only safe answer.
      const cause = new Error(`the Redis connection is ${this.#raw.status}, not ready`);
      // Answered on the next turn of the event loop, so that a caller looping on fallback
      // answers still lets the connection make progress.
      setImmediate(() => {
        for (const p of run.groups) p.resolve({ kind: 'unavailable', cause });
      });
      return;
    }
    const count = paddedKeyCount(run.keys.length);
    const names = checkKeyNames(count);
    const first = run.keys[0] ?? '';
    const keys: Record<string, RedisKey> = {};
    for (let i = 0; i < count; i++) keys[names[i] ?? ''] = run.keys[i] ?? first;
    const parts: number[] = [];
    for (const p of run.groups) {
      parts.push(p.mode === 'check' ? 1 : 0, p.entries.length);
      for (const e of p.entries) {
        const r = e.rate;
        parts.push(run.index.get(e.keyId) ?? 1, ALGORITHM_KIND[r.algorithm], r.limit, r.periodMs, r.capacity, e.cost, e.window);
      }
    }
    const sentAt = performance.now();
    let reply: Promise<unknown>;
    try {
      reply = checkScript(count).run(this.#target, keys, { requests: JSON.stringify(parts) });
    } catch (e) {
      reply = Promise.reject(e);
    }
    this.runs++;
    this.#outstanding += run.groups.length;
    withDeadline(reply, this.#options.deadlineMs).then(
      (value) => {
        this.#outstanding -= run.groups.length;
        this.#answer(run, value, sentAt);
      },
      (e: unknown) => {
        this.#outstanding -= run.groups.length;
        const unavailable = isUnavailable(e);
        for (const p of run.groups) {
          if (unavailable) p.resolve({ kind: 'unavailable', cause: e });
          else p.reject(e);
        }
      },
    );
  }

  #answer(run: Run, reply: unknown, sentAt: number): void {
    const expected = 1 + 4 * run.groups.reduce((n, p) => n + p.entries.length, 0);
    if (!Array.isArray(reply) || reply.length !== expected || !reply.every((v) => typeof v === 'number')) {
      const e = new ScriptReplyError('ratelimit_check', `expected ${expected} integers`);
      for (const p of run.groups) p.reject(e);
      return;
    }
    const values = reply as number[];
    const nowMs = values[0] ?? 0;
    this.#clock.observe(nowMs, sentAt, performance.now());
    let i = 1;
    for (const p of run.groups) {
      const results: RawResult[] = [];
      let wrongWindow = false;
      for (let j = 0; j < p.entries.length; j++, i += 4) {
        const status = values[i] ?? 0;
        if (status < 0) wrongWindow = true;
        results.push({
          allowed: status === 1,
          remaining: values[i + 1] ?? 0,
          resetMs: values[i + 2] ?? 0,
          retryAfterMs: values[i + 3] ?? 0,
        });
      }
      if (!wrongWindow) {
        p.resolve({ kind: 'answered', nowMs, sentAt, results });
      } else if (++p.attempts > this.#options.windowRetries) {
        p.reject(new WindowMismatchError(p.entries[0]?.limiter ?? '?', p.attempts));
      } else {
        // The clock estimate has just been corrected from this reply: rebuild and resend.
        this.#enqueue(p);
      }
    }
  }
}
