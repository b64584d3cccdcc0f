-- Honest players for wrk: each thread (one connection) plays its own slice of viewers in turn.
--
--   BENCH_WRK_RESULT=RESULT wrk -t16 -c16 -d15s -s bench/wrk/heartbeat.lua http://127.0.0.1:PORT \
--       -- VIEWERS THREADS SEGMENT
--
-- VIEWERS has one line per viewer: "index watch_token session_id next_seq pending", pending being
-- a seq sent in an earlier run and left unanswered (0: none), which next_seq then repeats. Viewer v's heartbeat
-- k claims the contiguous segment [(k-1)·SEGMENT, k·SEGMENT]. A thread moves on to its next
-- viewer only once the current heartbeat was answered 200 (a duplicate included); after an
-- error status, or a socket failure (wrk then reconnects and asks for a request again without
-- calling response()), it resends the same viewer's same seq, as the real player does.
-- done() writes RESULT: a "summary" line, then "viewer index acked pending" per viewer, where
-- acked is the highest seq answered 200 and pending a seq sent but unanswered (0: none).

local threads, counter = {}, 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

-- Per thread. Only flat tables are handed to done(): wrk's thread:get() cannot copy nested ones.
local viewers, cur, segment = {}, 1, 0.25
statuses, acked, sent = {}, {}, {}

function init(args)
   local nthreads = tonumber(args[2])
   segment = tonumber(args[3])
   for line in io.lines(args[1]) do
      local index, token, sid, next_seq, pending = line:match("^(%d+) (%S+) (%S+) (%d+) (%d+)$")
      index, next_seq = tonumber(index), tonumber(next_seq)
      if index % nthreads == id then
         acked[index], sent[index] = next_seq - 1, tonumber(pending)
         table.insert(viewers, {index = index, seq = next_seq,
                                path = "/api/v1/sessions/" .. sid .. "/heartbeats",
                                headers = {["X-Watch-Token"] = token,
                                           ["Content-Type"] = "application/json"}})
      end
   end
end

-- A resend after an error status waits a little, as the player does. (wrk asks for no delay
-- before a resend after a socket failure: it reconnects at once.)
function delay()
   local v = viewers[cur]
   return (sent[v.index] == v.seq) and 100 or 0
end

-- No state changes but sent[]: wrk calls request() once before the run to inspect it.
function request()
   local v = viewers[cur]
   sent[v.index] = v.seq
   local body = string.format('{"seq":%d,"segments":[[%.17g,%.17g]],"position":%.17g,"rate":1.0}',
                              v.seq, (v.seq - 1) * segment, v.seq * segment, v.seq * segment)
   return wrk.format("POST", v.path, v.headers, body)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if status ~= 200 then
      return
   end
   local v = viewers[cur]
   acked[v.index], sent[v.index], v.seq = v.seq, 0, v.seq + 1
   cur = cur % #viewers + 1
end

function done(summary, latency, requests)
   local out = assert(io.open(os.getenv("BENCH_WRK_RESULT"), "w"))
   local e = summary.errors
   out:write(string.format("summary %d %d %d %d %d %d %d %d %d %d %.1f\n", summary.requests,
                           summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
                           latency:percentile(50), latency:percentile(99), latency.max, latency.mean))
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do
         out:write(string.format("status %d %d\n", status, n))
      end
      local thread_sent = thread:get("sent")
      for index, seq in pairs(thread:get("acked")) do
         local pending = (thread_sent[index] > seq) and thread_sent[index] or 0
         out:write(string.format("viewer %d %d %d\n", index, seq, pending))
      end
   end
   out:close()
end
