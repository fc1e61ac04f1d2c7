import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DedupeWindow } from '../src/dedupe-window.js';
import { asEnvelope, envelope } from '../src/envelope.js';
import { assertEventType, matchPattern } from '../src/event-pattern.js';
import { HandlerQueue } from '../src/handler-queue.js';
import { guard, type, validate } from '../src/schema.js';

describe('matchPattern', () => {
  it.each([
    ['mailbox.changed', 'mailbox.changed', true],
    ['mailbox.*', 'mailbox.changed', true],
    ['mailbox.*', 'mailbox.flags.changed', false],
    ['mailbox.**', 'mailbox.flags.changed', true],
    ['mailbox.**', 'mailbox', true],
    ['*', 'mailbox', true],
    ['*', 'mailbox.changed', false],
    ['**', 'a.b.c', true],
    ['*.changed', 'mailbox.changed', true],
    ['mailbox.changed', 'mailbox.change', false],
  ])('%s against %s → %s', (pattern, type, expected) => {
    expect(matchPattern(pattern, type)).toBe(expected);
  });

  it('refuses event type names that would be ambiguous', () => {
    expect(() => assertEventType('Mailbox.Changed')).toThrow(/lower-case/);
    expect(() => assertEventType('mailbox..changed')).toThrow();
    expect(() => assertEventType('mailbox.*')).toThrow();
  });
});

describe('envelopes', () => {
  it('get sortable, unique ids', () => {
    const ids = Array.from({ length: 1000 }, () => envelope('a.b', 'n1', {}).id);
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
  });

  it('are checked for version and shape', () => {
    expect(asEnvelope({ ...envelope('a', 'n', 1) }).ok).toBe(true);
    expect(asEnvelope({ ...envelope('a', 'n', 1), v: 2 })).toMatchObject({ ok: false, reason: 'version' });
    expect(asEnvelope({ v: 1, id: 'x' })).toMatchObject({ ok: false, reason: 'shape' });
    expect(asEnvelope('text')).toMatchObject({ ok: false, reason: 'shape' });
  });
});

describe('schemas', () => {
  it('run any Standard Schema validator, with its transforms and issues', async () => {
    const schema = z.object({ account: z.number().int(), mailbox: z.string().trim() });
    expect(await validate(schema, { account: 1, mailbox: ' inbox ' })).toEqual({ ok: true, value: { account: 1, mailbox: 'inbox' } });
    const bad = await validate(schema, { account: 'x' });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.issues.join()).toMatch(/account/);
  });

  it('offer type-only and guard-based schemas', async () => {
    expect(await validate(type<{ a: number }>(), { a: 1 })).toEqual({ ok: true, value: { a: 1 } });
    const isIp = guard('IP', (v): v is string => typeof v === 'string' && v.includes('.'));
    expect((await validate(isIp, 42)).ok).toBe(false);
  });
});

describe('DedupeWindow', () => {
  it('admits an id once and forgets the oldest past its size', () => {
    const w = new DedupeWindow(2);
    expect(w.admit('a')).toBe(true);
    expect(w.admit('a')).toBe(false);
    w.admit('b');
    w.admit('c');
    expect(w.admit('a')).toBe(true);
  });
});

describe('HandlerQueue', () => {
  it('runs at most `concurrency` jobs and drops the oldest past its limit, reporting them', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const dropped: number[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const q = new HandlerQueue<number>(
      async (n) => {
        running++;
        peak = Math.max(peak, running);
        await gate;
        done.push(n);
        running--;
      },
      2,
      3,
      'drop-oldest',
      (d) => dropped.push(...d),
    );
    for (let i = 0; i < 8; i++) q.push(i);
    expect(q.depth).toBe(3);
    release();
    await q.drain();
    expect(peak).toBe(2);
    expect(dropped).toEqual([2, 3, 4]);
    expect(done.sort()).toEqual([0, 1, 5, 6, 7]);
  });
});
