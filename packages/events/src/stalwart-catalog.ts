import { guard } from './schema.js';

// A ready, opt-in catalogue of the coordination events a Stalwart mail cluster broadcasts
// (crates/common/src/ipc.rs, crates/services/src/broadcast/), as coordis events between Node
// services: the same facts, in coordis' envelope. Reading and writing Stalwart's own wire
// format on its `stwt.agora` channel is the @coordis/stalwart package's job.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAccountId = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff_ffff;
const isU64Text = (v: unknown): v is string => typeof v === 'string' && /^\d{1,20}$/.test(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Data in an account changed (JMAP state change): IMAP IDLE and EventSource clients must be told. */
export interface StateChanged {
  readonly accountId: number;
  /** The new change id, a u64 as decimal text (JSON numbers cannot hold it). */
  readonly changeId: string;
  /** The data types that changed: `Email`, `Mailbox`, `Thread`, `EmailDelivery`, … */
  readonly types: readonly string[];
}

/** A push notification must be sent for new mail (Stalwart's EmailPush). */
export interface PushTrigger {
  readonly accountId: number;
  readonly emailId: number;
  readonly changeId: string;
}

/** An IP address was blocked (Stalwart's auto-ban / fail2ban), until `untilMs` or for good. */
export interface IpBlocked {
  readonly ip: string;
  readonly untilMs?: number;
  readonly reason?: string;
}

/** An ACME certificate is available for these domains. */
export interface CertificateReady {
  readonly domains: readonly string[];
  readonly notAfterMs: number;
}

/**
 * Stalwart's coordination events, ready to spread into a bus's `events`:
 * `createEventBus({ events: { ...stalwartEvents, ...yours }, … })`.
 */
export const stalwartEvents = {
  'stalwart.state.changed': guard<StateChanged>(
    'StateChanged',
    (v): v is StateChanged => isObject(v) && isAccountId(v.accountId) && isU64Text(v.changeId) && isStrings(v.types),
  ),
  'stalwart.push.trigger': guard<PushTrigger>(
    'PushTrigger',
    (v): v is PushTrigger => isObject(v) && isAccountId(v.accountId) && isAccountId(v.emailId) && isU64Text(v.changeId),
  ),
  'stalwart.ip.blocked': guard<IpBlocked>(
    'IpBlocked',
    (v): v is IpBlocked =>
      isObject(v) &&
      typeof v.ip === 'string' &&
      v.ip.length > 0 &&
      (v.untilMs === undefined || typeof v.untilMs === 'number') &&
      (v.reason === undefined || typeof v.reason === 'string'),
  ),
  'stalwart.certificate.ready': guard<CertificateReady>(
    'CertificateReady',
    (v): v is CertificateReady => isObject(v) && isStrings(v.domains) && v.domains.length > 0 && typeof v.notAfterMs === 'number',
  ),
};
