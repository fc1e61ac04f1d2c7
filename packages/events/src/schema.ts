import type { StandardSchemaV1 } from '@standard-schema/spec';

export type { StandardSchemaV1 };

/** What a bus is told about its events: each type name mapped to its payload schema. */
export type EventMap = Record<string, StandardSchemaV1>;

/** The payload a publisher passes for event type K. */
export type PayloadIn<E extends EventMap, K extends keyof E> = StandardSchemaV1.InferInput<E[K]>;
/** The payload a handler receives for event type K (after the schema's transforms). */
export type PayloadOut<E extends EventMap, K extends keyof E> = StandardSchemaV1.InferOutput<E[K]>;

/** The result of validating a value: the (possibly transformed) value, or the issues. */
export type Validation = { ok: true; value: unknown } | { ok: false; issues: string[] };

function describeIssue(issue: StandardSchemaV1.Issue): string {
  const path = issue.path?.map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

function toValidation(result: StandardSchemaV1.Result<unknown>): Validation {
  if (result.issues) return { ok: false, issues: result.issues.map(describeIssue) };
  return { ok: true, value: result.value };
}

/**
 * Runs any Standard Schema validator (zod, valibot, arktype, …). Synchronous validators give a
 * synchronous answer, so the receive path allocates no promise for them.
 */
export function validateNow(schema: StandardSchemaV1, value: unknown): Validation | Promise<Validation> {
  const result = schema['~standard'].validate(value);
  return result instanceof Promise ? result.then(toValidation) : toValidation(result);
}

/** Runs any Standard Schema validator, sync or async. */
export async function validate(schema: StandardSchemaV1, value: unknown): Promise<Validation> {
  return validateNow(schema, value);
}

/**
 * A schema that checks nothing and only carries a type: `events: { 'cache.flushed': type<{ at: number }>() }`.
 * For buses whose publishers and subscribers are the same code; prefer a real validator across teams.
 */
export function type<T>(): StandardSchemaV1<T, T> {
  return { '~standard': { version: 1, vendor: 'coordis', validate: (value) => ({ value: value as T }) } };
}

/** A schema from a type guard, for projects without a validator library. */
export function guard<T>(name: string, check: (value: unknown) => value is T): StandardSchemaV1<T, T> {
  return {
    '~standard': {
      version: 1,
      vendor: 'coordis',
      validate: (value) => (check(value) ? { value } : { issues: [{ message: `not a valid ${name}` }] }),
    },
  };
}
