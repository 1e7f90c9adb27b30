-- likes.lua: wrk script for the like storm. Every request is
--   POST /api/v1/statuses/POST_ID/favourite   with a token no other request uses.
--
-- wrk -t T -c C -d D --latency -s bench/lua/likes.lua URL -- TOKENS FIRST COUNT THREADS POST_ID [MODE DONE_DIR]
--   TOKENS  token file, one token per line, all lines the same length (kindred admin seed-load writes that)
--   FIRST   0-based line of the first token of this run's block
--   COUNT   tokens in the block; thread k of THREADS gets the k-th contiguous slice of it
--   THREADS the -t value (wrk does not tell the script)
--   POST_ID the status to like, or @FILE: a file of status ids, one per line, liked in turn
--           (likes spread over many posts; each thread starts at its own place in the list)
--   MODE    "storm" (default): a timed run; a thread whose slice runs out stops itself (wrk still
--           waits out -d, so the rate is then understated: run.sh warns).
--           "fill": untimed; each thread likes with its whole slice, then sends harmless
--           GET .../context requests until every like has been answered (counted in response(),
--           which only this mode defines), then stops and writes DONE_DIR/done.<k>; wrk itself
--           sleeps out -d regardless, so run.sh interrupts it (SIGINT) once all threads are done.
-- A thread seeks straight to its slice (lines are fixed width) and reads one line per request,
-- so no thread reads the whole file.
-- done() prints one line per thread:  SLICE <tid> <first> <slice_len> <used> <exhausted 0|1> <answered> <like_errors>
-- "used" tokens were sent (or are in flight when the run ended).

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local function finish()
  if done_dir then
    local f = io.open(done_dir .. "/done." .. tid, "w")
    if f then f:write(used, " ", answered, "\n"); f:close() end
  end
  wrk.thread:stop()
end

local peeked = nil
local function next_token()
  if peeked then local t = peeked; peeked = nil; return t end
  if used >= slice_len then return nil end
  local t = fh:read("*l")
  if not t or #t == 0 then return nil end
  used = used + 1
  return t
end

local function like(t)
  if not posts then return like_head .. t .. like_tail end
  next_post = next_post % #posts + 1
  return "POST /api/v1/statuses/" .. posts[next_post] .. like_mid .. t .. like_tail
end

function request()
  if verify_pending then
    verify_pending = false
    peeked = next_token()
    return like(peeked or "verify")
  end
  local t = next_token()
  if t then return like(t) end
  if exhausted == 0 then
    exhausted = 1
    if mode ~= "fill" then wrk.thread:stop()
    elseif answered >= used then finish() end
  end
  return drain_req
end

local function on_response(status, headers, body)
  if body:sub(1, 13) == '{"ancestors":' then return end   -- a drain request
  answered = answered + 1
  if status ~= 200 then like_errors = like_errors + 1 end
  if exhausted == 1 and answered >= used then finish() end
end

function init(args)
  local file, first, count, nthreads = args[1], tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
  post_id = args[5]
  mode = args[6] or "storm"
  done_dir = args[7]
  if not (file and first and count and nthreads and post_id) then
    error("usage: -- TOKENS FIRST COUNT THREADS POST_ID [storm|fill DONE_DIR]")
  end
  local per = math.floor(count / nthreads)
  slice_first = first + tid * per
  slice_len = (tid == nthreads - 1) and (count - tid * per) or per
  used, answered, like_errors, exhausted = 0, 0, 0, 0

  fh = assert(io.open(file, "rb"))
  local line = fh:read("*l")
  if not line then error("empty token file " .. file) end
  local width = #line + 1
  fh:seek("set", slice_first * width)

  local host = wrk.headers["Host"]
  if post_id:sub(1, 1) == "@" then
    posts = {}
    for l in io.lines(post_id:sub(2)) do if #l > 0 then posts[#posts + 1] = l end end
    if #posts == 0 then error("no status ids in " .. post_id:sub(2)) end
    next_post = (tid * 7919) % #posts
    post_id = posts[1]
  end
  like_mid = "/favourite HTTP/1.1\r\nHost: " .. host .. "\r\nContent-Length: 0\r\nAuthorization: Bearer "
  like_head = "POST /api/v1/statuses/" .. post_id .. "/favourite HTTP/1.1\r\nHost: " .. host ..
              "\r\nContent-Length: 0\r\nAuthorization: Bearer "
  like_tail = "\r\n\r\n"
  drain_req = "GET /api/v1/statuses/" .. post_id .. "/context HTTP/1.1\r\nHost: " .. host .. "\r\n\r\n"
  -- wrk calls request() once on thread 0 before the run to check the request parses, and never
  -- sends that one: do not spend a token on it.
  verify_pending = (tid == 0)
  -- response() only in fill mode: wrk hands responses to Lua (and pays for it) only when it exists.
  -- wrk looks for it on thread 0 right after init(), so defining it here works.
  if mode == "fill" then response = on_response end
end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(string.format("SLICE %d %d %d %d %d %d %d\n", t:get("tid"), t:get("slice_first"),
      t:get("slice_len"), t:get("used"), t:get("exhausted"), t:get("answered"), t:get("like_errors")))
  end
end
