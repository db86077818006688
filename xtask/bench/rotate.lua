-- wrk script for `cargo xtask bench-http`.
--
-- Reads the request list named by the environment variable INKSTONE_BENCH_REQUESTS: one request
-- per line, tab-separated as METHOD, PATH, COOKIE, BODY (COOKIE and BODY may be empty). The
-- requests are sent in turn, so one run spreads its load over every session and resource in the
-- list. At the end it prints one line, "BENCH-RESULT {json}", that the xtask reads.

local requests = {}
local next_idx = 0

local function fields(line)
  local out = {}
  local start = 1
  while true do
    local tab = string.find(line, "\t", start, true)
    if tab == nil then
      out[#out + 1] = string.sub(line, start)
      return out
    end
    out[#out + 1] = string.sub(line, start, tab - 1)
    start = tab + 1
  end
end

function init(args)
  local path = os.getenv("INKSTONE_BENCH_REQUESTS")
  if path == nil then
    error("set INKSTONE_BENCH_REQUESTS to the request list")
  end
  for line in io.lines(path) do
    if line ~= "" then
      local f = fields(line)
      local headers = { ["Accept"] = "application/json" }
      if f[3] ~= nil and f[3] ~= "" then
        headers["Cookie"] = f[3]
      end
      local body = nil
      if f[4] ~= nil and f[4] ~= "" then
        body = f[4]
        headers["Content-Type"] = "application/json"
      end
      requests[#requests + 1] = wrk.format(f[1], f[2], headers, body)
    end
  end
  if #requests == 0 then
    error("the request list " .. path .. " is empty")
  end
end

function request()
  next_idx = next_idx % #requests + 1
  return requests[next_idx]
end

function done(summary, latency, _requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"latency_mean_us":%.1f,' ..
    '"latency_p50_us":%d,"latency_p90_us":%d,"latency_p99_us":%d,"latency_max_us":%d,' ..
    '"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
