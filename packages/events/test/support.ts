import { z } from 'zod';

/** The events the tests exchange: a small mail-service catalogue, validated by zod. */
export const mailEvents = {
  'mailbox.changed': z.object({ account: z.number().int(), mailbox: z.string(), seq: z.number().int() }),
  'mailbox.flags': z.object({ account: z.number().int(), flags: z.array(z.string()) }),
  'ip.blocked': z.object({ ip: z.string(), untilMs: z.number() }),
};

export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
