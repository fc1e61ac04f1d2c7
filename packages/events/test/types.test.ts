import type { Redis } from 'ioredis';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createEventBus, type Envelope, type } from '../src/index.js';

const events = {
  'mailbox.changed': z.object({ account: z.number(), mailbox: z.string() }),
  'mailbox.flags': type<{ flags: string[] }>(),
  'ip.blocked': z.object({ ip: z.string() }),
};

describe('types flow from the events map', () => {
  const bus = createEventBus({ client: {} as Redis, nodeId: 'n', namespace: 'types', events });

  it('types publish payloads per event type', () => {
    expectTypeOf(bus.publish<'ip.blocked'>)
      .parameter(1)
      .toEqualTypeOf<{ ip: string }>();
    expectTypeOf(bus.publish<'mailbox.flags'>)
      .parameter(1)
      .toEqualTypeOf<{ flags: string[] }>();
  });

  it('types handler events per type and per pattern', () => {
    bus.on('ip.blocked', (e) => {
      expectTypeOf(e).toEqualTypeOf<Envelope<'ip.blocked', { ip: string }>>();
    });
    bus.on('mailbox.*', (e) => {
      expectTypeOf(e.type).toEqualTypeOf<'mailbox.changed' | 'mailbox.flags'>();
      if (e.type === 'mailbox.flags') expectTypeOf(e.payload).toEqualTypeOf<{ flags: string[] }>();
    });
  });
});
