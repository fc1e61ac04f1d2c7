import { NamespaceDefinitionError } from './errors.js';

/** Refuses a definition whose codec is not `{ name, encode, decode }`. */
export function checkCodec(namespace: string, option: string, codec: unknown): void {
  const c = codec as { name?: unknown; encode?: unknown; decode?: unknown } | null | undefined;
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.name !== 'string' ||
    typeof c.encode !== 'function' ||
    typeof c.decode !== 'function'
  ) {
    throw new NamespaceDefinitionError(
      namespace,
      `${option} is not a codec`,
      `pass one of codecs.string, codecs.number, codecs.json(), codecs.bytes, or { name, encode, decode }`,
    );
  }
}
