-- soconnect: connect(2) calls on IPv4 and IPv6 sockets, with their result and
-- latency, like the book's soconnect: one line per call (table socket_call), TCP
-- and UDP alike. A non-blocking connect returns at once with "In progress"; its
-- completion is the socket's SYN_SENT -> ESTABLISHED change (tcpconnlat).
--
-- Tables: socket_call (source `socket`, opt-in: record with --sources tcp,socket).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $pid                i64: only this process (-1 for all; -p)
--   $port               i64: only connects to this port (-1 for all; -P)
--   $failed             bool: only calls that failed (-x)
--
-- Columns:
--   ts_ns            when the call returned, CLOCK_MONOTONIC ns
--   pid, comm        the calling process
--   fam              AF_INET or AF_INET6 (AF_UNSPEC: dissolving an association)
--   addr, port       the address connected to
--   result           Success, In progress, or the error's name (ECONNREFUSED, ...)
--   lat_us           time in the call, us
--   ret              the return value: 0, or the negative errno
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   connect() calls: address, port, result and time in the call
-- @after   tcpwin
-- @tables  socket_call
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @option  -P --port PORT | int $port = -1 | Only connects to this port.
-- @option  -x --failed | flag $failed | Only calls that failed.
-- @option  -T --time | flag | Include a HH:MM:SS time column.
-- @example | Every connect
-- @example -x -T | Failed connects, with wall-clock times
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
-- @column  PID | pid | <7
-- @column  PROCESS | comm | <16
-- @column  FAM | fam | <9
-- @column  ADDRESS | addr | <16
-- @column  PORT | port | <5
-- @column  RESULT | result | <14
-- @column  LAT(us) | lat_us |
SELECT ts_ns, pid, comm,
       CASE family WHEN 2 THEN 'AF_INET' WHEN 10 THEN 'AF_INET6' WHEN 0 THEN 'AF_UNSPEC'
                   ELSE CAST(family AS VARCHAR) END AS fam,
       addr, port,
       CASE WHEN ret = 0 THEN 'Success' WHEN ret = -115 THEN 'In progress'
            ELSE errno_name(ret) END AS result,
       (CAST(ts_ns AS BIGINT) - CAST(ts_enter_ns AS BIGINT)) / 1000 AS lat_us,
       ret
FROM socket_call
WHERE call = 'connect'
  AND ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($pid < 0 OR pid = $pid)
  AND ($port < 0 OR port = $port)
  AND (NOT $failed OR (ret <> 0 AND ret <> -115))
ORDER BY ts_ns, tid
