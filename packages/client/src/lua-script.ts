import { readFileSync } from 'node:fs';
import type { Cluster, Redis, RedisKey, RedisValue } from 'ioredis';
import { CoordisError } from './errors.js';

/** A client a script can run on: a standalone/Sentinel client or a Cluster. */
export type ScriptClient = Redis | Cluster;

/** What a `.lua` file's header declares: its KEYS and ARGV, in order. */
export interface LuaHeader {
  readonly keys: readonly string[];
  readonly args: readonly string[];
}

/**
 * Reads the header every coordis script opens with:
 *
 *   -- KEYS[1] lock      the lock's key
 *   -- ARGV[1] owner     the holder's id
 *
 * Tests compare it with the names the TypeScript side passes, so the two cannot drift.
 */
export function parseLuaHeader(source: string): LuaHeader {
  const keys: string[] = [];
  const args: string[] = [];
  for (const line of source.split('\n')) {
    const m = /^--\s*(KEYS|ARGV)\[(\d+)\]\s+(\S+)/.exec(line);
    if (!m) continue;
    const list = m[1] === 'KEYS' ? keys : args;
    list[Number(m[2]) - 1] = m[3] as string;
  }
  return { keys, args };
}

/**
 * Reads `lua/<name>.lua` next to the calling module (`import.meta.url`), in `src/` when run
 * from source and in `dist/` once built (the build copies `src/lua` there).
 */
export function readLua(moduleUrl: string, name: string): string {
  return readFileSync(new URL(`./lua/${name}.lua`, moduleUrl), 'utf8');
}

const defined = new WeakMap<object, Set<string>>();

/**
 * One Lua script, with named keys and arguments checked by TypeScript. It is registered once
 * per client through ioredis `defineCommand`, which sends EVALSHA and falls back to EVAL on
 * NOSCRIPT (after a restart or a failover to a replica that never saw the script).
 */
export class LuaScript<K extends string, A extends string> {
  readonly #command: string;

  constructor(
    /** A unique name; ioredis registers the script as a command of this name. */
    readonly name: string,
    readonly source: string,
    readonly keys: readonly K[],
    readonly args: readonly A[],
  ) {
    const header = parseLuaHeader(source);
    if (header.keys.join(',') !== keys.join(',') || header.args.join(',') !== args.join(',')) {
      throw new CoordisError(
        'COORDIS_SCRIPT_HEADER',
        `script ${name}: its header declares KEYS (${header.keys.join(', ')}) and ARGV (${header.args.join(', ')}) but the code passes KEYS (${keys.join(', ')}) and ARGV (${args.join(', ')}); make them match.`,
      );
    }
    this.#command = `coordis_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  }

  /** Registers the script on `client` (once); pipelines created afterwards can run it too. */
  ensure(client: ScriptClient): void {
    let names = defined.get(client);
    if (!names) {
      names = new Set();
      defined.set(client, names);
    }
    if (names.has(this.#command)) return;
    client.defineCommand(this.#command, { numberOfKeys: this.keys.length, lua: this.source });
    names.add(this.#command);
  }

  #argv(keys: Readonly<Record<K, RedisKey>>, args: Readonly<Record<A, RedisValue>>): (RedisKey | RedisValue)[] {
    return [...this.keys.map((k) => keys[k]), ...this.args.map((a) => args[a])];
  }

  /** Runs the script; the reply is whatever the script returns. */
  run(client: ScriptClient, keys: Readonly<Record<K, RedisKey>>, args: Readonly<Record<A, RedisValue>>): Promise<unknown> {
    this.ensure(client);
    const fn = (client as unknown as Record<string, (...a: (RedisKey | RedisValue)[]) => Promise<unknown>>)[this.#command];
    if (!fn) throw new CoordisError('COORDIS_SCRIPT_MISSING', `script ${this.name} is not registered on this client.`);
    return fn.apply(client, this.#argv(keys, args));
  }

  /** Queues the script on a pipeline or transaction made from a client `ensure()` was called on. */
  queue<P extends object>(pipeline: P, keys: Readonly<Record<K, RedisKey>>, args: Readonly<Record<A, RedisValue>>): P {
    const fn = (pipeline as unknown as Record<string, (...a: (RedisKey | RedisValue)[]) => P>)[this.#command];
    if (!fn) throw new CoordisError('COORDIS_SCRIPT_MISSING', `script ${this.name}: call ensure(client) before creating the pipeline.`);
    return fn.apply(pipeline, this.#argv(keys, args));
  }
}
