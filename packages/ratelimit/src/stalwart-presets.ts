import type { KeyInput, KeyMode, Keyspace, StalwartNamespaces, ValueNamespace } from '@coordis/keyspace';
import type { RedisKey } from 'ioredis';
import { keyText } from './check-entry.js';
import type { KeyShape } from './limit-request.js';

/** Stalwart's rate-limit namespaces, the ones the presets cover. */
export const STALWART_RATE_LIMITS = [
  'KV_RATE_LIMIT_RCPT',
  'KV_RATE_LIMIT_SCAN',
  'KV_RATE_LIMIT_LOITER',
  'KV_RATE_LIMIT_AUTH',
  'KV_RATE_LIMIT_SMTP',
  'KV_RATE_LIMIT_CONTACT',
  'KV_RATE_LIMIT_HTTP_AUTHENTICATED',
  'KV_RATE_LIMIT_HTTP_ANONYMOUS',
  'KV_RATE_LIMIT_IMAP',
] as const;

/** The name of one of Stalwart's rate-limit namespaces. */
export type StalwartRateLimitName = (typeof STALWART_RATE_LIMITS)[number];

type SegmentsOf<X> = X extends ValueNamespace<string, infer S, unknown, KeyMode> ? S : never;

/**
 * What a preset's `check` takes: the namespace's key segments without the window, which the
 * limiter adds (`{ accountId }` for KV_RATE_LIMIT_IMAP, `{ ip }` for KV_RATE_LIMIT_SCAN,
 * `{ subject }` — an IP `{ ip }`, a login or bytes — for KV_RATE_LIMIT_AUTH).
 */
export type StalwartKey<N extends StalwartRateLimitName> = Omit<KeyInput<SegmentsOf<StalwartNamespaces<'text'>[N]>>, 'window'>;

interface KeyBuilder {
  key(values: Readonly<Record<string, unknown>>): RedisKey;
}

/**
 * Keys of a Stalwart namespace: its own layout, the window `floor(now / period)` last, as
 * Stalwart builds them (byte for byte in a binary keyspace).
 */
export function stalwartShape<N extends StalwartRateLimitName>(ks: Keyspace<KeyMode>, name: N): KeyShape<StalwartKey<N>> {
  // The namespaces differ only in their identity segments; StalwartKey<N> types them for callers.
  const ns = ks.stalwart[name] as unknown as KeyBuilder;
  return {
    key: (input, window) => ns.key({ ...(input as Readonly<Record<string, unknown>>), window }),
    identity: (input) => keyText(ns.key({ ...(input as Readonly<Record<string, unknown>>), window: 0 })),
  };
}
