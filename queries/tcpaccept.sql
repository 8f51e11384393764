-- tcpaccept: TCP connections a process accepted, like bcc/libbpf-tools
-- tcpaccept: one line per accept(2) or accept4(2) that returned a TCP socket
-- (table tcp_accept), with the accepting task; the live tool traces the kernel's
-- inet_csk_accept return instead, which sees the same connections.
--
-- Tables: tcp_accept (source `tcp`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: accepts returning in [start, end)
--   $pid                i64: only accepts of this process (-1 for all; -p)
--   $ports              string: only these local ports, comma-separated ('' for all; -P)
--
-- Columns:
--   ts_ns            when the accept returned, CLOCK_MONOTONIC ns
--   pid, comm        the accepting process
--   ip               4 or 6
--   daddr, dport     remote address and port
--   saddr, sport     local address and port
--   fd               the accepted connection's file descriptor
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   TCP accepts: the process, addresses and ports of every passive open
-- @after   tcpconnect
-- @tables  tcp_accept
-- @option  -p --pid PID | int $pid = -1 | Only accepts of this process.
-- @option  -P --port PORTS | string $ports = '' | Only accepts on these local ports (comma-separated).
-- @option  -T --time | flag | Include a HH:MM:SS time column.
-- @example | Every TCP accept
-- @example -T -P 22 | Accepts on port 22, with wall-clock times
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  IP | ip | <2
-- @column  RADDR | daddr | <15
-- @column  RPORT | dport | <5
-- @column  LADDR | saddr | <15
-- @column  LPORT | sport |
SELECT ts_ns, pid, comm, CASE family WHEN 10 THEN 6 ELSE 4 END AS ip,
       daddr, dport, saddr, sport, fd
FROM tcp_accept
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($pid < 0 OR pid = $pid)
  AND ($ports = '' OR strpos(',' || replace($ports, ' ', '') || ',', ',' || CAST(sport AS VARCHAR) || ',') > 0)
ORDER BY ts_ns, tid
