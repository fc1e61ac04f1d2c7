import { setTimeout as sleep } from 'node:timers/promises';
import { type CallOptions, coalesceWrites, LuaScript, readLua } from '@coordis/client';
import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import type { RollbackGap, TrimmedGap } from './bus-events.js';
import type { DedupeWindow } from './dedupe-window.js';
import type { Envelope } from './envelope.js';
import { CommitError, ReadStalledError } from './errors.js';
import type { BusKeys } from './event-keys.js';
import { CommandRecorder, commandFilter, type HandlerContext } from './handler-context.js';
import { isSlotMoved, slotConnection } from './slot-link.js';
import { nextStreamId, previousStreamId, streamIdMs, ZERO_ID } from './stream-id.js';
import { parseStreamCounters, parseStreamInfo, type StreamInfo } from './stream-info.js';
import { checkPosition, type PositionVerdict, type ReadPosition } from './stream-position.js';

/** What the reader needs from its bus. */
export interface StreamReaderHost {
  /** Decodes, checks, dedupes (noting `read`) and validates an entry: the envelope, or undefined when dropped. */
  accept(raw: Buffer, read: number): Envelope | undefined | Promise<Envelope | undefined>;
  /** Runs the handlers; resolves when all of them finished. */
  dispatch(event: Envelope, ctx: HandlerContext): void | Promise<void>;
  /** The event id in an entry, without validating it; undefined if the entry is not an envelope. */
  peekId(raw: Buffer): string | undefined;
  handlerError(error: unknown, event: { readonly type: string; readonly id: string }): void;
  gap(gap: TrimmedGap | RollbackGap): void;
  error(error: Error): void;
}

/** How the reader reads. */
export interface StreamReaderOptions {
  readonly nodeId: string;
  readonly namespace: string;
  readonly keys: BusKeys;
  readonly readCount: number;
  readonly blockMs: number;
  readonly readTimeoutMs: number;
  /** A commit without ctx.tx writes waits for this many ms, or readCount events, or an empty read. */
  readonly commitIntervalMs: number;
  readonly startFrom: 'latest' | 'earliest';
  readonly scanPage: number;
  /** The dedupe window's size: how far back a restart or a rollback looks for handled ids. */
  readonly dedupeWindow: number;
  /** This process's instance id: the `run` marker that tells a successor whether it stopped cleanly. */
  readonly instance: string;
}

/** A handled stretch of the stream whose checkpoint (and `ctx.tx` writes) is not confirmed yet. */
interface Commit {
  readonly id: string;
  readonly read: number | undefined;
  recorder: CommandRecorder | undefined;
  /** Which event queued which recorded commands: [first, end) indexes. */
  owners: { readonly start: number; readonly end: number; readonly type: string; readonly id: string }[];
  /** The connection died with the commit in flight: whether it applied must be asked. */
  unknown: boolean;
  /** Settles once the last send of this commit did (never rejects). */
  sent?: Promise<void>;
}

const COMMIT = new LuaScript('events_commit', readLua(import.meta.url, 'commit'), ['checkpoints', 'node'], ['nodeId', 'id', 'read', 'run']);

const COUNTERS = new LuaScript('events_stream_counters', readLua(import.meta.url, 'stream-counters'), ['stream'], []);

type ReadReply = [Buffer, [Buffer, Buffer[]][]][] | null;
type OptionsView = Redis & { withOptions(opts: CallOptions): Redis };
const hasOptions = (c: Redis): c is OptionsView => typeof (c as unknown as { withOptions?: unknown }).withOptions === 'function';
const isNoSuchKey = (e: unknown) => e instanceof Error && /no such key/i.test(e.message);

/** The watchdog's verdict on a read sent on a ready connection. */
/** How often the watchdog looks at the reply it times: its deadlines are late by at most this. */
const WATCH_TICK_MS = 50;

class Stalled extends Error {}
/** No answer because there is no connection yet: the client is reconnecting. */
class Offline extends Error {}
/** The connection changed under a read: its answer cannot be trusted to follow the last one. */
class Interrupted extends Error {}

/** One handler call's context: `tx` is the batch's recorder, created on first use. */
class BatchContext implements HandlerContext {
  readonly streamId: string;
  readonly redelivered: boolean;
  readonly #batch: { recorder(): CommandRecorder };

  constructor(streamId: string, redelivered: boolean, batch: { recorder(): CommandRecorder }) {
    this.streamId = streamId;
    this.redelivered = redelivered;
    this.#batch = batch;
  }

  get tx(): ChainableCommander {
    return this.#batch.recorder().view;
  }
}

/**
 * A durable node's reader: reads its bus's stream from the node's checkpoint, on a connection
 * of its own, one batch at a time, in order.
 *
 * Each round trip carries the previous batch's commit when it is due — MULTI, the writes
 * handlers queued on `ctx.tx`, the checkpoint, the count of entries read, EXEC — then a script
 * reading the stream's counters (XINFO STREAM's) and XREAD. Redis runs them in that order, so a
 * batch is read only once the one before it is committed, and the counters describe the stream
 * at the instant of the read: entries trimmed before this node
 * read them are counted from `entries-added − length` (a `trimmed` gap), and a stream whose
 * history is shorter than what the node read lost its tail in a failover (a `rollback` gap, the
 * reader goes back to the last entry the stream still shares with it). A read with no answer
 * by BLOCK + readTimeoutMs is abandoned: the connection is dropped and the read reissued.
 */
export class StreamReader {
  readonly #client: Redis | Cluster;
  readonly #o: StreamReaderOptions;
  readonly #host: StreamReaderHost;
  readonly #dedupe: DedupeWindow;
  #connection: Redis | undefined;
  #view: Redis | undefined;
  /** The view the read round's XREAD and counters go on: never resent, never a WAIT behind them. */
  #readView: Redis | undefined;
  #isCommand: ((name: string) => boolean) | undefined;
  #position: ReadPosition = { id: ZERO_ID, read: undefined };
  #pending: Commit | undefined;
  #info: StreamInfo | undefined;
  /** Server time (stream id ms) of the oldest entry read but not handled, or of the last handled while more wait. */
  #waitingSinceMs = 0;
  /** Entries an earlier run of this node may have handled without committing (it did not close). */
  #suspects = 0;
  /** Events handled since the last commit was sent, and when that was. */
  #uncommitted = 0;
  #committedAt = 0;
  /** The last read came back empty: the node is idle, its position is worth saving now. */
  #idle = false;
  /** Bumped on every close of the connection. */
  #epoch = 0;
  #verify = true;
  #reading = false;
  /** The reply the watchdog is timing, and when it is due (performance.now() ms). */
  #watched: { at: number; reject: (e: Error) => void } | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #closing = false;
  #loop: Promise<void> | undefined;
  #readTimeouts = 0;
  /** The last trimmed gap reported, so one loss is never reported twice. */
  #trimReportedAfter: string | undefined;
  readonly #stop = new AbortController();

  constructor(client: Redis | Cluster, options: StreamReaderOptions, dedupe: DedupeWindow, host: StreamReaderHost) {
    this.#client = client;
    this.#o = options;
    this.#dedupe = dedupe;
    this.#host = host;
  }

  /** Blocking reads the watchdog abandoned. */
  get readTimeouts(): number {
    return this.#readTimeouts;
  }

  /** Entries after this node's position, as of the last read; undefined while uncountable. */
  get lagEvents(): number | undefined {
    const added = this.#info?.entriesAdded;
    const read = this.#position.read;
    return added === undefined || read === undefined ? undefined : Math.max(0, added - read);
  }

  /** How long the oldest entry not handled yet has been in the stream (server time in its id). */
  get lagMs(): number {
    const lag = this.lagEvents;
    return lag !== undefined && lag > 0 && this.#waitingSinceMs > 0 ? Math.max(0, Date.now() - this.#waitingSinceMs) : 0;
  }

  /** Reads the stream's counters again (on the bus's client), so lag shows while a handler is stuck. */
  async refresh(): Promise<void> {
    if (!this.#connection || this.#closing) return;
    try {
      this.#info = parseStreamInfo(await this.#client.call('XINFO', 'STREAM', this.#o.keys.stream));
    } catch (e) {
      if (!isNoSuchKey(e)) throw e;
    }
  }

  /**
   * Opens the reader's connection, finds this node's position (its checkpoint, or the stream's
   * tail or head for a new node), rebuilds the dedupe window from the entries before it, checks
   * the position against the stream (trimmed? rolled back?) and starts reading.
   */
  async start(): Promise<void> {
    const client = this.#client;
    // A blocked read must never be replayed by the client on another connection (BullMQ
    // #4479): the loop issues the next one itself, from the position it holds. On a Cluster
    // the stream, the checkpoints and the node's state share the bus's hash tag: one plain
    // connection to the master of that slot carries the reader's pipelines and MULTI/EXEC
    // exactly as on one primary, and finds the slot's new master after a failover.
    const connection = client.isCluster
      ? slotConnection(client as Cluster, this.#o.keys.stream, { autoResendUnfulfilledCommands: false })
      : hasOptions(client as Redis)
        ? (client as Redis).duplicate()
        : (client as Redis).duplicate({ autoResendUnfulfilledCommands: false });
    this.#connection = connection;
    this.#view = hasOptions(connection) ? connection.withOptions({ delivery: 'never' }) : connection;
    // A client with durable writes would send WAIT behind the counters script (a script may
    // write, as far as the client can tell): a round trip to the replicas on every read.
    this.#readView = hasOptions(connection) ? connection.withOptions({ delivery: 'never', durable: false }) : connection;
    COUNTERS.ensure(this.#readView);
    this.#isCommand = commandFilter(connection.getBuiltinCommands());
    connection.on('error', (e: Error) => this.#host.error(e));
    connection.on('close', () => {
      this.#epoch++;
    });
    const { keys, nodeId } = this.#o;
    const [checkpoint, state, info] = (await this.#view
      .pipeline()
      .hget(keys.checkpoints, nodeId)
      .hmget(keys.node, 'read', 'run')
      .call('XINFO', 'STREAM', keys.stream)
      .exec()) as [[Error | null, string | null], [Error | null, (string | null)[]], [Error | null, unknown]];
    if (checkpoint[0]) throw checkpoint[0];
    if (state[0]) throw state[0];
    if (info[0] && !isNoSuchKey(info[0])) throw info[0];
    const stream = info[0] ? undefined : parseStreamInfo(info[1]);
    const [savedRead, run] = state[1];
    if (checkpoint[1]) {
      this.#position = { id: checkpoint[1], read: savedRead == null ? undefined : Number(savedRead) };
    } else if (this.#o.startFrom === 'latest') {
      this.#position = { id: stream?.lastGeneratedId ?? ZERO_ID, read: stream ? stream.entriesAdded : 0 };
    } else {
      this.#position = {
        id: ZERO_ID,
        read: stream ? (stream.entriesAdded === undefined ? undefined : stream.entriesAdded - stream.length) : 0,
      };
    }
    // `run` is removed by close(): still there, the last run stopped without it, after handling
    // at most one read batch past its checkpoint.
    if (run && run.split(':')[0] !== this.#o.instance) this.#suspects = Number(run.split(':')[1]) || this.#o.readCount;
    await this.#rebuildDedupe();
    this.#pending = this.#commitOf(undefined, []);
    await this.#checkAndSettle();
    this.#loop = this.#run();
  }

  /** Remembers the ids of the entries up to the position, so a re-published event is still known after a restart. */
  async #rebuildDedupe(): Promise<void> {
    const view = this.#view as Redis;
    const position = this.#position;
    if (position.id === ZERO_ID) return;
    const ids: [eventId: string, read: number | undefined][] = [];
    let end = position.id;
    // Counts are known walking back from the entry at the position; if it was trimmed, they are not.
    let read: number | undefined;
    for (let first = true; ids.length < this.#o.dedupeWindow; ) {
      const page = Math.min(this.#o.scanPage, this.#o.dedupeWindow - ids.length);
      const entries = (await view.xrevrangeBuffer(this.#o.keys.stream, first ? end : `(${end}`, '-', 'COUNT', page)) as [
        Buffer,
        Buffer[],
      ][];
      for (const [id, fields] of entries) {
        end = id.toString();
        if (first && end === position.id) read = position.read;
        first = false;
        const eventId = this.#peek(fields);
        if (eventId) ids.push([eventId, read]);
        if (read !== undefined) read--;
      }
      if (entries.length < page) break;
    }
    for (let i = ids.length - 1; i >= 0; i--) {
      const [eventId, at] = ids[i] as [string, number | undefined];
      this.#dedupe.admit(eventId, at ?? -1);
    }
  }

  #peek(fields: Buffer[]): string | undefined {
    const raw = entryData(fields);
    return raw ? this.#host.peekId(raw) : undefined;
  }

  #commitOf(recorder: CommandRecorder | undefined, owners: Commit['owners']): Commit {
    return { id: this.#position.id, read: this.#position.read, recorder, owners, unknown: false };
  }

  /**
   * Sends a commit on `client` (the reader's connection unless closing): one script call for
   * the bookkeeping alone, a MULTI/EXEC when handlers queued writes on `ctx.tx`.
   */
  #sendCommit(commit: Commit, client: Redis | Cluster, clean = false): Promise<void> {
    const sending = this.#writeCommit(commit, client, clean);
    // Until the send settles, not even `unknown` is known: a connection cut with the commit in
    // flight rejects it a few microtasks after it rejects the read: close() waits for this
    // before it decides whether to send the commit again. (The retry after an error sleeps a
    // backoff first, long past those microtasks.)
    commit.sent = sending.then(
      () => {},
      () => {},
    );
    return sending;
  }

  #writeCommit(commit: Commit, client: Redis | Cluster, clean = false): Promise<void> {
    const { keys, nodeId, instance, readCount } = this.#o;
    // A crash leaves at most readCount − 1 uncommitted events plus one batch: the successor
    // flags that many as possibly handled.
    const run = clean ? '' : `${instance}:${2 * readCount}`;
    const read = commit.read === undefined ? '' : String(commit.read);
    const recorder = commit.recorder;
    recorder?.seal();
    const settled = () => {
      if (this.#pending === commit) this.#pending = undefined;
    };
    // A commit in flight when the connection died may or may not have applied: ask later.
    const failed = (e: unknown): never => {
      if (!(e instanceof Error && e.name === 'ReplyError')) commit.unknown = true;
      throw new CommitError(nodeId, e);
    };
    if (!recorder || recorder.commands.length === 0) {
      return COMMIT.run(client, { checkpoints: keys.checkpoints, node: keys.node }, { nodeId, id: commit.id, read, run }).then(
        settled,
        failed,
      );
    }
    const multi = client.multi();
    recorder.replay(multi);
    multi.hset(keys.checkpoints, nodeId, commit.id);
    if (read) multi.hset(keys.node, 'read', read);
    // A clean close removes the run marker in the same step as the last checkpoint.
    if (clean) multi.hdel(keys.node, 'run');
    else multi.hset(keys.node, 'run', run);
    const replayed = recorder.commands.length;
    return multi.exec().then(
      (results) => {
        if (!results) throw new CommitError(nodeId, new Error('EXEC was aborted'));
        for (let i = 0; i < replayed; i++) {
          const error = results[i]?.[0];
          if (!error) continue;
          const owner = commit.owners.find((o) => i >= o.start && i < o.end);
          if (owner) this.#host.handlerError(error, owner);
        }
        settled();
      },
      (e: unknown) => {
        if (e instanceof Error && /EXECABORT/.test(e.message)) {
          // A handler queued a command Redis refused outright: nothing of the batch applied.
          // Report it on each event that queued writes (Redis does not say which command it
          // was) and commit the checkpoint without their writes.
          const previous = (e as Error & { previousErrors?: Error[] }).previousErrors ?? [];
          const reported = new Error(`${e.message} ${previous.map((p) => p.message).join('; ')}`.trim(), { cause: e });
          for (const owner of commit.owners) this.#host.handlerError(reported, owner);
          commit.recorder = undefined;
          commit.owners = [];
        }
        return failed(e);
      },
    );
  }

  async #run(): Promise<void> {
    for (let failures = 0; !this.#closing; ) {
      try {
        if (this.#verify) await this.#checkAndSettle();
        await this.#round();
        failures = 0;
      } catch (e) {
        if (this.#closing) break;
        this.#verify = true;
        if (e instanceof Stalled) {
          this.#readTimeouts++;
          this.#host.error(new ReadStalledError(this.#o.namespace, this.#o.blockMs + this.#o.readTimeoutMs, this.#o.blockMs));
          // destroy(), not end(): a hung server would never finish a graceful close.
          (this.#connection?.stream as { destroy?: () => void } | undefined)?.destroy?.();
        } else if (this.#client.isCluster && isSlotMoved(e instanceof CommitError ? e.cause : e)) {
          // Cluster: the bus's slot left the reader's node (its master was demoted: Redis
          // redirects the blocked read, refuses the commit). A new connection goes to the slot's
          // master now; the commit, not applied, is sent again and the position checked as after
          // any reconnect. Not an error: a failover the reader rides out.
          this.#connection?.disconnect(true);
        } else if (!(e instanceof Interrupted || e instanceof Offline)) {
          this.#host.error(e as Error);
        }
        const cap = Math.min(50 * 2 ** failures++, 2_000);
        await sleep(cap / 2 + Math.random() * (cap / 2), undefined, { signal: this.#stop.signal }).catch(() => {});
      }
    }
    await this.#finish();
  }

  /**
   * Resolves with `reply`, or rejects (Stalled, or Offline while the connection is down) once
   * `ms` have passed without it. One unref'd timer per reader checks the deadline every
   * WATCH_TICK_MS, instead of a timer per call: the read loop calls this once per round trip.
   */
  #deadline<T>(reply: Promise<T>, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const watch = { at: performance.now() + ms, reject };
      this.#watched = watch;
      this.#watchdog ??= setInterval(() => this.#checkWatch(), WATCH_TICK_MS).unref();
      reply.then(
        (value) => {
          if (this.#watched === watch) this.#watched = undefined;
          resolve(value);
        },
        (e: unknown) => {
          if (this.#watched === watch) this.#watched = undefined;
          reject(e);
        },
      );
    });
  }

  #checkWatch(): void {
    const watch = this.#watched;
    if (!watch || performance.now() < watch.at) return;
    this.#watched = undefined;
    watch.reject(this.#connection?.status === 'ready' ? new Stalled() : new Offline());
  }

  /**
   * One round trip: the previous batch's commit when it is due, XREAD, then a snapshot of the
   * stream's counters. Then the batch.
   *
   * A commit carrying ctx.tx writes is always due (their effects show at once); a checkpoint
   * alone waits for readCount events, commitIntervalMs or an idle read, and the read then
   * blocks no longer than that interval, so it is saved within commitIntervalMs.
   *
   * The counters, taken right before XREAD (one client's commands of one write run back to
   * back), describe the stream at the instant of the read when the read did not block. A read
   * that blocked cannot have lost anything: there was nothing after the position when it
   * blocked, and Redis serves it right after the write that woke it, which never trims the
   * entry it adds. A failover while it blocks ends the read (the connection, or Redis
   * unblocking it with an error) and the position is checked again.
   */
  async #round(): Promise<void> {
    const view = this.#view as Redis;
    const key = this.#o.keys.stream;
    const epoch = this.#epoch;
    const before = this.#position;
    const pending = this.#pending;
    const { readCount, commitIntervalMs } = this.#o;
    const sinceCommit = performance.now() - this.#committedAt;
    const due =
      (pending?.recorder?.commands.length ?? 0) > 0 || this.#idle || this.#uncommitted >= readCount || sinceCommit >= commitIntervalMs;
    const commit = pending && due ? pending : undefined;
    if (commit) {
      this.#uncommitted = 0;
      this.#committedAt = performance.now();
    }
    const blockMs = pending && !commit ? Math.max(1, Math.ceil(commitIntervalMs - sinceCommit)) : this.#o.blockMs;
    // The commit and the read leave in one socket write.
    coalesceWrites(this.#connection as Redis);
    const committed = commit ? this.#sendCommit(commit, view) : undefined;
    // Two commands rather than a pipeline: the same single write, without a pipeline's objects
    // on every round trip. The counters go first: Redis answers them at once and runs the read
    // right after, so an event that wakes a blocked read is sent on without a script of each
    // node's running before the replies leave.
    const reader = this.#readView as Redis;
    const counters = COUNTERS.run(reader, { stream: key }, {});
    const read = reader.xreadBuffer('COUNT', readCount, 'BLOCK', blockMs, 'STREAMS', key, before.id) as Promise<ReadReply>;
    committed?.catch(() => {});
    read.catch(() => {});
    counters.catch(() => {});
    this.#reading = true;
    let entries: ReadReply;
    let info: unknown;
    try {
      info = await this.#deadline(counters, this.#o.readTimeoutMs);
      entries = await this.#deadline(read, blockMs + this.#o.readTimeoutMs);
      // A commit sent with this read is confirmed before the batch is handled.
      if (committed) await this.#deadline(committed, this.#o.readTimeoutMs);
    } finally {
      this.#reading = false;
    }
    if (epoch !== this.#epoch) throw new Interrupted();
    const stream = parseStreamCounters(info);
    if (!this.#judge(checkPosition(before, stream))) {
      this.#verify = true;
      return;
    }
    this.#info = stream;
    const batch = entries?.[0]?.[1] ?? [];
    this.#idle = batch.length === 0;
    if (batch.length > 0) await this.#handle(batch);
    // At the tail the counters showed (a read that did not block): the count of entries read is the stream's own.
    if (batch.length > 0 && stream?.entriesAdded !== undefined && this.#position.id === stream.lastGeneratedId) {
      this.#position = { id: this.#position.id, read: stream.entriesAdded };
      if (this.#pending) this.#pending = this.#commitOf(this.#pending.recorder, this.#pending.owners);
    }
  }

  /** Acts on a verdict; false when the reader must look again (a rollback). */
  #judge(verdict: PositionVerdict): boolean {
    if (verdict.kind === 'rollback') return false;
    if (verdict.kind === 'trimmed' && this.#trimReportedAfter !== verdict.afterId) {
      this.#trimReportedAfter = verdict.afterId;
      this.#host.gap({
        kind: 'trimmed',
        afterId: verdict.afterId,
        beforeId: verdict.beforeId,
        from: streamIdMs(verdict.afterId),
        to: streamIdMs(verdict.beforeId),
        ...(verdict.lost === undefined ? {} : { approxCount: verdict.lost }),
        reason:
          verdict.lost === undefined
            ? `the stream was trimmed past this node's position (${verdict.afterId}); events after it may be lost (the server keeps no counters to tell)`
            : `the stream was trimmed past this node's position: ${verdict.lost} events after ${verdict.afterId} were removed by retention before this node read them`,
      });
    }
    if (verdict.read !== this.#position.read) {
      this.#position = { id: this.#position.id, read: verdict.read };
      this.#pending ??= this.#commitOf(undefined, []);
    }
    return true;
  }

  /** After a start, a reconnect or a stall: settle an unconfirmed commit, then check the position. */
  async #checkAndSettle(): Promise<void> {
    const view = this.#view as Redis;
    const { keys, nodeId } = this.#o;
    const budget = this.#o.blockMs + this.#o.readTimeoutMs;
    const epoch = this.#epoch;
    const pending = this.#pending;
    if (pending?.unknown) {
      const saved = await this.#deadline(view.hget(keys.checkpoints, nodeId), budget);
      // MULTI/EXEC is all or nothing: the checkpoint tells whether the writes applied.
      if (saved === pending.id) {
        if (this.#pending === pending) this.#pending = undefined;
      } else {
        pending.unknown = false;
      }
    }
    if (this.#pending) await this.#deadline(this.#sendCommit(this.#pending, view), budget);
    const position = this.#position;
    const pipeline = view.pipeline().call('XINFO', 'STREAM', keys.stream);
    if (position.id !== ZERO_ID) pipeline.xrange(keys.stream, position.id, position.id);
    const replies = (await this.#deadline(pipeline.exec(), budget)) ?? [];
    if (epoch !== this.#epoch) throw new Interrupted();
    const [info, present] = replies;
    if (!info) throw new Interrupted();
    if (info[0] && !isNoSuchKey(info[0])) throw info[0];
    if (present?.[0]) throw present[0];
    const stream = info[0] ? undefined : parseStreamInfo(info[1]);
    const exists = present ? (present[1] as unknown[]).length > 0 : undefined;
    if (!this.#judge(checkPosition(position, stream, exists))) await this.#reanchor(stream);
    this.#info = stream ?? this.#info;
    this.#verify = false;
  }

  /**
   * The stream lost entries this node handled. Walks back from the old position to the newest
   * entry whose event id this node handled: everything the stream holds after it is new (the
   * new primary's history is the old one's prefix, then its own entries), so reading resumes
   * there and the dedupe window drops what this node already handled. New ids can sort below
   * the old position (the new primary's clock may lag), which is why the reader goes back to
   * what it shares with the stream instead of keeping its position.
   */
  async #reanchor(stream: StreamInfo | undefined): Promise<void> {
    const view = this.#view as Redis;
    const old = this.#position;
    let anchor: string | undefined;
    let anchorRead: number | undefined;
    let oldest: string | undefined;
    let exhausted = false;
    if (stream) {
      let end = `(${old.id}`;
      for (let scanned = 0; anchor === undefined; ) {
        if (scanned >= this.#o.dedupeWindow) {
          exhausted = true;
          break;
        }
        const entries = (await view.xrevrangeBuffer(this.#o.keys.stream, end, '-', 'COUNT', this.#o.scanPage)) as [Buffer, Buffer[]][];
        for (const [id, fields] of entries) {
          const eventId = this.#peek(fields);
          if (eventId && this.#dedupe.has(eventId)) {
            anchor = id.toString();
            anchorRead = this.#dedupe.readOf(eventId);
            break;
          }
          oldest = id.toString();
        }
        if (entries.length < this.#o.scanPage) break;
        scanned += entries.length;
        end = `(${oldest}`;
      }
    }
    if (anchor === undefined) {
      // Nothing shared within the window: read again from the oldest entry scanned, or from the
      // head when the scan reached it, and let the dedupe window drop what it knows.
      anchor = exhausted && oldest ? previousStreamId(oldest) : ZERO_ID;
      if (anchor === ZERO_ID)
        anchorRead = stream ? (stream.entriesAdded === undefined ? undefined : stream.entriesAdded - stream.length) : 0;
    }
    const lost = anchorRead !== undefined && old.read !== undefined ? old.read - anchorRead : undefined;
    this.#position = { id: anchor, read: anchorRead };
    this.#pending = this.#commitOf(undefined, []);
    this.#trimReportedAfter = undefined;
    this.#host.gap({
      kind: 'rollback',
      afterId: anchor,
      beforeId: nextStreamId(old.id),
      from: streamIdMs(anchor),
      to: streamIdMs(old.id),
      ...(lost === undefined ? {} : { approxCount: lost }),
      reason: stream
        ? `the stream no longer holds entries this node handled, up to ${old.id} (a failover to a replica that lacked them): reading resumes after ${anchor}, the last entry it still shares, so no event added since is skipped`
        : `the stream is gone (deleted, or a failover to a server that never had it): reading resumes from its start`,
    });
  }

  /** Handles a batch in stream order, one event at a time, and queues its commit. */
  async #handle(batch: [Buffer, Buffer[]][]): Promise<void> {
    let recorder: CommandRecorder | undefined;
    const isCommand = this.#isCommand as (name: string) => boolean;
    const scope = {
      recorder: () => {
        recorder ??= new CommandRecorder(isCommand);
        return recorder;
      },
    };
    const owners: Commit['owners'] = [];
    this.#waitingSinceMs = streamIdMs((batch[0] as [Buffer, Buffer[]])[0].toString());
    for (let i = 0; i < batch.length; i++) {
      const [idBuffer, fields] = batch[i] as [Buffer, Buffer[]];
      const id = idBuffer.toString();
      const read = this.#position.read === undefined ? undefined : this.#position.read + 1;
      const raw = entryData(fields);
      let event = raw ? this.#host.accept(raw, read ?? -1) : undefined;
      if (event instanceof Promise) event = await event;
      if (event) {
        const start = recorder?.commands.length ?? 0;
        const done = this.#host.dispatch(event, new BatchContext(id, this.#suspects > 0, scope));
        if (done instanceof Promise) await done;
        const end = recorder?.commands.length ?? 0;
        if (end > start) owners.push({ start, end, type: event.type, id: event.id });
      }
      if (this.#suspects > 0) this.#suspects--;
      this.#uncommitted++;
      this.#position = { id, read };
      const next = batch[i + 1];
      if (next) this.#waitingSinceMs = streamIdMs(next[0].toString());
    }
    this.#pending = this.#commitOf(recorder, owners);
  }

  /** Stops reading: the batch being handled finishes, its commit is saved, the connection closes. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    // A blocked read or a backoff is cut short; a batch being handled runs to its end first.
    this.#stop.abort();
    if (this.#reading) this.#connection?.disconnect();
    await this.#loop;
    this.#connection?.disconnect();
  }

  /** The last commit, with the clean-close marker, on the bus's client (the reader's connection may be gone). */
  async #finish(): Promise<void> {
    try {
      const sending = this.#pending?.sent;
      if (sending) await this.#deadline(sending, this.#o.readTimeoutMs).catch(() => {});
      clearInterval(this.#watchdog);
      this.#watchdog = undefined;
      // Read after the wait: a commit that applied meanwhile is no longer pending.
      const pending = this.#pending ?? this.#commitOf(undefined, []);
      if (pending.unknown && (await this.#client.hget(this.#o.keys.checkpoints, this.#o.nodeId)) === pending.id) {
        pending.recorder = undefined;
        pending.owners = [];
      }
      await this.#sendCommit(pending, this.#client, true);
    } catch (e) {
      this.#host.error(e as Error);
    }
  }
}

/** The envelope bytes of an entry (field `e`), whatever else it carries. */
function entryData(fields: Buffer[]): Buffer | undefined {
  // Entries the bus writes hold exactly one field: a byte compare instead of a string per entry.
  const first = fields[0];
  if (fields.length === 2 && first && first.length === 1 && first[0] === 0x65) return fields[1];
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i]?.toString() === 'e') return fields[i + 1];
  return undefined;
}
