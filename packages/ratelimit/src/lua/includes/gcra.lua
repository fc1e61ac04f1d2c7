-- GCRA, included by check.lua: src/gcra.ts line for line (read its comments for the why).
-- State: { tat_ms, frac }, the TAT being tat_ms + frac / limit ms; nil when the key is absent.
-- Returns allowed, remaining_now, remaining_after, reset_now_ms, reset_after_ms,
-- retry_after_ms, next_state (nil when nothing changes), expire_at_ms.
local function gcra_decide(limit, period, cap, s, now, cost)
  local debt = 0
  if s then debt = math.max(0, (s[1] - now) * limit + s[2]) end
  local full = cap * period
  local after = debt + cost * period
  local allowed = after <= full
  local remaining_after, retry, nxt = 0, 0, nil
  if allowed then
    remaining_after = math.floor((full - after) / period)
    if cost > 0 then
      local whole = math.floor(after / limit)
      nxt = { now + whole, after - whole * limit }
    end
  else
    retry = math.ceil((after - full) / limit)
  end
  return allowed, math.floor((full - debt) / period), remaining_after, math.ceil(debt / limit),
    math.ceil(after / limit), retry, nxt, now + math.ceil(after / limit)
end

local function gcra_decode(v)
  if not v then return nil end
  local a, b = string.match(v, '^(%d+):(%d+)$')
  if not a then return nil end
  return { tonumber(a), tonumber(b) }
end

local function gcra_encode(s)
  return string.format('%.0f:%.0f', s[1], s[2])
end
