import { codecs, type Keyspace, seg } from '@coordis/keyspace';

/**
 * The keyspace prefixes this package defines (text keyspaces only). Define no other namespace
 * on these prefixes in a keyspace the limiters use.
 */
export const RATELIMIT_PREFIXES = {
  RATELIMIT_GCRA: 160,
  RATELIMIT_FIXED_WINDOW: 161,
  RATELIMIT_SLIDING_WINDOW: 162,
  RATELIMIT_F2B_FAILURES: 163,
  RATELIMIT_F2B_BLOCK: 164,
  RATELIMIT_F2B_INDEX: 165,
} as const;

const family = seg.string('family');
const limiter = seg.string('limiter');
const id = seg.string('id');
const shard = seg.u32('shard');

/**
 * Registers (or finds again) this package's namespaces on a text keyspace. Limiter keys are
 * tagged by their family — `{family}` — so every limiter keyed by one family (one IP, one
 * tenant) keeps its keys in one Cluster slot and a multi-limiter check over them is one script.
 * Fail2ban keys are tagged by limiter and shard, so a failure, the block it triggers and the
 * index of blocked identities change together.
 */
export function rateLimitNamespaces(ks: Keyspace<'text'>) {
  return {
    gcra: ks.define({
      name: 'RATELIMIT_GCRA',
      prefix: RATELIMIT_PREFIXES.RATELIMIT_GCRA,
      segments: [family, limiter, id],
      hashTag: ['family'],
      value: codecs.string,
      description: 'GCRA limiters: the TAT as "<ms>:<1/limit ms>"',
    }),
    fixedWindow: ks.define({
      name: 'RATELIMIT_FIXED_WINDOW',
      prefix: RATELIMIT_PREFIXES.RATELIMIT_FIXED_WINDOW,
      segments: [family, limiter, id, seg.u64('window')],
      hashTag: ['family'],
      value: codecs.number,
      description: 'Fixed-window limiters: the count of window floor(now / period)',
    }),
    slidingWindow: ks.define({
      name: 'RATELIMIT_SLIDING_WINDOW',
      prefix: RATELIMIT_PREFIXES.RATELIMIT_SLIDING_WINDOW,
      segments: [family, limiter, id],
      hashTag: ['family'],
      value: codecs.string,
      description: 'Sliding-window limiters: "<window>:<current>:<previous>"',
    }),
    failures: ks.define({
      name: 'RATELIMIT_F2B_FAILURES',
      prefix: RATELIMIT_PREFIXES.RATELIMIT_F2B_FAILURES,
      segments: [limiter, shard, id],
      hashTag: ['limiter', 'shard'],
      value: codecs.string,
      description: 'Fail2ban: a list of recent failure times (ms), newest first',
    }),
    block: ks.define({
      name: 'RATELIMIT_F2B_BLOCK',
      prefix: RATELIMIT_PREFIXES.RATELIMIT_F2B_BLOCK,
      segments: [limiter, shard, id],
      hashTag: ['limiter', 'shard'],
      value: codecs.number,
      description: 'Fail2ban: a block, holding its end (ms) and expiring then',
    }),
    index: ks.define({
      name: 'RATELIMIT_F2B_INDEX',
      prefix: RATELIMIT_PREFIXES.RATELIMIT_F2B_INDEX,
      segments: [limiter, shard],
      hashTag: ['limiter', 'shard'],
      value: codecs.string,
      description: 'Fail2ban: a sorted set of blocked identities by block end (ms), per shard',
    }),
  };
}

/** The namespaces `rateLimitNamespaces` registers. */
export type RateLimitNamespaces = ReturnType<typeof rateLimitNamespaces>;
