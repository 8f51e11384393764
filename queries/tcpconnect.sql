-- tcpconnect: TCP connections a process opened (connect(2), or a TCP fast-open
-- sendto), like bcc/libbpf-tools tcpconnect: one line per CLOSE -> SYN_SENT
-- change of table tcp_state, which the connecting task makes (view tcp_connect).
-- The local port is not bound yet at that change: LPORT (-L) comes from the
-- socket's next change.
-- With -c, connections are counted per process, local address, remote address
-- and port (the live tool counts per address pair and port).
--
-- Tables: tcp_state (source `tcp`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: connects in [start, end)
--   $pid                i64: only connects of this process (-1 for all; -p)
--   $ports              string: only these remote ports, comma-separated ('' for all; -P)
--   $count              bool: count connects per process, address pair and port (-c)
--
-- Columns:
--   ts_ns            when the connect began, CLOCK_MONOTONIC ns (with -c: the first)
--   pid, comm        the connecting process
--   ip               4 or 6
--   saddr            local address
--   sport            local port (0 if the socket never got one, and with -c)
--   daddr, dport     remote address and port
--   connects         1 (with -c: connects counted)
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   TCP connects: the process, addresses and port of every active open
-- @after   tcpstates
-- @tables  tcp_state
-- @option  -p --pid PID | int $pid = -1 | Only connects of this process.
-- @option  -P --port PORTS | string $ports = '' | Only connects to these remote ports (comma-separated).
-- @option  -c --count | flag $count | Count connects per process, local address, remote address and port.
-- @option  -L --lport | flag | Include the local port.
-- @option  -T --time | flag | Include a HH:MM:SS time column.
-- @example | Every TCP connect
-- @example -c | Connects counted per address pair and port
-- @example -T -L -P 80,443 | Connects to the web ports, with local ports and times
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  IP | ip | <2
-- @column  SADDR | saddr | <15
-- @column  LPORT | sport | <5 | | if --lport
-- @column  DADDR | daddr | <15
-- @column  DPORT | dport | <5
-- @column  CONNECTS | connects | | | if --count
WITH
    connects AS (
        SELECT * FROM tcp_connect
        WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
          AND ($pid < 0 OR pid = $pid)
          AND ($ports = '' OR strpos(',' || replace($ports, ' ', '') || ',', ',' || CAST(dport AS VARCHAR) || ',') > 0)
    )
SELECT ts_ns, pid, comm, CASE family WHEN 10 THEN 6 ELSE 4 END AS ip,
       saddr, sport, daddr, dport, 1 AS connects
FROM connects
WHERE NOT $count
UNION ALL
SELECT min(ts_ns), pid, comm, CASE family WHEN 10 THEN 6 ELSE 4 END,
       saddr, 0, daddr, dport, count(*)
FROM connects
WHERE $count
GROUP BY pid, comm, family, saddr, daddr, dport
ORDER BY ts_ns, pid, daddr, dport
