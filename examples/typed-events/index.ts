// Two nodes of a mail service tell each other what changed, over a durable event bus.
// Run: REDIS_URL=redis://127.0.0.1:6379 pnpm start
import { connect } from '@coordis/client';
import { createEventBus, guard } from '@coordis/events';

interface MailboxChanged {
  account: number;
  mailbox: string;
}
const isMailboxChanged = (v: unknown): v is MailboxChanged =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as MailboxChanged).account === 'number' &&
  typeof (v as MailboxChanged).mailbox === 'string';
// Any Standard Schema validator works here (zod, valibot, arktype); guard() needs none.
const events = { 'mailbox.changed': guard('MailboxChanged', isMailboxChanged) };

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `example-${process.pid}`;
const [imapClient, pushClient] = [await connect(url), await connect(url)];
const imap = createEventBus({ client: imapClient, nodeId: 'imap-1', namespace, events, mode: 'durable' });
const push = createEventBus({ client: pushClient, nodeId: 'push-1', namespace, events, mode: 'durable' });

let received = 0;
push.on('mailbox.*', (e) => {
  received++;
  console.log(`push-1 got ${e.type} from ${e.origin}: account ${e.payload.account}, ${e.payload.mailbox}`);
});
push.events.on('gap', (g) => console.log(`push-1 missed events (${g.kind}): resynchronise`));
await push.start();

for (const mailbox of ['INBOX', 'Sent', 'Archive']) await imap.publish('mailbox.changed', { account: 42, mailbox });
while (received < 3) await new Promise((r) => setTimeout(r, 10));
console.log(`push-1 handled ${push.stats().handled} events, invalid ${push.stats().invalid}`);
await Promise.all([imap.close(), push.close()]);
await Promise.all([imapClient.quit(), pushClient.quit()]);
