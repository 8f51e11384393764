-- tcptop: the TCP flows moving the most bytes, per process, like bcc/libbpf-tools
-- tcptop: KiB received and sent per process and connection (local and remote
-- address:port), largest first, the top $rows per interval (--interval N: one
-- table per N seconds, as tcptop -C prints them). Bytes are what send and
-- receive calls returned (table sock_io), counted when the call returned; the
-- live tool counts at tcp_sendmsg and tcp_cleanup_rbuf, the same bytes.
--
-- Tables: sock_io (source `sockio`, opt-in: record with --sources tcp,sockio).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $pid                i64: only this process (-1 for all; -p)
--   $ipv4, $ipv6        bool: only IPv4 (-4) or only IPv6 (-6) flows
--   $rows               u64: rows printed per interval (-r)
--   $sort               string: all (sent + received), sent or received (-s)
--
-- Columns:
--   interval_index   0-based index of the interval
--   pid, comm        the process
--   local, remote    address:port of each end ([v6]:port for IPv6)
--   rx_kb, tx_kb     KiB received and sent, rounded down
--   rx_bytes, tx_bytes  the same in bytes
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Top TCP flows by bytes sent and received, per process and interval
-- @after   tcpretrans
-- @tables  sock_io
-- @interval
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @option  -4 --ipv4 | flag $ipv4 | Only IPv4 flows.
-- @option  -6 --ipv6 | flag $ipv6 | Only IPv6 flows.
-- @option  -r --rows ROWS | uint $rows = 20 | Rows to print per interval.
-- @option  -s --sort SORT | string $sort = 'all' | Sort by all (sent and received), sent or received.
-- @example | Flows by bytes over the whole capture
-- @example --interval 1 -r 5 | The 5 busiest flows each second
-- @layout  table
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  LADDR | local | <21
-- @column  RADDR | remote | <21
-- @column  RX_KB | rx_kb | >6
-- @column  TX_KB | tx_kb | >6
WITH
    calls AS (
        SELECT
            (ts_ns - $start_ns) / $interval_ns AS interval_index,
            pid, comm, skaddr,
            CASE WHEN family = 10 THEN '[' || saddr || ']:' ELSE saddr || ':' END || CAST(sport AS VARCHAR) AS local,
            CASE WHEN family = 10 THEN '[' || daddr || ']:' ELSE daddr || ':' END || CAST(dport AS VARCHAR) AS remote,
            CASE WHEN recv THEN CAST(ret AS BIGINT) ELSE 0 END AS rx,
            CASE WHEN recv THEN 0 ELSE CAST(ret AS BIGINT) END AS tx
        FROM sock_io
        WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
          AND protocol = 6 AND ret > 0
          AND ($pid < 0 OR pid = $pid)
          AND (NOT $ipv4 OR family = 2)
          AND (NOT $ipv6 OR family = 10)
    ),
    flows AS (
        SELECT interval_index, pid, comm, local, remote,
            sum(rx) AS rx_bytes, sum(tx) AS tx_bytes,
            row_number() OVER (
                PARTITION BY interval_index
                ORDER BY
                    CASE $sort WHEN 'sent' THEN sum(tx) WHEN 'received' THEN sum(rx)
                               ELSE sum(rx) + sum(tx) END DESC,
                    pid, local, remote
            ) AS rank
        FROM calls
        GROUP BY interval_index, pid, comm, local, remote
    )
SELECT interval_index, pid, comm, local, remote,
       rx_bytes / 1024 AS rx_kb, tx_bytes / 1024 AS tx_kb, rx_bytes, tx_bytes
FROM flows
WHERE rank <= $rows
ORDER BY interval_index, rank
