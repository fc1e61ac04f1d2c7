import { describe, expect, it } from 'vitest';
import { jsonCodec } from '../src/codec.js';
import { type Envelope, envelope } from '../src/envelope.js';

describe('jsonCodec', () => {
  const cases: Envelope[] = [
    envelope('mailbox.changed', 'imap-3', { account: 42, mailbox: 'INBOX', text: 'x'.repeat(120) }),
    envelope('ip.blocked', 'node "quoted" \\ ünïcode ✓', { ip: '2001:db8::1', nested: { list: [1, null, 'a\nb'] } }),
    { ...envelope('cache.flushed', 'n', null), id: 'caller-id-with-"quote"' },
    envelope('x.y', 'n', 'a string payload'),
    envelope('x.y', 'n', [1, 2, 3]),
  ];

  it('writes exactly what JSON.stringify of the envelope writes', () => {
    for (const e of cases) expect(jsonCodec.encode(e)).toBe(JSON.stringify(e));
  });

  it('reads back the envelope it wrote', () => {
    for (const e of cases) expect(jsonCodec.decode(Buffer.from(jsonCodec.encode(e) as string))).toEqual(e);
  });

  it('leaves an envelope without a payload to JSON.stringify, as before', () => {
    const e = envelope('x.y', 'n', undefined);
    expect(jsonCodec.encode(e)).toBe(JSON.stringify(e));
  });
});
