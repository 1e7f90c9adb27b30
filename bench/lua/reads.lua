-- reads.lua: wrk script for the read storm.
--   GET /api/v1/statuses/POST_ID   as many different viewers, so "favourited" is worked out per viewer.
--
-- wrk -t T -c C -d D --latency -s bench/lua/reads.lua URL -- VIEWERS THREADS POST_ID [PATH_SUFFIX]
--   VIEWERS     file of viewer tokens, one per line (run.sh interleaves viewers who liked the
--               post with viewers who did not)
--   THREADS     the -t value
--   POST_ID     the status to read
--   PATH_SUFFIX appended to the status path, e.g. "/context" (default: none)
-- Each thread builds every request once up front (the viewer file is small: ~100k lines) and then
-- rotates through them, starting at its own offset so threads do not move in lockstep.
-- done() prints one line per thread:  READS <tid> <requests built> <requests issued>

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads = args[1], tonumber(args[2])
  local post_id, suffix = args[3], args[4] or ""
  if not (file and nthreads and post_id) then error("usage: -- VIEWERS THREADS POST_ID [PATH_SUFFIX]") end
  local head = "GET /api/v1/statuses/" .. post_id .. suffix .. " HTTP/1.1\r\nHost: " ..
               wrk.headers["Host"] .. "\r\nAuthorization: Bearer "
  reqs = {}
  for line in io.lines(file) do
    if #line > 0 then reqs[#reqs + 1] = head .. line .. "\r\n\r\n" end
  end
  n = #reqs
  if n == 0 then error("no viewer tokens in " .. file) end
  i = math.floor(n * tid / nthreads)
  issued = 0
end

function request()
  i = i + 1
  if i > n then i = 1 end
  issued = issued + 1
  return reqs[i]
end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(string.format("READS %d %d %d\n", t:get("tid"), t:get("n"), t:get("issued")))
  end
end
