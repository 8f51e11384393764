-- tcpconnlat: TCP connect latency, like bcc/libbpf-tools tcpconnlat: for each
-- active open, the time from its CLOSE -> SYN_SENT change (the connect) to its
-- SYN_SENT -> ESTABLISHED change (the SYN-ACK arrived), from table tcp_state
-- (view tcp_connect).
-- Connects that failed (SYN_SENT -> CLOSE) have no latency and no line. The live
-- tool measures from tcp_v4_connect's send of the SYN to the SYN-ACK's
-- processing; the state changes bracket the same round trip.
--
-- Tables: tcp_state (source `tcp`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: connects established in [start, end)
--   $pid                i64: only connects of this process (-1 for all; -p)
--   $min_ms             i64: only latencies of at least this many ms (0 for all; MIN_MS)
--
-- Columns:
--   ts_ns            when the connection was established, CLOCK_MONOTONIC ns
--   pid, comm        the connecting process
--   ip               4 or 6
--   saddr, sport     local address and port
--   daddr, dport     remote address and port
--   lat_ms           connect to established, ms
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   TCP connect latency: SYN sent to connection established, per connect
-- @after   tcpaccept
-- @tables  tcp_state
-- @option  MIN_MS | uint $min_ms = 0 | Only connects taking at least MIN_MS milliseconds.
-- @option  -p --pid PID | int $pid = -1 | Only connects of this process.
-- @option  -L --lport | flag | Include the local port.
-- @option  -T --time | flag | Include a HH:MM:SS time column.
-- @example | The latency of every TCP connect
-- @example 1 -L | Connects slower than 1 ms, with their local ports
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  IP | ip | <2
-- @column  SADDR | saddr | <15
-- @column  LPORT | sport | <5 | | if --lport
-- @column  DADDR | daddr | <15
-- @column  DPORT | dport | <5
-- @column  LAT(ms) | lat_ms | | fixed 2
SELECT established_ns AS ts_ns, pid, comm, CASE family WHEN 10 THEN 6 ELSE 4 END AS ip,
       saddr, sport, daddr, dport,
       CAST(lat_ns AS DOUBLE) / 1e6 AS lat_ms
FROM tcp_connect
WHERE established_ns >= $start_ns AND established_ns < $end_ns
  AND ($pid < 0 OR pid = $pid)
  AND lat_ns >= $min_ms * 1000000
ORDER BY established_ns
