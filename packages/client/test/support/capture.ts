import { Writable } from 'node:stream';
import { pino } from 'pino';

/** A pino logger at trace level writing to memory, and the text it wrote so far. */
export function captureLogs(): { logger: ReturnType<typeof pino>; text: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { logger: pino({ level: 'trace' }, sink), text: () => text };
}

/** The error a promise rejects with; throws if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}
