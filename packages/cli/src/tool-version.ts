import { readFileSync } from 'node:fs';

/** This package's name and version, read once from its package.json (one level above src/ and dist/). */
export const TOOL: { readonly name: string; readonly version: string } = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name?: string; version?: string };
    return { name: pkg.name ?? '@coordis/cli', version: pkg.version ?? '0.0.0' };
  } catch {
    return { name: '@coordis/cli', version: '0.0.0' };
  }
})();
