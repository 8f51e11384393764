-- tcplife: TCP sessions that closed while recording, with their endpoints, bytes
-- and duration, like bcc/libbpf-tools tcplife: one line per session, at its
-- close. Built on the view tcp_session (queries/views/tcp_session.sql); MS is
-- from the session's change into ESTABLISHED (its last change into SYN_SENT,
-- SYN_RECV or ESTABLISHED) to its close, as the live tool measures it; TX_KB and
-- RX_KB are the socket's acknowledged and received bytes, in KiB (2 decimals),
-- as the kernel counts them (its SYN and FIN take a byte each: see the view).
-- PID is the task that connected (an active open), accepted (a passive one), or
-- else closed the socket; the live tool takes the task current at the SYN_SENT
-- or LAST_ACK change, which for an accepted socket can be another process.
--
-- Tables: tcp_state, tcp_accept (source `tcp`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: sessions closing in [start, end)
--   $pid                i64: only sessions of this process (-1 for all; -p)
--   $ipv4, $ipv6        bool: only IPv4 (-4) or only IPv6 (-6) sessions
--   $lports, $rports    string: only these local (-L) or remote (-D) ports, comma-separated ('' for all)
--
-- Columns:
--   ts_ns            when the session closed, CLOCK_MONOTONIC ns
--   pid, comm        the session's process (see above); null when no task was seen
--   ip               4 or 6
--   saddr, sport     local address and port
--   daddr, dport     remote address and port
--   tx_kb, rx_kb     KiB sent (acknowledged) and received, fractional
--   ms               established to closed, ms
--   tx_bytes, rx_bytes  the same in bytes
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   TCP sessions: endpoints, bytes sent and received, and duration
-- @tables  tcp_state, tcp_accept
-- @option  -p --pid PID | int $pid = -1 | Only sessions of this process.
-- @option  -4 --ipv4 | flag $ipv4 | Only IPv4 sessions.
-- @option  -6 --ipv6 | flag $ipv6 | Only IPv6 sessions.
-- @option  -L --localport PORTS | string $lports = '' | Only these local ports (comma-separated).
-- @option  -D --remoteport PORTS | string $rports = '' | Only these remote ports (comma-separated).
-- @option  -T --time | flag | Include a HH:MM:SS time column.
-- @example | Every TCP session
-- @example -T -6 | IPv6 sessions, with wall-clock times
-- @example -D 80,443 | Sessions to the web ports
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  LADDR | saddr | <15
-- @column  LPORT | sport | <5
-- @column  RADDR | daddr | <15
-- @column  RPORT | dport | <5
-- @column  TX_KB | tx_kb | <6 | fixed 2
-- @column  RX_KB | rx_kb | <6 | fixed 2
-- @column  MS | ms | | fixed 2
SELECT
    ts_ns,
    pid,
    comm,
    CASE family WHEN 10 THEN 6 ELSE 4 END AS ip,
    saddr,
    sport,
    daddr,
    dport,
    CAST(tx_bytes AS DOUBLE) / 1024 AS tx_kb,
    CAST(rx_bytes AS DOUBLE) / 1024 AS rx_kb,
    CAST(span_ns AS DOUBLE) / 1e6 AS ms,
    tx_bytes,
    rx_bytes
FROM tcp_session
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($pid < 0 OR pid = $pid)
  AND (NOT $ipv4 OR family = 2)
  AND (NOT $ipv6 OR family = 10)
  AND ($lports = '' OR strpos(',' || replace($lports, ' ', '') || ',', ',' || CAST(sport AS VARCHAR) || ',') > 0)
  AND ($rports = '' OR strpos(',' || replace($rports, ' ', '') || ',', ',' || CAST(dport AS VARCHAR) || ',') > 0)
ORDER BY ts_ns, skaddr
