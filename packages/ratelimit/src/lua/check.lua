-- check.lua: checks groups of rate-limit requests against the server clock, in one atomic
-- run. A group is all-or-nothing: its requests are taken only if every one of them fits, and
-- a request that does not fit takes nothing. Groups are independent of each other; a single
-- check is a group of one, and concurrent checks from one process share a run.
--
-- The loader writes one variant per count n of distinct keys (1, 2, 4, … 64), replacing the
-- @keys line below with the lines KEYS[1] bucket1 … KEYS[n] bucketn; unused trailing keys
-- repeat KEYS[1] (same Cluster slot) and are never read.
-- @keys
-- ARGV[1] requests   space-separated integers: for each group `mode count`, then `count`
--                    requests of seven fields `key kind limit period capacity cost window`:
--                    mode 1 takes the group when it fits, 0 only looks (peek);
--                    key is the index into KEYS; kind 1 GCRA, 2 fixed window, 3 sliding
--                    window; limit (units), period (ms), capacity (units: GCRA's burst),
--                    cost (units); window: the window number the key was built for (fixed
--                    window only, else 0).
--
-- Returns { now_ms, then per request: status, remaining, reset_ms, retry_after_ms }.
-- status 1: the request fits; 0: it does not; -1: the server's window is not the one the key
-- was built for (the caller's clock estimate was off at a boundary): its group was neither
-- evaluated nor taken, and the caller rebuilds the keys and sends it again.
-- remaining and reset_ms describe the state after the group was taken, or now when it was not
-- (a peek answers what a check would have).

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- @include gcra
-- @include fixed-window
-- @include sliding-window

local decide = { gcra_decide, fixed_decide, sliding_decide }
local decode = { gcra_decode, fixed_decode, sliding_decode }
local encode = { gcra_encode, fixed_encode, sliding_encode }

local req = {}
for tok in string.gmatch(ARGV[1], '%S+') do req[#req + 1] = tonumber(tok) end

-- State per key index as read (false: absent), then as taken groups leave it.
local state, kind_of, expire_at, dirty = {}, {}, {}, {}
local function current(ki, kind)
  local s = state[ki]
  if s == nil then
    s = decode[kind](redis.call('GET', KEYS[ki])) or false
    state[ki] = s
  end
  if s == false then return nil end
  return s
end

local out = { now }
local pos = 1
while pos <= #req do
  local mode, n = req[pos], req[pos + 1]
  pos = pos + 2
  -- Tentative states of this group: a key checked twice in one group sees its first take.
  local tentative, texp, tkind = {}, {}, {}
  local fits, wrong = true, false
  local res = {}
  for j = 1, n do
    local ki, kind, limit, period, cap, cost, win =
      req[pos], req[pos + 1], req[pos + 2], req[pos + 3], req[pos + 4], req[pos + 5], req[pos + 6]
    pos = pos + 7
    if kind == 2 and math.floor(now / period) ~= win then wrong = true end
    if not wrong then
      local s = tentative[ki]
      if s == nil then s = current(ki, kind) end
      local ok, rem_now, rem_after, reset_now, reset_after, retry, nxt, exp =
        decide[kind](limit, period, cap, s, now, cost)
      res[j] = { ok, rem_now, rem_after, reset_now, reset_after, retry }
      if not ok then
        fits = false
      elseif nxt ~= nil then
        tentative[ki], texp[ki], tkind[ki] = nxt, exp, kind
      end
    end
  end
  if wrong then
    for _ = 1, n do
      out[#out + 1] = -1; out[#out + 1] = 0; out[#out + 1] = 0; out[#out + 1] = 0
    end
  else
    if fits and mode == 1 then
      for ki, s in pairs(tentative) do
        state[ki], expire_at[ki], kind_of[ki], dirty[ki] = s, texp[ki], tkind[ki], true
      end
    end
    for j = 1, n do
      local r = res[j]
      out[#out + 1] = r[1] and 1 or 0
      if fits then
        out[#out + 1] = r[3]; out[#out + 1] = r[5]
      else
        out[#out + 1] = r[2]; out[#out + 1] = r[4]
      end
      out[#out + 1] = r[6]
    end
  end
end

for ki in pairs(dirty) do
  redis.call('SET', KEYS[ki], encode[kind_of[ki]](state[ki]), 'PXAT', string.format('%.0f', expire_at[ki]))
end
return out
