import { CoordisError, hasCode, isCoordisError } from '@coordis/client';

// Messages name namespaces, segments and codecs, never a key's or a value's content: OAuth
// codes, tokens and addresses are secrets, and these messages end up in logs.

/** Options passed to `createKeyspace` that cannot describe a keyspace. */
export class KeyspaceOptionsError extends CoordisError {
  constructor(problem: string, fix: string) {
    super('COORDIS_KEYSPACE_OPTIONS', `keyspace options: ${problem}; ${fix}.`);
  }
}

/** A namespace definition that cannot be registered (bad prefix, name, segments or hash tag). */
export class NamespaceDefinitionError extends CoordisError {
  /** The namespace whose definition was refused. */
  readonly namespace: string;

  constructor(namespace: string, problem: string, fix: string) {
    super('COORDIS_KEYSPACE_DEFINITION', `namespace ${namespace}: ${problem}; ${fix}.`);
    this.namespace = namespace;
  }
}

/** A segment built with arguments no key can use (a bad name, enum values, a width). */
export class SegmentDefinitionError extends CoordisError {
  readonly segment: string;

  constructor(segment: string, problem: string, fix: string) {
    super('COORDIS_KEYSPACE_SEGMENT_DEFINITION', `segment ${segment}: ${problem}; ${fix}.`);
    this.segment = segment;
  }
}

/** A second namespace asked for a name or a prefix another namespace of the keyspace holds. */
export class NamespaceConflictError extends CoordisError {
  /** The namespace already registered. */
  readonly existing: string;
  /** The namespace whose definition was refused. */
  readonly attempted: string;
  /** What the two share. */
  readonly conflict: 'name' | 'prefix';
  readonly prefix: number;

  constructor(existing: { name: string; prefix: number }, attempted: { name: string; prefix: number }, conflict: 'name' | 'prefix') {
    const what =
      conflict === 'prefix'
        ? `prefix ${attempted.prefix} is taken by namespace ${existing.name}`
        : `the name is taken by namespace ${existing.name} (prefix ${existing.prefix}) with a different layout`;
    super(
      'COORDIS_KEYSPACE_CONFLICT',
      `namespace ${attempted.name} (prefix ${attempted.prefix}) cannot be defined: ${what}. Pick a free ${conflict} for ${attempted.name}, or reuse ${existing.name} if they are meant to be the same namespace (an identical definition returns it).`,
    );
    this.existing = existing.name;
    this.attempted = attempted.name;
    this.conflict = conflict;
    this.prefix = conflict === 'prefix' ? attempted.prefix : existing.prefix;
  }
}

/** A binary-mode namespace asked for a prefix byte Stalwart's maintenance deletes. */
export class ReservedPrefixError extends CoordisError {
  readonly namespace: string;
  readonly prefix: number;

  constructor(namespace: string, prefix: number) {
    super(
      'COORDIS_KEYSPACE_RESERVED_PREFIX',
      `namespace ${namespace}: prefix ${prefix} is one Stalwart retired, and Stalwart's store maintenance still scans and deletes every key that starts with that byte, so your keys would vanish when it runs. Choose a prefix Stalwart has never used (28–255) for application namespaces in binary mode.`,
    );
    this.namespace = namespace;
    this.prefix = prefix;
  }
}

/** A key segment value that its segment kind does not accept. */
export class SegmentValueError extends CoordisError {
  readonly namespace: string;
  readonly segment: string;

  constructor(namespace: string, segment: string, problem: string, fix: string) {
    super('COORDIS_KEYSPACE_SEGMENT', `namespace ${namespace}, segment ${segment}: ${problem}; ${fix}.`);
    this.namespace = namespace;
    this.segment = segment;
  }
}

/** A key that is not one this namespace (or keyspace) encodes. */
export class KeyDecodeError extends CoordisError {
  readonly namespace: string;

  constructor(namespace: string, problem: string) {
    super(
      'COORDIS_KEYSPACE_KEY_DECODE',
      `namespace ${namespace}: this key is not one the namespace encodes (${problem}); pass keys built by namespace.key(), or use keyspace.identify() to find a key's namespace.`,
    );
    this.namespace = namespace;
  }
}

/** A value its codec cannot encode, or stored bytes its codec cannot decode. */
export class CodecError extends CoordisError {
  readonly codec: string;
  readonly direction: 'encode' | 'decode';
  /** The namespace the value belongs to, when the codec ran inside a namespace operation. */
  readonly namespace: string | undefined;
  /** What is wrong, without the fix (and never the value). */
  readonly problem: string;

  constructor(codec: string, direction: 'encode' | 'decode', problem: string, options: { namespace?: string; cause?: unknown } = {}) {
    const where = options.namespace === undefined ? '' : `namespace ${options.namespace}: `;
    const fix =
      direction === 'encode'
        ? `pass a value codec ${codec} accepts, or give the namespace a codec for this type`
        : `the stored value was not written with codec ${codec}; check that every writer of this namespace uses the same codec`;
    super('COORDIS_KEYSPACE_CODEC', `${where}codec ${codec} cannot ${direction} the value: ${problem}; ${fix}.`, options);
    this.codec = codec;
    this.direction = direction;
    this.namespace = options.namespace;
    this.problem = problem;
  }
}

/** An argument of a namespace operation out of its range (a TTL, an increment, a batch size). */
export class KeyspaceArgumentError extends CoordisError {
  constructor(namespace: string, argument: string, problem: string, fix: string) {
    super('COORDIS_KEYSPACE_ARGUMENT', `namespace ${namespace}, ${argument}: ${problem}; ${fix}.`);
  }
}

/** A namespace clear that stopped part way; `deleted` keys are gone, the rest are still there. */
export class NamespaceClearError extends CoordisError {
  readonly namespace: string;
  readonly deleted: number;

  constructor(namespace: string, deleted: number, cause: unknown) {
    super(
      'COORDIS_KEYSPACE_CLEAR',
      `namespace ${namespace}: clearing stopped after deleting ${deleted} keys because a command failed (see cause); clear() is safe to run again and resumes with the keys that are left.`,
      { cause },
    );
    this.namespace = namespace;
    this.deleted = deleted;
  }
}

/** True for any error thrown by @coordis/keyspace, also one from another copy of the package. */
export function isKeyspaceError(e: unknown): e is CoordisError {
  return isCoordisError(e) && e.code.startsWith('COORDIS_KEYSPACE_');
}

/** True when `e` is a {@link KeyspaceOptionsError}. */
export function isKeyspaceOptionsError(e: unknown): e is KeyspaceOptionsError {
  return hasCode(e, 'COORDIS_KEYSPACE_OPTIONS');
}

/** True when `e` is a {@link NamespaceDefinitionError}. */
export function isNamespaceDefinitionError(e: unknown): e is NamespaceDefinitionError {
  return hasCode(e, 'COORDIS_KEYSPACE_DEFINITION');
}

/** True when `e` is a {@link SegmentDefinitionError}. */
export function isSegmentDefinitionError(e: unknown): e is SegmentDefinitionError {
  return hasCode(e, 'COORDIS_KEYSPACE_SEGMENT_DEFINITION');
}

/** True when `e` is a {@link NamespaceConflictError}. */
export function isNamespaceConflictError(e: unknown): e is NamespaceConflictError {
  return hasCode(e, 'COORDIS_KEYSPACE_CONFLICT');
}

/** True when `e` is a {@link ReservedPrefixError}. */
export function isReservedPrefixError(e: unknown): e is ReservedPrefixError {
  return hasCode(e, 'COORDIS_KEYSPACE_RESERVED_PREFIX');
}

/** True when `e` is a {@link SegmentValueError}. */
export function isSegmentValueError(e: unknown): e is SegmentValueError {
  return hasCode(e, 'COORDIS_KEYSPACE_SEGMENT');
}

/** True when `e` is a {@link KeyDecodeError}. */
export function isKeyDecodeError(e: unknown): e is KeyDecodeError {
  return hasCode(e, 'COORDIS_KEYSPACE_KEY_DECODE');
}

/** True when `e` is a {@link CodecError}. */
export function isCodecError(e: unknown): e is CodecError {
  return hasCode(e, 'COORDIS_KEYSPACE_CODEC');
}

/** True when `e` is a {@link KeyspaceArgumentError}. */
export function isKeyspaceArgumentError(e: unknown): e is KeyspaceArgumentError {
  return hasCode(e, 'COORDIS_KEYSPACE_ARGUMENT');
}

/** True when `e` is a {@link NamespaceClearError}. */
export function isNamespaceClearError(e: unknown): e is NamespaceClearError {
  return hasCode(e, 'COORDIS_KEYSPACE_CLEAR');
}
