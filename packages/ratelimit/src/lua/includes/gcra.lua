-- GCRA, included by check.lua: src/gcra.ts line for line (read its comments for the why).
-- State: { tat_ms, frac }, the TAT being tat_ms + frac / limit ms; nil when the key is absent.
-- Returns allowed, remaining_now, remaining_after, reset_now_ms, reset_after_ms,
-- retry_after_ms, next_state (nil when nothing changes), expire_at_ms, and keep: true when
-- the stored key already expires at expire_at_ms, so writing it needs no new TTL (SET PXAT
-- costs twice a SET KEEPTTL). The expiry is the TAT rounded up to the next whole second, so a
-- busy key gets a new TTL at most once per second of TAT; the key's TTL is always the
-- rounded-up TAT of what it holds, whatever the limiter's rate (which may be retuned).
local function gcra_decide(limit, period, cap, s, now, cost)
  local debt = 0
  if s then debt = max(0, (s[1] - now) * limit + s[2]) end
  local full = cap * period
  local after = debt + cost * period
  local allowed = after <= full
  local remaining_after, retry, nxt = 0, 0, nil
  local whole = floor(after / limit)
  if allowed then
    remaining_after = floor((full - after) / period)
    if cost > 0 then nxt = { now + whole, after - whole * limit } end
  else
    retry = ceil((after - full) / limit)
  end
  local expire_at = (floor((now + whole) / 1000) + 1) * 1000
  local keep = s ~= nil and floor(s[1] / 1000) == floor((now + whole) / 1000)
  return allowed, floor((full - debt) / period), remaining_after, ceil(debt / limit),
    ceil(after / limit), retry, nxt, expire_at, keep
end

local function gcra_decode(v)
  if not v then return nil end
  local a, b = string.match(v, '^(%d+):(%d+)$')
  if not a then return nil end
  return { tonumber(a), tonumber(b) }
end

local function gcra_encode(s)
  return string.format('%d:%d', s[1], s[2])
end
