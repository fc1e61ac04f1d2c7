// What the envelope and validation cost: the transient bus with a zod schema checked on both
// sides against raw ioredis pub/sub carrying the same 200-byte payload as plain JSON, with the
// same write batching (coalesceWrites), 64 in flight, one subscriber; and the CPU per event of
// the envelope work alone, timed in a loop.
import { coalesceWrites, connect } from '@coordis/client';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { asEnvelope, envelope } from '../src/envelope.js';
import { createEventBus, jsonCodec } from '../src/index.js';
import { validateNow } from '../src/schema.js';
import { type Measure, publishAll, signal, summarise } from './measure.js';

const IN_FLIGHT = 64;
const payload = { account: 42, mailbox: 'INBOX', text: 'x'.repeat(120) };
const schema = z.object({ account: z.number().int(), mailbox: z.string(), text: z.string(), seq: z.number().int() });
const events = { 'mailbox.changed': schema };
let counter = 0;

/** Raw pub/sub, plain JSON, batched writes. */
export async function rawBatched(url: string, total: number): Promise<Measure> {
  const pub = new Redis(url);
  const sub = new Redis(url);
  const channel = `bench-raw-batched-${++counter}`;
  const sentAt = new Float64Array(total);
  const latencies: number[] = [];
  const done = signal();
  sub.on('messageBuffer', (_c: Buffer, m: Buffer) => {
    latencies.push(performance.now() - (sentAt[(JSON.parse(m.toString()) as { seq: number }).seq] as number));
    if (latencies.length === total) done.resolve();
  });
  await sub.subscribe(channel);
  const start = performance.now();
  await publishAll(total, IN_FLIGHT, (seq) => {
    sentAt[seq] = performance.now();
    coalesceWrites(pub);
    return pub.publish(channel, JSON.stringify({ ...payload, seq }));
  });
  await done.promise;
  const m = summarise(start, performance.now(), latencies);
  pub.disconnect();
  sub.disconnect();
  return m;
}

/**
 * The transient bus with the zod schema, validated on publish and on receipt; with its frames
 * (the default) or one PUBLISH per event.
 */
export async function busValidated(url: string, total: number, batchPublishes = true): Promise<Measure> {
  const namespace = `bench-validated-${++counter}`;
  const [a, b] = await Promise.all([connect(url), connect(url)]);
  const publisher = createEventBus({ client: a, nodeId: 'publisher', namespace, events, batchPublishes });
  const node = createEventBus({ client: b, nodeId: 'node', namespace, events, statsIntervalMs: 0 });
  const sentAt = new Float64Array(total);
  const latencies: number[] = [];
  const done = signal();
  node.on('mailbox.changed', (e) => {
    latencies.push(performance.now() - (sentAt[e.payload.seq] as number));
    if (latencies.length === total) done.resolve();
  });
  await node.start();
  const start = performance.now();
  await publishAll(total, IN_FLIGHT, (seq) => {
    sentAt[seq] = performance.now();
    return publisher.publish('mailbox.changed', { ...payload, seq });
  });
  await done.promise;
  const m = summarise(start, performance.now(), latencies);
  await publisher.close();
  await node.close();
  a.disconnect();
  b.disconnect();
  return m;
}

/** µs of CPU per event: envelope + validation on both sides, minus plain JSON encode + decode. */
export function envelopeCpuMicros(iterations = 200_000): { bus: number; raw: number } {
  const time = (f: (i: number) => void) => {
    for (let i = 0; i < 20_000; i++) f(i);
    const start = performance.now();
    for (let i = 0; i < iterations; i++) f(i);
    return ((performance.now() - start) * 1000) / iterations;
  };
  const bus = time((seq) => {
    const checked = validateNow(schema, { ...payload, seq });
    if (checked instanceof Promise || !checked.ok) throw new Error('validation failed');
    const raw = Buffer.from(jsonCodec.encode(envelope('mailbox.changed', 'publisher', checked.value)));
    const received = asEnvelope(jsonCodec.decode(raw));
    if (!received.ok) throw new Error('envelope rejected');
    const again = validateNow(schema, received.envelope.payload);
    if (again instanceof Promise || !again.ok) throw new Error('validation failed');
  });
  const raw = time((seq) => {
    const bytes = Buffer.from(JSON.stringify({ ...payload, seq }));
    JSON.parse(bytes.toString('utf8'));
  });
  return { bus, raw };
}
