-- Fixed window, included by check.lua: src/fixed-window.ts line for line.
-- State: the count of the window the key names (the key carries the window number); nil when absent.
-- Returns the same nine values as gcra_decide; keep: the key exists (its TTL is the window's end).
local function fixed_decide(limit, period, cap, n, now, cost)
  n = n or 0
  local finish = (floor(now / period) + 1) * period
  local allowed = n + cost <= limit
  local remaining_after, retry, nxt = 0, 0, nil
  if allowed then
    remaining_after = limit - n - cost
    if cost > 0 then nxt = n + cost end
  else
    retry = finish - now
  end
  local reset_now, reset_after = 0, 0
  if n > 0 then reset_now = finish - now end
  if n + cost > 0 then reset_after = finish - now end
  return allowed, max(0, limit - n), remaining_after, reset_now, reset_after, retry, nxt, finish, n > 0
end

local function fixed_decode(v)
  if not v or not string.match(v, '^%d+$') then return nil end
  return tonumber(v)
end

local function fixed_encode(n)
  return string.format('%d', n)
end
