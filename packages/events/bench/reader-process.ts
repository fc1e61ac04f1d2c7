// One receiving node of the multi-process benchmarks, in a process of its own as it would be in
// a deployment: either a durable coordis bus node or a raw XREAD BLOCK loop over the same
// stream entries. It tells its parent when it is reading, then records, for every event, the
// time from publish to handler on the clock every process on the machine shares
// (timeOrigin + now), and sends the latencies when it has seen `expected` events.
import { connect } from '@coordis/client';
import { Redis } from 'ioredis';
import { createEventBus } from '../src/index.js';
import { benchEvents, type ReaderReport, sharedNow } from './measure.js';

const [kind, url, name, nodeId, expectedText] = process.argv.slice(2) as ['bus' | 'raw', string, string, string, string];
const expected = Number(expectedText);
const latencies = new Float64Array(expected);
let seen = 0;
let lastAt = 0;
const send = (message: unknown) => (process.send as (m: unknown) => boolean)(message);

function record(seq: number, sentAt: number): void {
  // Warm-up events (negative seq) let the JIT settle before anything is measured.
  if (seq < 0) return;
  lastAt = sharedNow();
  latencies[seen++] = lastAt - sentAt;
  if (seen === expected) {
    const report: ReaderReport = { latencies: Array.from(latencies), lastAt };
    send(report);
  }
}

if (kind === 'bus') {
  const client = await connect(url);
  const bus = createEventBus({ client, nodeId, namespace: name, events: benchEvents, mode: 'durable', statsIntervalMs: 0 });
  bus.on('mailbox.changed', (e) => record(e.payload.seq, e.payload.t));
  await bus.start();
} else {
  const reader = new Redis(url);
  // The stream's tail when this reader starts, as a bus node without a checkpoint starts.
  const last = (await reader.xrevrange(name, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
  void (async () => {
    let position = last;
    while (seen < expected) {
      const reply = (await reader.xreadBuffer('COUNT', 500, 'BLOCK', 1000, 'STREAMS', name, position)) as
        | [Buffer, [Buffer, Buffer[]][]][]
        | null;
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          const { payload } = JSON.parse((fields[1] as Buffer).toString()) as { payload: { seq: number; t: number } };
          record(payload.seq, payload.t);
          position = id.toString();
        }
      }
    }
  })();
}
send('ready');
process.on('disconnect', () => process.exit(0));
