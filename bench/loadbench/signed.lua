-- wrk script: replay pre-signed Twilio webhooks (bench/loadbench/pool.py writes them).
--
-- wrk -s signed.lua URL -- POOL_DIR HOST
-- Each thread reads POOL_DIR/pool-<n>.txt (lines "target TAB body TAB signature"),
-- sends each request once, in order, and stops when its pool is used up. Every
-- answer is counted in 10 ms buckets of the system's monotonic clock (LuaJIT FFI),
-- so that done() can tell the longest time with no answer at all, across threads.
-- With BENCH_SLOW_US set, done() also counts the answers slower than that.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local now_ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now_ts)
  return tonumber(now_ts.tv_sec) * 1000 + math.floor(tonumber(now_ts.tv_nsec) / 1e6)
end

local threads = {}
local count = 0

function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end

function init(args)
  local folder, host = args[1], args[2]
  requests = {}
  for line in io.lines(folder .. "/pool-" .. id .. ".txt") do
    local target, body, signature = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
    requests[#requests + 1] = wrk.format("POST", target, {
      ["Host"] = host,
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Twilio-Signature"] = signature,
    }, body)
  end
  sent, answered, ok, buckets = 0, 0, 0, {}
end

function request()
  sent = sent + 1
  if sent > #requests then  -- used up: stop, sending nothing that would be logged
    wrk.thread:stop()
    return wrk.format("GET", "/healthz", {["Host"] = wrk.headers["Host"]})
  end
  return requests[sent]
end

function response(status, headers, body)
  answered = answered + 1
  if status == 200 then
    ok = ok + 1
    local bucket = math.floor(now_ms() / 10)
    buckets[bucket] = (buckets[bucket] or 0) + 1
  end
  if answered >= #requests then
    wrk.thread:stop()
  end
end

-- The share of answers slower than limit_us (wrk keeps a histogram, not each latency).
local function slower_than(latency, limit_us)
  if not limit_us or latency.max <= limit_us then return 0 end
  local low, high = 0.0, 100.0
  for _ = 1, 40 do
    local middle = (low + high) / 2
    if latency:percentile(middle) > limit_us then high = middle else low = middle end
  end
  return (100 - high) / 100
end

function done(summary, latency, requests_)
  local slow_limit = tonumber(os.getenv("BENCH_SLOW_US") or "")
  local slow = math.floor(summary.requests * slower_than(latency, slow_limit) + 0.5)
  local all, ok_total = {}, 0
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    for bucket, n in pairs(thread:get("buckets")) do
      all[bucket] = (all[bucket] or 0) + n
    end
  end
  local sorted = {}
  for bucket in pairs(all) do sorted[#sorted + 1] = bucket end
  table.sort(sorted)
  local gap, gap_at = 0, 0
  for i = 2, #sorted do
    if sorted[i] - sorted[i - 1] > gap then
      gap, gap_at = sorted[i] - sorted[i - 1], sorted[i - 1]
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "ok": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "status_errors": %d, "timeouts": %d, "first_ms": %d, ' ..
    '"last_ms": %d, "gap_ms": %d, "gap_at_ms": %d, "slow": %d}\n',
    summary.requests, ok_total, summary.duration, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, e.connect, e.read, e.write,
    e.status, e.timeout, (sorted[1] or 0) * 10, (sorted[#sorted] or 0) * 10, gap * 10,
    gap_at * 10, slow))
end
