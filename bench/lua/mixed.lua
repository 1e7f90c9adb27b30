-- mixed.lua: wrk script for the mixed workload on the hot post. Per request, at random:
--   45%  GET  /api/v1/statuses/POST_ID            (a viewer reads the post)
--   45%  GET  /api/v1/statuses/POST_ID/context    (a viewer reads its first page of replies)
--    9%  POST /api/v1/statuses/POST_ID/favourite  (a fresh account likes it: a token no other request uses)
--    1%  POST /api/v1/statuses                    (a viewer replies: status=...&in_reply_to_id=POST_ID)
--
-- wrk -t T -c C -d D --latency -s bench/lua/mixed.lua URL -- VIEWERS TOKENS FIRST COUNT THREADS POST_ID
--   VIEWERS  viewer tokens, one per line (reads and replies rotate through them)
--   TOKENS   token file for the likes; lines FIRST .. FIRST+COUNT-1 are this run's fresh likers,
--            thread k of THREADS gets the k-th contiguous slice (fixed-width lines: a thread seeks to it)
--   THREADS  the -t value
--   POST_ID  the status
-- A thread whose like slice runs out stops itself (run.sh warns: the rate is then understated).
-- done() prints one line per thread:
--   MIXED <tid> <status reads> <context reads> <likes> <replies> <like slice first> <like slice len> <exhausted 0|1>

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local vfile, tfile = args[1], args[2]
  local first, count, nthreads, post_id = tonumber(args[3]), tonumber(args[4]), tonumber(args[5]), args[6]
  if not (vfile and tfile and first and count and nthreads and post_id) then
    error("usage: -- VIEWERS TOKENS FIRST COUNT THREADS POST_ID")
  end
  math.randomseed(7919 * (tid + 1) + os.time())
  local host = wrk.headers["Host"]

  viewers = {}
  for line in io.lines(vfile) do
    if #line > 0 then viewers[#viewers + 1] = line end
  end
  nv = #viewers
  if nv == 0 then error("no viewer tokens in " .. vfile) end
  vi = math.floor(nv * tid / nthreads)

  local per = math.floor(count / nthreads)
  slice_first = first + tid * per
  slice_len = (tid == nthreads - 1) and (count - tid * per) or per
  fh = assert(io.open(tfile, "rb"))
  local line = fh:read("*l")
  if not line then error("empty token file " .. tfile) end
  fh:seek("set", slice_first * (#line + 1))

  status_head = "GET /api/v1/statuses/" .. post_id .. " HTTP/1.1\r\nHost: " .. host .. "\r\nAuthorization: Bearer "
  context_head = "GET /api/v1/statuses/" .. post_id .. "/context HTTP/1.1\r\nHost: " .. host .. "\r\nAuthorization: Bearer "
  like_head = "POST /api/v1/statuses/" .. post_id .. "/favourite HTTP/1.1\r\nHost: " .. host ..
              "\r\nContent-Length: 0\r\nAuthorization: Bearer "
  reply_head = "POST /api/v1/statuses HTTP/1.1\r\nHost: " .. host ..
               "\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: Bearer "
  reply_param = "&in_reply_to_id=" .. post_id
  n_status, n_context, n_likes, n_replies, used, exhausted = 0, 0, 0, 0, 0, 0
  -- wrk calls request() once on thread 0 before the run and never sends it: make that one a read.
  verify_pending = (tid == 0)
end

local function viewer()
  vi = vi + 1
  if vi > nv then vi = 1 end
  return viewers[vi]
end

function request()
  if verify_pending then
    verify_pending = false
    return status_head .. viewers[1] .. "\r\n\r\n"
  end
  local r = math.random(1000)
  if r <= 450 then
    n_status = n_status + 1
    return status_head .. viewer() .. "\r\n\r\n"
  elseif r <= 900 then
    n_context = n_context + 1
    return context_head .. viewer() .. "\r\n\r\n"
  elseif r <= 990 then
    local t = nil
    if used < slice_len then t = fh:read("*l") end
    if not t or #t == 0 then
      if exhausted == 0 then exhausted = 1; wrk.thread:stop() end
      n_status = n_status + 1
      return status_head .. viewer() .. "\r\n\r\n"
    end
    used = used + 1
    n_likes = n_likes + 1
    return like_head .. t .. "\r\n\r\n"
  else
    n_replies = n_replies + 1
    local body = "status=Reply+" .. tid .. "-" .. n_replies .. reply_param
    return reply_head .. viewer() .. "\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
  end
end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(string.format("MIXED %d %d %d %d %d %d %d %d\n", t:get("tid"), t:get("n_status"),
      t:get("n_context"), t:get("n_likes"), t:get("n_replies"), t:get("slice_first"),
      t:get("slice_len"), t:get("exhausted")))
  end
end
