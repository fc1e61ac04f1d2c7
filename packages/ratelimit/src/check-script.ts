import { LuaScript, readLua } from '@coordis/client';

/** Names of check.lua's arguments. */
export type CheckArg = 'requests';

/** The key counts check.lua is registered for; a run pads its keys up to the next one. */
export const CHECK_KEY_COUNTS: readonly number[] = [1, 2, 4, 8, 16, 32, 64];

/** Reads a script and splices in the shared pieces its `-- @include <name>` lines name. */
export function loadLua(name: string): string {
  return readLua(import.meta.url, name).replace(/^-- @include (\S+)\n/gm, (_, include: string) =>
    readLua(import.meta.url, `includes/${include}`),
  );
}

const template = loadLua('check');
const variants = new Map<number, LuaScript<string, CheckArg>>();

const keyNames = new Map<number, readonly string[]>();

/** The key names of the variant for `count` keys: bucket1 … bucketN. */
export function checkKeyNames(count: number): readonly string[] {
  let names = keyNames.get(count);
  if (!names) {
    names = Object.freeze(Array.from({ length: count }, (_, i) => `bucket${i + 1}`));
    keyNames.set(count, names);
  }
  return names;
}

/** check.lua with its KEYS header written for `count` keys (a power of two up to 64). */
export function checkSource(count: number): string {
  const lines = checkKeyNames(count)
    .map((name, i) => `-- KEYS[${i + 1}] ${name}  the ${i + 1}. distinct bucket key of the run\n`)
    .join('');
  return template.replace(/^-- @keys\n/m, lines);
}

/** The registered script for `count` keys (a power of two up to 64), created once. */
export function checkScript(count: number): LuaScript<string, CheckArg> {
  let script = variants.get(count);
  if (!script) {
    script = new LuaScript(`ratelimit_check_${count}`, checkSource(count), checkKeyNames(count), ['requests']);
    variants.set(count, script);
  }
  return script;
}

/** The smallest registered key count that holds `n` keys. */
export function paddedKeyCount(n: number): number {
  for (const c of CHECK_KEY_COUNTS) if (c >= n) return c;
  return CHECK_KEY_COUNTS[CHECK_KEY_COUNTS.length - 1] ?? 64;
}
