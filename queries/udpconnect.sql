-- udpconnect: connect(2) calls on UDP sockets, like the book's udpconnect (which
-- traces ip4_datagram_connect and its IPv6 counterpart): the process and the
-- address it fixed as its datagrams' destination (DNS resolvers do this for
-- every query), from table socket_call. Failed calls are listed with their error.
--
-- Tables: socket_call (source `socket`, opt-in: record with --sources tcp,socket).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   ts_ns            when the call returned, CLOCK_MONOTONIC ns
--   pid, comm        the calling process
--   ip               4 or 6
--   raddr, rport     the address connected to
--   ret              0, or the negative errno
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   UDP connect() calls: the process and the destination it fixed
-- @after   solisten
-- @tables  socket_call
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @option  -T --time | flag | Include a HH:MM:SS time column.
-- @example | Every UDP connect
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  IP | ip | <2
-- @column  RADDR | raddr | <39
-- @column  RPORT | rport | <5
-- @column  RET | ret |
SELECT ts_ns, pid, comm, CASE family WHEN 10 THEN 6 ELSE 4 END AS ip,
       addr AS raddr, port AS rport, ret
FROM socket_call
WHERE call = 'connect' AND protocol = 17
  AND ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($pid < 0 OR pid = $pid)
ORDER BY ts_ns, tid
