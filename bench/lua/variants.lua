-- wrk script of bench/preview's cold case: every request asks gainImage for a variant no one asked for
-- before, so each one is rendered (decode, resize, encode, store). Widths and heights start at the
-- target (BENCH_EDGE, 200 for 200x200) and grow by one pixel per request in a 64x64 square (4,096
-- distinct variants before either side passes edge + 64), so every request costs about the same work;
-- each of the BENCH_THREADS wrk threads walks its own stripe, so threads never ask for the same one. This per-request Lua is the only difference
-- from bench.lua, whose done() line this prints too.
--
-- Environment: BENCH_BASE_PATH (the gainImage path and query without scaling), BENCH_EDGE, BENCH_MODE,
-- BENCH_THREADS (wrk's -t).

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("stripe", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local base = os.getenv("BENCH_BASE_PATH")
local edge = tonumber(os.getenv("BENCH_EDGE") or "200")
local mode = os.getenv("BENCH_MODE") or "3"
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
local span = 64
local n = 0

function request()
  -- stripe is set by setup() in this thread's Lua state
  local i = n * nthreads + (stripe or 0)
  n = n + 1
  local w = edge + math.floor(i / span)
  local h = edge + (i % span)
  return wrk.format("GET", base .. "&scaling=" .. w .. "x" .. h .. "x" .. mode)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d bad_body=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    0, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
