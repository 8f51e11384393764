-- tcpstates: every TCP state change, with the time the socket spent in the state
-- it left, like libbpf-tools tcpstates. MS is the time since the socket's
-- previous change (0 for the first change seen of a socket, and for a new
-- socket at the address of one that closed). PID is null for a
-- change made in softirq (a packet arriving: no task made it), where the live
-- tool prints whatever task the interrupt found.
--
-- Tables: tcp_state (source `tcp`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: changes in [start, end)
--   $ipv4, $ipv6        bool: only IPv4 (-4) or only IPv6 (-6) sockets
--   $lports, $rports    string: only these local (-L) or remote (-D) ports, comma-separated ('' for all)
--
-- Columns:
--   ts_ns            when the socket changed state, CLOCK_MONOTONIC ns
--   skaddr           the socket's kernel address, in hex
--   pid, comm        the task that made the change (null pid: softirq)
--   ip               4 or 6
--   saddr, sport     local address and port
--   daddr, dport     remote address and port
--   oldstate, newstate  the states, by name (ESTABLISHED, ...)
--   arrow            "->", between them as the live tool prints it
--   ms               time in the old state, ms
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   TCP state changes, with the time spent in each state
-- @after   tcplife
-- @tables  tcp_state
-- @option  -4 --ipv4 | flag $ipv4 | Only IPv4 sockets.
-- @option  -6 --ipv6 | flag $ipv6 | Only IPv6 sockets.
-- @option  -L --localport PORTS | string $lports = '' | Only these local ports (comma-separated).
-- @option  -D --remoteport PORTS | string $rports = '' | Only these remote ports (comma-separated).
-- @option  -T --time | flag | Include a HH:MM:SS time column.
-- @example | Every TCP state change
-- @example -T -L 22 | Changes of sockets on local port 22, with wall-clock times
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
-- @column  SKADDR | skaddr | <16
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  IP | ip | <2
-- @column  LADDR | saddr | <15
-- @column  LPORT | sport | <5
-- @column  RADDR | daddr | <15
-- @column  RPORT | dport | <5
-- @column  OLDSTATE | oldstate | <11
-- @column  -> | arrow | <2
-- @column  NEWSTATE | newstate | <11
-- @column  MS | ms | | fixed 3
SELECT
    ts_ns,
    to_hex(skaddr) AS skaddr,
    pid,
    comm,
    CASE family WHEN 10 THEN 6 ELSE 4 END AS ip,
    saddr,
    sport,
    daddr,
    dport,
    tcp_state_name(oldstate) AS oldstate,
    '->' AS arrow,
    tcp_state_name(newstate) AS newstate,
    CASE WHEN prev_state = 7 THEN 0.0
         ELSE CAST(coalesce(CAST(ts_ns AS BIGINT) - CAST(prev_ns AS BIGINT), 0) AS DOUBLE) / 1e6 END AS ms
FROM (
    SELECT *,
        lag(ts_ns) OVER (PARTITION BY skaddr ORDER BY ts_ns) AS prev_ns,
        lag(newstate) OVER (PARTITION BY skaddr ORDER BY ts_ns) AS prev_state
    FROM tcp_state
    WHERE protocol = 6
)
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND (NOT $ipv4 OR family = 2)
  AND (NOT $ipv6 OR family = 10)
  AND ($lports = '' OR strpos(',' || replace($lports, ' ', '') || ',', ',' || CAST(sport AS VARCHAR) || ',') > 0)
  AND ($rports = '' OR strpos(',' || replace($rports, ' ', '') || ',', ',' || CAST(dport AS VARCHAR) || ',') > 0)
ORDER BY ts_ns, skaddr
