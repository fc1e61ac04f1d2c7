import { describe, expect, it } from 'vitest';
import { isFrame, packFrame, unpackFrame } from '../src/frame.js';
import { PublishBatch } from '../src/publish-batch.js';

describe('frames', () => {
  it('carry strings and buffers, multi-byte text included, back out unchanged', () => {
    const parts = ['{"a":1}', 'grüße, 日本', Buffer.from([0, 1, 2, 255]), ''];
    const frame = packFrame(parts);
    expect(isFrame(frame)).toBe(true);
    const out = unpackFrame(frame);
    expect(Array.isArray(out)).toBe(true);
    expect((out as Buffer[]).map((b) => b.toString('latin1'))).toEqual(parts.map((p) => Buffer.from(p).toString('latin1')));
  });

  it('are told apart from a single JSON envelope by their first byte', () => {
    expect(isFrame(Buffer.from('{"v":1,"id":"x"}'))).toBe(false);
    expect(isFrame(Buffer.alloc(0))).toBe(false);
  });

  it('say what is wrong with a truncated, overlong or newer frame', () => {
    const frame = packFrame(['abc', 'def']);
    expect(unpackFrame(frame.subarray(0, frame.length - 1))).toMatch(/envelope 2 of 2 is cut short/);
    expect(unpackFrame(frame.subarray(0, 17))).toMatch(/1 of 2 envelopes present/);
    expect(unpackFrame(Buffer.concat([frame, Buffer.from('x')]))).toMatch(/1 bytes after its 2 envelopes/);
    const newer = Buffer.from(frame);
    newer[3] = 2;
    expect(unpackFrame(newer)).toMatch(/version 2, this bus reads 1/);
  });
});

describe('PublishBatch', () => {
  function recorder(fail?: Error) {
    const sent: (string | Buffer)[] = [];
    const batch = new PublishBatch(
      async (m) => {
        sent.push(m);
        if (fail) throw fail;
      },
      { maxEvents: 3, maxBytes: 10 },
    );
    return { sent, batch };
  }

  it('sends the events of one tick as one frame, and a lone event as itself', async () => {
    const { sent, batch } = recorder();
    await Promise.all([batch.add('a', 1), batch.add('b', 1)]);
    await batch.add('c', 1);
    expect(sent).toHaveLength(2);
    expect((unpackFrame(sent[0] as Buffer) as Buffer[]).map(String)).toEqual(['a', 'b']);
    expect(sent[1]).toBe('c');
  });

  it('starts a new frame once one holds maxEvents or would pass maxBytes', async () => {
    const { sent, batch } = recorder();
    await Promise.all(['1', '2', '3', '4', '55555', '666666'].map((p) => batch.add(p, p.length)));
    const contents = sent.map((m) => (typeof m === 'string' ? [m] : (unpackFrame(m) as Buffer[]).map(String)));
    expect(contents).toEqual([['1', '2', '3'], ['4', '55555'], ['666666']]);
  });

  it('rejects every publish of a frame whose send failed', async () => {
    const { batch } = recorder(new Error('connection lost'));
    const results = await Promise.allSettled([batch.add('a', 1), batch.add('b', 1)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
