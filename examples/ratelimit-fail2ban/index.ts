// Logins limited per account and per IP in one all-or-nothing check, and an address that
// keeps failing blocked by fail2ban — all on the Redis server's clock.
// Run: REDIS_URL=redis://127.0.0.1:6379 pnpm start
import { connect } from '@coordis/client';
import { createRateLimits } from '@coordis/ratelimit';

const redis = await connect(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const limits = createRateLimits(redis, { onUnavailable: 'closed' });
const run = process.pid;
const perAccount = limits.gcra({ name: `login-account-${run}`, limit: 5, periodMs: 60_000 });
const perIp = limits.fixedWindow({ name: `login-ip-${run}`, limit: 20, periodMs: 60_000 });
const bans = limits.fail2ban({ name: `login-${run}`, maxFailures: 3, findWindowMs: 600_000, banMs: 3_600_000 });

async function login(ip: string, account: string, passwordOk: boolean): Promise<string> {
  if ((await bans.check(ip)).blocked) return 'blocked by fail2ban';
  // Nothing is consumed unless both limits admit the attempt.
  const verdict = await limits.checkAll([perIp.request(ip), perAccount.request(account)]);
  if (!verdict.allowed) return `rate limited, retry in ${Math.ceil(verdict.retryAfterMs / 1000)} s`;
  if (passwordOk) return 'welcome';
  const failure = await bans.fail(ip);
  return failure.justBlocked ? 'wrong password — address now blocked' : `wrong password (${failure.failures} failures)`;
}

for (let i = 1; i <= 7; i++) console.log(`alice attempt ${i}: ${await login('198.51.100.7', 'alice', true)}`);
for (let i = 1; i <= 5; i++) console.log(`attacker attempt ${i}: ${await login('203.0.113.66', `user${i}`, false)}`);
console.log(`blocked now: ${(await bans.blocked()).map((b) => b.id).join(', ')}`);
await bans.unblock('203.0.113.66');
console.log(`after unblock: ${await login('203.0.113.66', 'bob', true)}`);
await redis.quit();
