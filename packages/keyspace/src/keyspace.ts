import type { CodecValue } from './codec.js';
import { DEFAULTS } from './defaults.js';
import { KeyspaceOptionsError, NamespaceConflictError, ReservedPrefixError } from './errors.js';
import { decodeKey, type KeyMode } from './key-layout.js';
import { MapNamespace, type MapNamespaceDefinition } from './map-namespace.js';
import { type AnyNamespace, checkDefinition, type NamespacePlacement } from './namespace.js';
import type { AnySegment } from './segment.js';
import { SetNamespace, type SetNamespaceDefinition } from './set-namespace.js';
import { STALWART_NAMESPACES, STALWART_RETIRED_PREFIXES } from './stalwart-table.js';
import { ValueNamespace, type ValueNamespaceDefinition } from './value-namespace.js';

/** A keyspace of readable text keys: `<app>:<prefix>:<segments>`. */
export interface TextKeyspaceOptions {
  /** @default 'text' */
  readonly mode?: 'text';
  /**
   * The application prefix every key starts with: a letter or digit, then up to 63 letters,
   * digits, `.`, `_` or `-`. Services that share keys (locks, limits) must use the same one.
   * @default 'coordis'
   */
  readonly app?: string;
}

/** A keyspace of binary keys in Stalwart's layout: the prefix byte, then the raw segments. */
export interface BinaryKeyspaceOptions {
  readonly mode: 'binary';
}

/** What `createKeyspace` takes. */
export type KeyspaceOptions = TextKeyspaceOptions | BinaryKeyspaceOptions;

type StalwartTable = typeof STALWART_NAMESPACES;

/** Stalwart's built-in namespaces, typed, as every keyspace registers them. */
export type StalwartNamespaces<M extends KeyMode> = {
  readonly [K in keyof StalwartTable]: ValueNamespace<K, StalwartTable[K]['segments'], CodecValue<StalwartTable[K]['value']>, M>;
};

/** A key traced back to its namespace by {@link Keyspace.identify}. */
export interface IdentifiedKey {
  readonly namespace: AnyNamespace;
  /** The segment values the key was built from, by segment name. */
  readonly values: Readonly<Record<string, unknown>>;
}

const APP = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TEXT_PREFIX = /^(0|[1-9][0-9]{0,2})(?::|$)/;

/**
 * A registry of namespaces sharing one key encoding. Names and prefixes are unique in it;
 * Stalwart's table is registered from the start. Create one with {@link createKeyspace}.
 */
export class Keyspace<M extends KeyMode> {
  /** Binary (Stalwart's layout) or text keys, for every namespace of the keyspace. */
  readonly mode: M;
  /** The application prefix of text keys; `undefined` in binary mode. */
  readonly app: string | undefined;
  /** Stalwart's namespaces (KV_ACME … KV_SIEVE_ID), with Stalwart's key shapes and value codecs. */
  readonly stalwart: StalwartNamespaces<M>;
  readonly #byName = new Map<string, AnyNamespace>();
  readonly #byPrefix = new Map<number, AnyNamespace>();

  constructor(mode: M, app: string | undefined) {
    this.mode = mode;
    this.app = app;
    const builtins: Record<string, AnyNamespace> = {};
    const table: Readonly<Record<string, Omit<ValueNamespaceDefinition<string, readonly AnySegment[], unknown>, 'name'>>> =
      STALWART_NAMESPACES;
    for (const [name, def] of Object.entries(table)) {
      // Checked like any definition: Stalwart's table must pass the binary-mode rule too.
      builtins[name] = this.define({ name, ...def });
    }
    this.stalwart = Object.freeze(builtins) as unknown as StalwartNamespaces<M>;
  }

  #placement(kind: 'value' | 'set' | 'map'): NamespacePlacement<M> {
    return { kind, mode: this.mode, app: this.app ?? '' };
  }

  #register<T extends AnyNamespace>(ns: T): T {
    const byName = this.#byName.get(ns.name);
    if (byName) {
      // Defining the same namespace again (a package set up twice on one keyspace) is not a
      // second namespace: it gets a view of the first, with the codec it asked for.
      if (byName.sameLayoutAs(ns)) return ns;
      throw new NamespaceConflictError(byName, ns, 'name');
    }
    const byPrefix = this.#byPrefix.get(ns.prefix);
    if (byPrefix) throw new NamespaceConflictError(byPrefix, ns, 'prefix');
    if (this.mode === 'binary' && STALWART_RETIRED_PREFIXES.includes(ns.prefix)) throw new ReservedPrefixError(ns.name, ns.prefix);
    this.#byName.set(ns.name, ns);
    this.#byPrefix.set(ns.prefix, ns);
    return ns;
  }

  /**
   * Registers a namespace of plain values (get, set, take, increment). A taken name or prefix
   * throws NamespaceConflictError naming both namespaces; an identical definition returns the
   * namespace again.
   */
  define<const N extends string, const S extends readonly AnySegment[], V>(
    def: ValueNamespaceDefinition<N, S, V>,
  ): ValueNamespace<N, S, V, M> {
    checkDefinition(this.mode, def);
    return this.#register(new ValueNamespace(def, this.#placement('value')));
  }

  /** Registers a namespace of membership lookups: each key is a Redis set (see {@link Keyspace.define}). */
  defineSet<const N extends string, const S extends readonly AnySegment[], V>(
    def: SetNamespaceDefinition<N, S, V>,
  ): SetNamespace<N, S, V, M> {
    checkDefinition(this.mode, def);
    return this.#register(new SetNamespace(def, this.#placement('set')));
  }

  /** Registers a namespace of key-value lookups: each key is a Redis hash (see {@link Keyspace.define}). */
  defineMap<const N extends string, const S extends readonly AnySegment[], V>(
    def: MapNamespaceDefinition<N, S, V>,
  ): MapNamespace<N, S, V, M> {
    checkDefinition(this.mode, def);
    return this.#register(new MapNamespace(def, this.#placement('map')));
  }

  /** The namespace registered under `name`. */
  get(name: string): AnyNamespace | undefined {
    return this.#byName.get(name);
  }

  /** The namespace holding `prefix`. */
  byPrefix(prefix: number): AnyNamespace | undefined {
    return this.#byPrefix.get(prefix);
  }

  /** Every registered namespace, by prefix. */
  list(): AnyNamespace[] {
    return [...this.#byPrefix.values()].sort((a, b) => a.prefix - b.prefix);
  }

  /** The namespace a key belongs to and the values it was built from; `undefined` for foreign keys. */
  identify(key: string | Uint8Array): IdentifiedKey | undefined {
    let prefix: number | undefined;
    if (this.mode === 'binary') {
      prefix = typeof key === 'string' ? Buffer.from(key, 'utf8')[0] : key[0];
    } else {
      const text = typeof key === 'string' ? key : Buffer.from(key).toString('utf8');
      const head = `${this.app}:`;
      const m = text.startsWith(head) ? TEXT_PREFIX.exec(text.slice(head.length)) : null;
      prefix = m ? Number(m[1]) : undefined;
    }
    const namespace = prefix === undefined ? undefined : this.#byPrefix.get(prefix);
    if (!namespace) return undefined;
    const decoded = decodeKey(namespace.layout, key);
    if (!decoded.ok) return undefined;
    const values = Object.freeze(Object.fromEntries(namespace.segments.map((s, i) => [s.name, decoded.values[i]])));
    return { namespace, values };
  }
}

/**
 * Creates a keyspace. Text mode (the default) writes `<app>:<prefix>:<segments>`; binary mode
 * writes Stalwart's layout, so a coordis service can share a Redis with Stalwart.
 */
export function createKeyspace(options: BinaryKeyspaceOptions): Keyspace<'binary'>;
export function createKeyspace(options?: TextKeyspaceOptions): Keyspace<'text'>;
export function createKeyspace(options: KeyspaceOptions = {}): Keyspace<KeyMode> {
  const mode = options.mode ?? DEFAULTS.mode;
  if (mode === 'binary') {
    if ('app' in options && options.app !== undefined) {
      throw new KeyspaceOptionsError('binary keys carry no application prefix', 'drop app, or use mode: text');
    }
    return new Keyspace('binary', undefined);
  }
  if (mode !== 'text')
    throw new KeyspaceOptionsError("mode is 'text' or 'binary'", 'pick one (text unless you share a Redis with Stalwart)');
  const app = 'app' in options && options.app !== undefined ? options.app : DEFAULTS.app;
  if (typeof app !== 'string' || !APP.test(app)) {
    throw new KeyspaceOptionsError(
      'app must be a letter or digit followed by at most 63 letters, digits, ".", "_" or "-"',
      'choose a short name such as "webhooks" (no ":", "{", "}" or glob characters: they carry meaning in keys and SCAN patterns)',
    );
  }
  return new Keyspace('text', app);
}
