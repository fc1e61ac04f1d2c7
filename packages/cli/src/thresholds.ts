import { DEFAULT_THRESHOLDS } from './defaults.js';
import { DoctorOptionsError } from './errors.js';

type Widen<T> = { -readonly [K in keyof T]: T[K] extends number ? number : T[K] };

/** Every threshold with its value: `{ 'memory.usage': { warnPct, failPct }, … }`. */
export type ResolvedThresholds = { readonly [Id in keyof typeof DEFAULT_THRESHOLDS]: Readonly<Widen<(typeof DEFAULT_THRESHOLDS)[Id]>> };

/** Overrides of some thresholds of some checks; the rest keep their defaults. */
export type Thresholds = { readonly [Id in keyof ResolvedThresholds]?: Partial<ResolvedThresholds[Id]> };

/** Ids of the checks that have thresholds. */
export type ThresholdCheckId = keyof ResolvedThresholds;

function isThresholdId(id: string): id is ThresholdCheckId {
  return Object.hasOwn(DEFAULT_THRESHOLDS, id);
}

/** Applies overrides over the defaults, refusing unknown checks, unknown keys and non-numbers. */
export function resolveThresholds(overrides: Thresholds = {}): ResolvedThresholds {
  const out: Record<string, Record<string, number>> = {};
  for (const [id, defaults] of Object.entries(DEFAULT_THRESHOLDS)) out[id] = { ...defaults };
  for (const [id, values] of Object.entries(overrides)) {
    if (!isThresholdId(id)) {
      throw new DoctorOptionsError(
        'thresholds',
        `no check "${id}" has thresholds; the ones that do are ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}.`,
      );
    }
    const target = out[id] as Record<string, number>;
    for (const [key, value] of Object.entries(values ?? {})) {
      if (!Object.hasOwn(target, key)) {
        throw new DoctorOptionsError('thresholds', `${id} has no threshold "${key}"; it has ${Object.keys(target).join(', ')}.`);
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new DoctorOptionsError('thresholds', `${id}.${key} must be a number >= 0, got ${String(value)}.`);
      }
      target[key] = value;
    }
  }
  return out as unknown as ResolvedThresholds;
}

/** Parses `memory.usage.warnPct=70` (the CLI's `--threshold`) into an override. */
export function parseThresholdArg(text: string): Thresholds {
  const m = /^([a-z0-9-]+\.[a-z0-9-]+)\.([A-Za-z0-9]+)=(.+)$/.exec(text);
  if (!m) throw new DoctorOptionsError('threshold', `--threshold ${text} is not <check-id>.<key>=<number>, as in memory.usage.warnPct=70.`);
  const value = Number(m[3]);
  if (!Number.isFinite(value)) throw new DoctorOptionsError('threshold', `--threshold ${text}: ${m[3]} is not a number.`);
  return { [m[1] as string]: { [m[2] as string]: value } } as Thresholds;
}

/** Merges several overrides; later ones win. */
export function mergeThresholds(list: readonly Thresholds[]): Thresholds {
  const out: Record<string, Record<string, number>> = {};
  for (const t of list) {
    for (const [id, values] of Object.entries(t)) out[id] = { ...(out[id] ?? {}), ...(values as Record<string, number>) };
  }
  return out as Thresholds;
}
