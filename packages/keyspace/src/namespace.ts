import { KeyDecodeError, NamespaceDefinitionError, SegmentValueError } from './errors.js';
import { decodeKey, encodeKey, type KeyLayout, type KeyMode, type KeyOf } from './key-layout.js';
import type { AnySegment, KeyInput, KeyValues, Refuse } from './segment.js';

/** What a namespace's keys hold: plain values, sets (membership lookups) or hashes (key-value lookups). */
export type NamespaceKind = 'value' | 'set' | 'map';

/** What every namespace definition holds, whatever its kind. */
export interface NamespaceOptions<N extends string, S extends readonly AnySegment[]> {
  /** Unique in the keyspace; named in errors. Letters, digits and `_` (`KV_OAUTH`, `WEBHOOK_DEDUP`). */
  readonly name: N;
  /** 0–255, unique in the keyspace: the first byte of binary keys, the second part of text keys. */
  readonly prefix: number;
  /** The typed parts of a key, in order (`[seg.ip('ip'), seg.u64('window')]`); may be empty. */
  readonly segments: S;
  /**
   * Leading segments that form the key's Cluster hash tag (text mode only). Namespaces whose
   * keys take the same values for their tag segments keep those keys in one slot, so one
   * script or MULTI can touch them all.
   * @default [] (no tag: keys spread over the cluster)
   */
  readonly hashTag?: readonly S[number]['name'][];
  /** What the namespace is for, shown by tools that list namespaces. @default '' */
  readonly description?: string;
}

/** Where a namespace lives: filled in by its keyspace. */
export interface NamespacePlacement<M extends KeyMode> {
  readonly kind: NamespaceKind;
  readonly mode: M;
  readonly app: string;
}

const NAMESPACE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function refuseDefinition(name: string, problem: string, fix: string): never {
  throw new NamespaceDefinitionError(name, problem, fix);
}

/**
 * Checks what a definition alone can get wrong: the name, the prefix, segment names, the hash
 * tag, and (binary mode) that raw concatenation stays reversible.
 */
export function checkDefinition(mode: KeyMode, def: NamespaceOptions<string, readonly AnySegment[]>): void {
  const name = typeof def.name === 'string' ? def.name : String(def.name);
  if (!NAMESPACE_NAME.test(name)) {
    refuseDefinition(
      JSON.stringify(name).slice(0, 80),
      'a namespace name starts with a letter and holds at most 64 letters, digits and _',
      'rename it',
    );
  }
  if (!Number.isInteger(def.prefix) || def.prefix < 0 || def.prefix > 255) {
    refuseDefinition(name, 'the prefix must be a whole number from 0 to 255 (one byte in binary keys)', 'pick a free prefix in that range');
  }
  if (!Array.isArray(def.segments)) refuseDefinition(name, 'segments must be an array', 'pass segments: [seg.string(…), …] (or [])');
  const names = def.segments.map((s) => s.name);
  if (new Set(names).size !== names.length) refuseDefinition(name, 'two segments share a name', 'give every segment its own name');
  const variable = def.segments.filter((s) => s.width === undefined);
  if (mode === 'binary' && variable.length > 1) {
    // Concatenation without separators is reversible when at most one part has a varying
    // length: the key's length then fixes it. Stalwart's layout is built that way.
    refuseDefinition(
      name,
      `segments ${variable.map((s) => s.name).join(' and ')} both vary in length, so in binary mode (no separators) two different values could make one key`,
      'keep one variable-length segment (string, bytes, material or ip) and make the others fixed (u8, u32, u64, enum, fixedBytes), or use a text keyspace',
    );
  }
  const tag = def.hashTag ?? [];
  if (tag.length > 0) {
    if (mode === 'binary') {
      refuseDefinition(
        name,
        "binary keys reproduce Stalwart's layout, which has no hash tags",
        'define namespaces whose keys must share a Cluster slot in a text keyspace',
      );
    }
    if (!tag.every((t, i) => names[i] === t)) {
      refuseDefinition(
        name,
        `hashTag [${tag.join(', ')}] is not a leading run of the segments [${names.join(', ')}]`,
        'list the first segments in order (reorder the segments if the tag should cover others)',
      );
    }
  }
  if (def.description !== undefined && typeof def.description !== 'string')
    refuseDefinition(name, 'description must be a string', 'pass text');
}

/**
 * A namespace: a name, a prefix and the shape of its keys. It builds and parses keys; its
 * kinds (values, sets, maps) add the operations. Create namespaces with a keyspace's `define`.
 */
export class Namespace<N extends string, S extends readonly AnySegment[], M extends KeyMode> {
  /** Unique in its keyspace. */
  readonly name: N;
  /** 0–255, unique in its keyspace. */
  readonly prefix: number;
  /** The typed parts of a key, in order. */
  readonly segments: S;
  /** The leading segments inside the key's hash tag; empty when keys have none. */
  readonly hashTag: readonly S[number]['name'][];
  readonly description: string;
  /** Values, sets or maps. */
  readonly kind: NamespaceKind;
  /** Binary (Stalwart's layout) or text keys. */
  readonly mode: M;
  /** Everything that decides the keys; equal layouts make equal keys. */
  readonly layout: KeyLayout;

  constructor(def: NamespaceOptions<N, S>, placement: NamespacePlacement<M>) {
    this.name = def.name;
    this.prefix = def.prefix;
    this.segments = Object.freeze([...def.segments]) as unknown as S;
    this.hashTag = Object.freeze([...(def.hashTag ?? [])]);
    this.description = def.description ?? '';
    this.kind = placement.kind;
    this.mode = placement.mode;
    this.layout = Object.freeze({
      mode: placement.mode,
      app: placement.app,
      prefix: def.prefix,
      segments: this.segments,
      tagged: this.hashTag.length,
    });
  }

  /** The key for these segment values: a string in text mode, a Buffer in binary mode. */
  key(values: KeyInput<S>): KeyOf<M> {
    if (typeof values !== 'object' || values === null) {
      throw new SegmentValueError(
        this.name,
        '(all)',
        'expected an object of segment values',
        'pass { segmentName: value, … } ({} when there are no segments)',
      );
    }
    const input: Readonly<Record<string, unknown>> = values;
    const canonical = this.segments.map((s) => {
      const refuse: Refuse = (problem, fix) => {
        throw new SegmentValueError(this.name, s.name, problem, fix);
      };
      if (!(s.name in input)) refuse('the value is missing', `pass ${s.name}`);
      return s.canonical(input[s.name], refuse);
    });
    return encodeKey(this.layout, canonical) as KeyOf<M>;
  }

  /** The segment values a key of this namespace was built from; throws KeyDecodeError for other keys. */
  parseKey(key: string | Uint8Array): KeyValues<S> {
    const decoded = decodeKey(this.layout, key);
    if (!decoded.ok) throw new KeyDecodeError(this.name, decoded.problem);
    return Object.freeze(Object.fromEntries(this.segments.map((s, i) => [s.name, decoded.values[i]]))) as KeyValues<S>;
  }

  /** True when `key` is one this namespace builds (the prefix, and segments that decode). */
  owns(key: string | Uint8Array): boolean {
    return decodeKey(this.layout, key).ok;
  }

  /** True when both namespaces build the same keys under the same name and kind. */
  sameLayoutAs(other: Namespace<string, readonly AnySegment[], KeyMode>): boolean {
    const a = this.layout;
    const b = other.layout;
    return (
      this.name === other.name &&
      this.kind === other.kind &&
      a.mode === b.mode &&
      a.app === b.app &&
      a.prefix === b.prefix &&
      a.tagged === b.tagged &&
      a.segments.length === b.segments.length &&
      a.segments.every((s, i) => {
        const t = b.segments[i];
        const sv = s.values ?? [];
        const tv = t?.values ?? [];
        return (
          t !== undefined &&
          s.name === t.name &&
          s.kind === t.kind &&
          s.width === t.width &&
          sv.length === tv.length &&
          sv.every((v, j) => v === tv[j])
        );
      })
    );
  }
}

/** Any namespace, whatever its name, segments and mode. */
export type AnyNamespace = Namespace<string, readonly AnySegment[], KeyMode>;
