-- wrk script shared by every benchmark case (bench/run).
--
-- Environment:
--   BENCH_BODY          file holding the request body (a pre-built multipart form); absent: no body
--   BENCH_CONTENT_TYPE  Content-Type header sent with the body
--   BENCH_METHOD        request method (default GET, or POST when a body is given)
--   BENCH_RESPONSE_HOOK "1": hand every response to a Lua response() function. bench/run sets it on
--                       upload cases for every server of the case alike (so wrk's cost per response
--                       is the same), and not on download cases (it would copy every body into Lua).
--   BENCH_EXPECT        with the hook, a 2xx response whose body lacks this text counts as an error
--                       (bench/run: "ERRORCODE":"0" for mmfile and the peer, empty for nginx, whose
--                       answers have no body: searched all the same, so wrk does the same work).
--   BENCH_TAG           "distinct": the body's PLACEHOLDER (a JPEG comment bench/tools/GenJpeg.java
--                       writes into the image) is overwritten in every request with a tag unique to
--                       this wrk run, thread and request, so every upload carries new file bytes of
--                       the same length; "same": overwritten with one tag for the whole run, so every
--                       request of the run is identical (the duplicate path of a deduplicating store).
--                       Either way request() builds the request in Lua, the same work for every server.
--   BENCH_RUN_ID        with BENCH_TAG, digits naming this wrk run (bench/run: a new one per run), so
--                       no run repeats the bytes of an earlier one.
--   BENCH_LOGINS        file of logins, one a line: a client address, a tab, the body of one account's
--                       login (bench/run's login case). Every request sends the next line of this
--                       thread's share of the file (BENCH_WRK_THREADS threads share it out), with the
--                       line's address in X-Forwarded-For: many devices logging in, each from its own
--                       address, instead of one account logging in from one address over and over.
--
-- Without BENCH_TAG or BENCH_LOGINS every request is the same pre-built byte string (no per-request
-- Lua). done() prints one machine-readable BENCH_RESULT line.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

local body_path = os.getenv("BENCH_BODY")
if body_path and body_path ~= "" then
  wrk.body = slurp(body_path)
  wrk.method = os.getenv("BENCH_METHOD") or "POST"
  local ct = os.getenv("BENCH_CONTENT_TYPE")
  if ct and ct ~= "" then
    wrk.headers["Content-Type"] = ct
  end
else
  wrk.method = os.getenv("BENCH_METHOD") or "GET"
end

-- Must match GenJpeg.PLACEHOLDER: a prefix and 48 digits, overwritten by 48 digits of tag.
local PLACEHOLDER = "mmfile-bench-tag:" .. string.rep("0", 48)
local tag_mode = os.getenv("BENCH_TAG")
if tag_mode and tag_mode ~= "" and wrk.body then
  local at = string.find(wrk.body, PLACEHOLDER, 1, true)
  assert(at, "BENCH_TAG is set but the body holds no placeholder (bench/tools/GenJpeg.java)")
  local head = string.sub(wrk.body, 1, at + 16) -- up to and with the prefix "mmfile-bench-tag:"
  local tail = string.sub(wrk.body, at + #PLACEHOLDER)
  local run_id = os.getenv("BENCH_RUN_ID") or "0"
  assert(string.match(run_id, "^%d+$") and #run_id <= 24, "BENCH_RUN_ID: up to 24 digits")
  run_id = string.rep("0", 24 - #run_id) .. run_id
  local distinct = tag_mode == "distinct"
  local n = 0
  -- thread_id is set by setup() in this thread's Lua state before its first request.
  function request()
    n = n + 1
    local tag = string.format("%s%06d%018.0f", run_id, thread_id or 0, distinct and n or 0)
    return wrk.format(nil, nil, nil, head .. tag .. tail)
  end
end

local logins_path = os.getenv("BENCH_LOGINS")
if logins_path and logins_path ~= "" then
  local logins = {}
  for line in io.lines(logins_path) do
    local address, body = string.match(line, "^([^\t]+)\t(.+)$")
    if address then
      table.insert(logins, { address, body })
    end
  end
  local wrk_threads = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
  assert(#logins >= wrk_threads, "BENCH_LOGINS: fewer logins than wrk threads")
  local share = math.floor(#logins / wrk_threads)
  local headers = {}
  for k, v in pairs(wrk.headers) do
    headers[k] = v
  end
  local n = 0
  -- A thread sends its share in turn, so an account comes round again only after `share` more requests
  -- of its thread: with fewer connections per thread than that, its last login is still in flight only
  -- when it took longer than `share` others (and the server refuses only a fourth try of one account
  -- at once, auth.login-backoff-after 3).
  function request()
    local login = logins[(thread_id or 0) * share + n % share + 1]
    n = n + 1
    headers["X-Forwarded-For"] = login[1]
    return wrk.format("POST", nil, headers, login[2])
  end
end

-- An empty BENCH_EXPECT is still searched for (and found at once), so a server whose answers carry
-- nothing to check costs wrk the same work per response as one whose answers are checked.
local expect = os.getenv("BENCH_EXPECT")

bad = 0       -- read by done() through thread:get("bad")
example = nil -- first bad response, for the log

if os.getenv("BENCH_RESPONSE_HOOK") == "1" then
  function response(status, headers, body)
    if expect and status >= 200 and status < 300 and not string.find(body or "", expect, 1, true) then
      bad = bad + 1
      if example == nil then
        example = string.sub(body or "", 1, 200)
      end
    end
  end
end

function done(summary, latency, requests)
  local bad_total, first = 0, nil
  for _, t in ipairs(threads) do
    bad_total = bad_total + (t:get("bad") or 0)
    first = first or t:get("example")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d bad_body=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    bad_total, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
  if first then
    io.write("BENCH_BAD_EXAMPLE " .. string.gsub(first, "[\r\n]", " ") .. "\n")
  end
end
