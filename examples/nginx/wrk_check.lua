-- wrk script for the aliasroute load test's checking runs (loadtest.sh).
--
--   wrk -s wrk_check.lua URL -- USERS
--
-- Each request carries "Cookie: user=uN" with N drawn uniformly from 1..USERS
-- (USERS = 0: no cookie, so the module routes at random). Each response is
-- read: the version the upstream that answered reports in its body
-- ("VERSION USER"), the version nginx reports in X-Amz-Executed-Version, and
-- the snapshot generation in X-Aliasroute-Generation. done() prints one
-- "name=value" line per result for loadtest.sh to check:
--   requests, duration_s, rps, lat_mean_ms, lat_p50_ms, lat_p99_ms
--   err_connect, err_read, err_write, err_timeout, non2xx
--   req_v<V>            requests answered by version V
--   mismatch            body version != header version, or no version
--   gens                the generations seen, e.g. "1,2"
--   users_g<G>_v<V>     distinct users that version V served in generation G
--   unsticky            users served by two versions within one generation
--   moved_<A>to<B>      users on A in the lowest generation seen and on B in
--                       the highest
-- Random draws use fixed per-thread seeds.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  users = tonumber(args[1]) or 10000
  math.randomseed(1000 + id * 7919)
  req_by_version = {}
  -- seen[gen .. "|" .. user] = version ("X" when two were seen). Flat:
  -- wrk's thread:get copies flat tables but crashes on nested ones.
  seen = {}
  mismatch = 0
end

function request()
  if users > 0 then
    local u = math.random(users)
    return wrk.format("GET", nil, { ["Cookie"] = "user=u" .. u })
  end
  return wrk.format("GET", nil)
end

function response(status, headers, body)
  local hv = headers["X-Amz-Executed-Version"]
  local gen = headers["X-Aliasroute-Generation"] or "?"
  local bv, user = string.match(body or "", "^(%S+) (%S*)")
  if bv == nil or hv ~= bv then
    mismatch = mismatch + 1
    return
  end
  req_by_version[bv] = (req_by_version[bv] or 0) + 1
  if user ~= "" then
    local k = gen .. "|" .. user
    local prev = seen[k]
    if prev == nil then
      seen[k] = bv
    elseif prev ~= bv then
      seen[k] = "X"
    end
  end
end

local function out(name, value)
  io.write(name, "=", tostring(value), "\n")
end

function done(summary, latency, requests)
  local dur = summary.duration / 1e6
  out("requests", summary.requests)
  out("duration_s", string.format("%.3f", dur))
  out("rps", string.format("%.1f", summary.requests / dur))
  out("lat_mean_ms", string.format("%.3f", latency.mean / 1000))
  out("lat_p50_ms", string.format("%.3f", latency:percentile(50) / 1000))
  out("lat_p99_ms", string.format("%.3f", latency:percentile(99) / 1000))
  out("err_connect", summary.errors.connect)
  out("err_read", summary.errors.read)
  out("err_write", summary.errors.write)
  out("err_timeout", summary.errors.timeout)
  out("non2xx", summary.errors.status)

  local req = {}
  local all = {}     -- all[gen][user] = version, merged over threads
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("mismatch")
    for v, n in pairs(t:get("req_by_version")) do
      req[v] = (req[v] or 0) + n
    end
    for k, v in pairs(t:get("seen")) do
      local gen, u = string.match(k, "^([^|]*)|(.*)$")
      local g = all[gen]
      if g == nil then
        g = {}
        all[gen] = g
      end
      local prev = g[u]
      if prev == nil then
        g[u] = v
      elseif prev ~= v then
        g[u] = "X"
      end
    end
  end
  out("mismatch", bad)
  for v, n in pairs(req) do out("req_v" .. v, n) end

  local gens = {}
  for gen, _ in pairs(all) do table.insert(gens, gen) end
  table.sort(gens, function(a, b) return (tonumber(a) or -1) < (tonumber(b) or -1) end)
  out("gens", table.concat(gens, ","))
  local unsticky = 0
  for _, gen in ipairs(gens) do
    local per_version = {}
    for _, v in pairs(all[gen]) do
      if v == "X" then
        unsticky = unsticky + 1
      else
        per_version[v] = (per_version[v] or 0) + 1
      end
    end
    for v, n in pairs(per_version) do out("users_g" .. gen .. "_v" .. v, n) end
  end
  out("unsticky", unsticky)
  if #gens >= 2 then
    local lo, hi = all[gens[1]], all[gens[#gens]]
    local moved = {}
    for u, a in pairs(lo) do
      local b = hi[u]
      if b ~= nil and a ~= "X" and b ~= "X" and a ~= b then
        local k = "moved_" .. a .. "to" .. b
        moved[k] = (moved[k] or 0) + 1
      end
    end
    for k, n in pairs(moved) do out(k, n) end
  end
end
