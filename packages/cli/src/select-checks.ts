import type { Check } from './check.js';
import { DoctorOptionsError } from './errors.js';

function matches(id: string, selector: string): boolean {
  return id === selector || id.startsWith(`${selector}.`);
}

/**
 * The checks a list of selectors picks: an id (`memory.usage`) or a group (`memory`) includes;
 * a leading `-` excludes (`-host`, `-latency.ping`). Only exclusions: everything else runs. A
 * selector that matches no check is an error, so a typo does not silently check nothing.
 */
export function selectChecks(all: readonly Check[], selectors: readonly string[] | undefined): Check[] {
  if (!selectors || selectors.length === 0) return [...all];
  const include = selectors.filter((s) => !s.startsWith('-'));
  const exclude = selectors.filter((s) => s.startsWith('-')).map((s) => s.slice(1));
  for (const s of [...include, ...exclude]) {
    if (!all.some((c) => matches(c.id, s))) {
      const groups = [...new Set(all.map((c) => c.id.split('.')[0]))].join(', ');
      throw new DoctorOptionsError('checks', `"${s}" names no check; use an id from the catalogue or a group (${groups}).`);
    }
  }
  return all.filter((c) => (include.length === 0 || include.some((s) => matches(c.id, s))) && !exclude.some((s) => matches(c.id, s)));
}
