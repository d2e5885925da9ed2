-- wrk script for the aliasroute load test's throughput runs (loadtest.sh):
-- the same requests as wrk_check.lua ("Cookie: user=uN", N uniform in
-- 1..USERS, fixed per-thread seeds) without reading responses, so the client
-- spends as little as possible per request. Prints the same summary lines.
--
--   wrk -s wrk_load.lua URL -- USERS

local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  users = tonumber(args[1]) or 10000
  math.randomseed(1000 + id * 7919)
end

function request()
  return wrk.format("GET", nil, { ["Cookie"] = "user=u" .. math.random(users) })
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
end
