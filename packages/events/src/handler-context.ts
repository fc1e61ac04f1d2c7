import type { ChainableCommander } from 'ioredis';
import { EventBusConfigError } from './errors.js';

/** What a handler gets besides the event. */
export interface HandlerContext {
  /** Durable mode: the event's stream entry id; `undefined` in transient mode. */
  readonly streamId: string | undefined;
  /**
   * Durable mode: true when an earlier run of this node id may have handled the event already
   * and stopped before committing it (SIGKILL, a crash: it never reached `close()`). Effects
   * written through `tx` need no care; other effects (an HTTP call, another database) should be
   * made idempotent with `event.id`. Always false in transient mode.
   */
  readonly redelivered: boolean;
  /**
   * Durable mode: Redis writes queued here are committed in one MULTI/EXEC together with this
   * node's checkpoint, so each is applied once per event, also across a crash and a restart.
   * Queue commands (`ctx.tx.hincrby(key, field, 1)`); do not await them or call `exec`. They
   * run on the bus's own connection: scripts defined on your client are not there (use `eval`),
   * and on Redis Cluster their keys must hash to the bus's slot (`bus.keys.hashTag`). A command
   * Redis rejects is reported as `handlerError` for this event. Throws in transient mode.
   */
  readonly tx: ChainableCommander;
}

/** A command queued on `ctx.tx`: its method name and arguments. */
export type RecordedCommand = readonly [name: string, args: readonly unknown[]];

// Commands that would break the commit's MULTI/EXEC or change the connection under it.
const REFUSED = new Set([
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'monitor',
  'quit',
  'reset',
  'select',
  'auth',
  'hello',
  'client',
]);

/** True for a method name that queues a Redis command on an ioredis pipeline. */
export function commandFilter(builtinCommands: readonly string[]): (name: string) => boolean {
  const known = new Set(builtinCommands.map((c) => c.toLowerCase()));
  known.add('call');
  return (name) => {
    const base = name.endsWith('Buffer') ? name.slice(0, -6) : name;
    return known.has(base.toLowerCase()) && !REFUSED.has(base.toLowerCase());
  };
}

/**
 * The `ctx.tx` of one read batch: it records commands instead of sending them, so the bus can
 * put them in the commit's MULTI/EXEC and send them again, unchanged, if the outcome of that
 * commit is unknown (the connection died before EXEC's reply).
 */
export class CommandRecorder {
  readonly commands: RecordedCommand[] = [];
  readonly view: ChainableCommander;
  #sealed = false;

  constructor(isCommand: (name: string) => boolean) {
    const record =
      (name: string) =>
      (...args: unknown[]): ChainableCommander => {
        if (this.#sealed) {
          throw new EventBusConfigError(
            `ctx.tx.${name}() was called after the event's batch was committed; queue commands before the handler (or its promise) settles.`,
          );
        }
        // A trailing callback has nowhere to go: the results arrive with the commit.
        this.commands.push([name, args.filter((a) => typeof a !== 'function')]);
        return this.view;
      };
    // Only command names resolve: `then` must stay undefined or `await ctx.tx` would hang.
    this.view = new Proxy({} as ChainableCommander, {
      get: (_target, prop) => (typeof prop === 'string' && isCommand(prop) ? record(prop) : undefined),
    });
  }

  /** No more commands: the batch is being committed. */
  seal(): void {
    this.#sealed = true;
  }

  /** Queues every recorded command on a transaction, in order. */
  replay(target: ChainableCommander): void {
    const methods = target as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>;
    for (const [name, args] of this.commands) methods[name]?.apply(target, [...args]);
  }
}

const noTransaction = new Proxy({} as ChainableCommander, {
  get: (_target, prop) =>
    typeof prop === 'string' && prop !== 'then'
      ? () => {
          throw new EventBusConfigError('ctx.tx exists in durable mode only: a transient bus has no checkpoint to commit writes with.');
        }
      : undefined,
});

/** The context every transient handler gets. */
export const TRANSIENT_CONTEXT: HandlerContext = { streamId: undefined, redelivered: false, tx: noTransaction };
