-- wrk script for scripts/bench/run.sh: POSTs the JSON body in $BENCH_BODY (with
-- $BENCH_TOKEN as bearer token when set). With $BENCH_IDS (a file of ids, one a line), each
-- request replaces "__ID__" with a random id and "__MID__" with a random score (0.00..1.00
-- in steps of 0.05; in parts per billion when $BENCH_SCORE_UNIT is "ppb").
local body = assert(io.open(os.getenv("BENCH_BODY"))):read("*a")
local token = os.getenv("BENCH_TOKEN") or ""
local ids_file = os.getenv("BENCH_IDS") or ""
local ppb = os.getenv("BENCH_SCORE_UNIT") == "ppb"

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
if token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

if ids_file ~= "" then
  local ids = {}
  for line in io.lines(ids_file) do
    ids[#ids + 1] = line
  end
  request = function()
    local id = ids[math.random(#ids)]
    local k = math.random(0, 20)
    local mid = ppb and tostring(k * 50000000) or string.format("%.2f", k * 0.05)
    local b = body:gsub("__ID__", id)
    b = b:gsub("__MID__", mid)
    return wrk.format(nil, nil, nil, b)
  end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
