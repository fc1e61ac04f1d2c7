-- Weighted two-window counter, included by check.lua: src/sliding-window.ts line for line.
-- State: { window, current, previous }; nil when absent.
-- Returns the same nine values as gcra_decide; keep: the key was written in this window (its
-- TTL is already the end of the next one).
local function sliding_decide(limit, period, cap, s, now, cost)
  local w = floor(now / period)
  local e = now - w * period
  local current, previous = 0, 0
  if s and s[1] == w then
    current, previous = s[2], s[3]
  elseif s and s[1] == w - 1 then
    previous = s[2]
  end
  local capacity = limit * period
  local score = previous * (period - e) + current * period
  local after = score + cost * period
  local allowed = after <= capacity
  local remaining_after, retry, nxt = 0, 0, nil
  if allowed then
    remaining_after = floor((capacity - after) / period)
    if cost > 0 then nxt = { w, current + cost, previous } end
  elseif current + cost <= limit then
    retry = period - floor((limit - current - cost) * period / previous) - e
  else
    retry = period - e + period - floor((limit - cost) * period / current)
  end
  local function reset(cur)
    if cur > 0 then return (w + 2) * period - now end
    if previous > 0 then return (w + 1) * period - now end
    return 0
  end
  return allowed, max(0, floor((capacity - score) / period)), remaining_after, reset(current),
    reset(current + cost), retry, nxt, (w + 2) * period, s ~= nil and s[1] == w
end

local function sliding_decode(v)
  if not v then return nil end
  local a, b, c = string.match(v, '^(%d+):(%d+):(%d+)$')
  if not a then return nil end
  return { tonumber(a), tonumber(b), tonumber(c) }
end

local function sliding_encode(s)
  return string.format('%d:%d:%d', s[1], s[2], s[3])
end
