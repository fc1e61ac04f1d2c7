import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One critical section a fixture process recorded: lock name, fencing token, enter and exit (hrtime ns). */
export interface Section {
  readonly k: string;
  readonly t: number;
  readonly a: bigint;
  readonly b: bigint;
}

/** The sections fixture processes 0 … processes−1 wrote to `dir`/p<i>.jsonl. */
export function readSections(dir: string, processes: number): Section[] {
  const sections: Section[] = [];
  for (let p = 0; p < processes; p++) {
    for (const line of readFileSync(join(dir, `p${p}.jsonl`), 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line) as { k: string; t: number; a: string; b: string };
      sections.push({ k: r.k, t: r.t, a: BigInt(r.a), b: BigInt(r.b) });
    }
  }
  return sections;
}

/** Pairs of sections of one lock that overlap in time, and tokens that did not grow, in enter order. */
export function checkLock(sections: readonly Section[]): { overlaps: number; tokenRegressions: number } {
  const sorted = [...sections].sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : 0));
  let overlaps = 0;
  let tokenRegressions = 0;
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as Section;
    const cur = sorted[i] as Section;
    if (cur.a <= prev.b) overlaps++;
    if (cur.t <= prev.t) tokenRegressions++;
  }
  return { overlaps, tokenRegressions };
}

/** The most sections of a semaphore inside at once (exits before enters at equal instants). */
export function mostInside(sections: readonly Section[]): number {
  const events = sections.flatMap((s) => [
    { at: s.a, d: 1 },
    { at: s.b, d: -1 },
  ]);
  events.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : x.d - y.d));
  let inside = 0;
  let most = 0;
  for (const e of events) {
    inside += e.d;
    most = Math.max(most, inside);
  }
  return most;
}
