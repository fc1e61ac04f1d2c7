import type { ChainableCommander } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { DedupeWindow } from '../src/dedupe-window.js';
import { CommandRecorder, commandFilter, TRANSIENT_CONTEXT } from '../src/handler-context.js';

const isCommand = commandFilter(['set', 'hincrby', 'rpush', 'eval', 'multi', 'exec', 'select']);

describe('CommandRecorder', () => {
  it('records chained commands in order and replays them unchanged', () => {
    const recorder = new CommandRecorder(isCommand);
    recorder.view.set('a', '1').hincrby('h', 'f', 2);
    recorder.view.rpush('l', Buffer.from('x'));
    const replayed: [string, unknown[]][] = [];
    const target = new Proxy({} as ChainableCommander, {
      get:
        (_t, name) =>
        (...args: unknown[]) =>
          replayed.push([String(name), args]),
    });
    recorder.replay(target);
    expect(replayed).toEqual([
      ['set', ['a', '1']],
      ['hincrby', ['h', 'f', 2]],
      ['rpush', ['l', Buffer.from('x')]],
    ]);
  });

  it('is not a thenable, so a handler that awaits or returns it does not hang', async () => {
    const recorder = new CommandRecorder(isCommand);
    expect((recorder.view as unknown as { then?: unknown }).then).toBeUndefined();
    await expect(Promise.resolve(recorder.view)).resolves.toBe(recorder.view);
    expect(recorder.commands).toEqual([]);
  });

  it('offers no transaction control and nothing that changes the connection', () => {
    const view = new CommandRecorder(isCommand).view as unknown as Record<string, unknown>;
    expect(view.exec).toBeUndefined();
    expect(view.multi).toBeUndefined();
    expect(view.select).toBeUndefined();
  });

  it('refuses commands once its batch is committed', () => {
    const recorder = new CommandRecorder(isCommand);
    recorder.seal();
    expect(() => recorder.view.set('a', '1')).toThrow(/after the event's batch was committed/);
  });

  it('is absent in transient mode, with a message that says so', () => {
    expect(() => TRANSIENT_CONTEXT.tx.set('a', '1')).toThrow(/durable mode only/);
  });
});

describe('DedupeWindow positions', () => {
  it('remembers where in the stream each id was handled', () => {
    const w = new DedupeWindow(3);
    w.admit('a', 10);
    w.admit('b');
    expect(w.readOf('a')).toBe(10);
    expect(w.readOf('b')).toBeUndefined();
    expect(w.has('b')).toBe(true);
    expect(w.has('c')).toBe(false);
    expect(w.size).toBe(2);
  });
});
