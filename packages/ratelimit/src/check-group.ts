import type { CheckMode, RawResult } from './check-entry.js';
import { RateLimitUnavailableError } from './errors.js';
import type { LimitRequest } from './limit-request.js';
import type { LimitResult, LimitSource, MultiLimitResult } from './limit-result.js';

function toResult(req: LimitRequest, raw: RawResult, source: LimitSource, atMs: number): LimitResult {
  return {
    allowed: raw.allowed,
    remaining: raw.remaining,
    limit: req.core.rate.capacity,
    resetMs: raw.resetMs,
    retryAfterMs: raw.retryAfterMs,
    source,
    atMs,
  };
}

function combine(results: LimitResult[]): MultiLimitResult {
  let allowed = true;
  let retryAfterMs = 0;
  for (const r of results) {
    if (!r.allowed) {
      allowed = false;
      retryAfterMs = Math.max(retryAfterMs, r.retryAfterMs);
    }
  }
  return { allowed, retryAfterMs, results };
}

const SKIPPED: RawResult = { allowed: true, remaining: 0, resetMs: 0, retryAfterMs: 0 };

/**
 * Checks (or peeks at) a group of requests all-or-nothing: from the block cache when one of
 * them is known to be blocked, else in one script run, else — Redis unavailable — by each
 * limiter's policy. All requests come from limiters of one `RateLimits`.
 */
export async function checkGroup(requests: readonly LimitRequest[], mode: CheckMode): Promise<MultiLimitResult> {
  const first = requests[0];
  if (first === undefined) return { allowed: true, retryAfterMs: 0, results: [] };
  const ctx = first.core.ctx;

  const now = performance.now();
  let blocked = false;
  const cached = requests.map((r) => {
    const hit = r.core.cacheBlocks && r.cost > 0 ? ctx.blocks.get(r.identity, r.cost, now) : undefined;
    if (hit) blocked = true;
    return hit;
  });
  if (blocked) {
    const atMs = ctx.clock.nowMs();
    return combine(
      requests.map((r, i) => {
        const hit = cached[i];
        if (!hit) return toResult(r, SKIPPED, 'skipped', atMs);
        const raw = {
          allowed: false,
          remaining: hit.remaining,
          resetMs: Math.max(0, Math.ceil(hit.resetAtMs - now)),
          retryAfterMs: Math.ceil(hit.untilMs - now),
        };
        return toResult(r, raw, 'cache', atMs);
      }),
    );
  }

  let deadlineMs = first.core.deadlineMs;
  for (const r of requests) deadlineMs = Math.min(deadlineMs, r.core.deadlineMs);
  const outcome = await ctx.batcher(deadlineMs).submit(mode, () => {
    const serverNow = ctx.clock.nowMs();
    return requests.map((r) => r.entry(serverNow));
  });

  if (outcome.kind === 'answered') {
    const results = requests.map((r, i) => {
      const raw = outcome.results[i] as RawResult;
      if (!raw.allowed && r.core.cacheBlocks && r.cost > 0 && raw.retryAfterMs > 0) {
        ctx.blocks.set(r.identity, {
          untilMs: outcome.sentAt + raw.retryAfterMs,
          resetAtMs: outcome.sentAt + raw.resetMs,
          minCost: r.cost,
          remaining: raw.remaining,
        });
      }
      return toResult(r, raw, 'redis', outcome.nowMs);
    });
    return combine(results);
  }

  // Redis gave no answer in time; the command was not (and will not be) sent later.
  const thrower = requests.find((r) => r.core.policy === 'throw');
  if (thrower) throw new RateLimitUnavailableError(thrower.limiter, deadlineMs, { cause: outcome.cause });
  const atMs = ctx.clock.nowMs();
  const closed = requests.some((r) => r.core.policy === 'closed');
  const local = requests.filter((r) => r.core.policy === 'local');
  const localResults = ctx.local.check(
    local.map((r) => r.entry(atMs)),
    atMs,
    mode === 'check' && !closed,
  );
  let l = 0;
  return combine(
    requests.map((r) => {
      switch (r.core.policy) {
        case 'open':
          return toResult(r, { allowed: true, remaining: 0, resetMs: 0, retryAfterMs: 0 }, 'fallback', atMs);
        case 'closed':
          return toResult(r, { allowed: false, remaining: 0, resetMs: 0, retryAfterMs: ctx.unavailableRetryAfterMs }, 'fallback', atMs);
        default:
          return toResult(r, localResults[l++] as RawResult, 'fallback', atMs);
      }
    }),
  );
}
