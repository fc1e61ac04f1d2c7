-- check.lua: checks groups of rate-limit requests against the server clock, in one atomic
-- run. A group is all-or-nothing: its requests are taken only if every one of them fits, and
-- a request that does not fit takes nothing. Groups are independent of each other; a single
-- check is a group of one, and concurrent checks from one process share a run.
--
-- The loader (src/check-script.ts) writes one variant per count n of distinct keys (1, 2, 4,
-- … 64): the marker line below becomes the n lines KEYS[1] bucket1 … KEYS[n] bucketn. Unused
-- trailing keys repeat KEYS[1] (same Cluster slot) and are never read.
-- @keys
-- ARGV[1] requests   a JSON array of integers (cjson parses it in C): for each group
--                    `mode, count`, then `count` requests of seven fields
--                    `key, kind, limit, period, capacity, cost, window`:
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

local floor, ceil, max = math.floor, math.ceil, math.max
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + floor(tonumber(t[2]) / 1000)

-- @include gcra
-- @include fixed-window
-- @include sliding-window

local decide = { gcra_decide, fixed_decide, sliding_decide }
local decode = { gcra_decode, fixed_decode, sliding_decode }
local encode = { gcra_encode, fixed_encode, sliding_encode }

local req = cjson.decode(ARGV[1])

-- State per key index as read (false: absent), then as taken groups leave it.
local state, kind_of, expire_at, keep_ttl, dirty = {}, {}, {}, {}, {}
local function current(ki, kind)
  local s = state[ki]
  if s == nil then
    s = decode[kind](redis.call('GET', KEYS[ki])) or false
    state[ki] = s
  end
  if s == false then return nil end
  return s
end
-- keep: the stored TTL is already right for this take; a key taken twice keeps its TTL
-- only if every take agreed.
local function take(ki, kind, s, exp, keep)
  if expire_at[ki] == nil then
    dirty[#dirty + 1] = ki
    keep_ttl[ki] = keep
  else
    keep_ttl[ki] = keep_ttl[ki] and keep
  end
  state[ki], kind_of[ki], expire_at[ki] = s, kind, exp
end

local out = { now }
local o = 1
local pos, last = 1, #req
while pos <= last do
  local mode, n = req[pos], req[pos + 1]
  pos = pos + 2
  if n == 1 then
    -- One request (a plain check): no tentative state needed.
    local ki, kind, limit, period, cap, cost, win =
      req[pos], req[pos + 1], req[pos + 2], req[pos + 3], req[pos + 4], req[pos + 5], req[pos + 6]
    pos = pos + 7
    if kind == 2 and floor(now / period) ~= win then
      out[o + 1], out[o + 2], out[o + 3], out[o + 4] = -1, 0, 0, 0
    else
      local ok, rem_now, rem_after, reset_now, reset_after, retry, nxt, exp, keep =
        decide[kind](limit, period, cap, current(ki, kind), now, cost)
      if ok then
        if mode == 1 and nxt ~= nil then take(ki, kind, nxt, exp, keep) end
        out[o + 1], out[o + 2], out[o + 3], out[o + 4] = 1, rem_after, reset_after, 0
      else
        out[o + 1], out[o + 2], out[o + 3], out[o + 4] = 0, rem_now, reset_now, retry
      end
    end
    o = o + 4
  else
    -- Tentative states of this group: a key checked twice in one group sees its first take.
    local tentative, texp, tkind, tkeep = {}, {}, {}, {}
    local fits, wrong = true, false
    local res = {}
    for j = 1, n do
      local ki, kind, limit, period, cap, cost, win =
        req[pos], req[pos + 1], req[pos + 2], req[pos + 3], req[pos + 4], req[pos + 5], req[pos + 6]
      pos = pos + 7
      if kind == 2 and floor(now / period) ~= win then wrong = true end
      if not wrong then
        local s = tentative[ki]
        if s == nil then s = current(ki, kind) end
        local ok, rem_now, rem_after, reset_now, reset_after, retry, nxt, exp, keep =
          decide[kind](limit, period, cap, s, now, cost)
        res[j] = { ok, rem_now, rem_after, reset_now, reset_after, retry }
        if not ok then
          fits = false
        elseif nxt ~= nil then
          if tkeep[ki] ~= nil then keep = keep and tkeep[ki] end
          tentative[ki], texp[ki], tkind[ki], tkeep[ki] = nxt, exp, kind, keep
        end
      end
    end
    if wrong then
      for _ = 1, n do
        out[o + 1], out[o + 2], out[o + 3], out[o + 4] = -1, 0, 0, 0
        o = o + 4
      end
    else
      if fits and mode == 1 then
        for ki, s in pairs(tentative) do take(ki, tkind[ki], s, texp[ki], tkeep[ki]) end
      end
      for j = 1, n do
        local r = res[j]
        out[o + 1] = r[1] and 1 or 0
        if fits then
          out[o + 2], out[o + 3] = r[3], r[5]
        else
          out[o + 2], out[o + 3] = r[2], r[4]
        end
        out[o + 4] = r[6]
        o = o + 4
      end
    end
  end
end

for i = 1, #dirty do
  local ki = dirty[i]
  if keep_ttl[ki] then
    redis.call('SET', KEYS[ki], encode[kind_of[ki]](state[ki]), 'KEEPTTL')
  else
    redis.call('SET', KEYS[ki], encode[kind_of[ki]](state[ki]), 'PXAT', expire_at[ki])
  end
end
return out
