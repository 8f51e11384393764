-- tcpretrans: TCP retransmits, like bcc/libbpf-tools tcpretrans: one line per
-- segment sent again (table tcp_retransmit), with its flow and the socket's
-- state; T is R for a retransmit, S for a SYN-ACK sent again. Tail loss probes
-- (the live tool's -l) have no tracepoint and are not in the table. With -c,
-- retransmits are counted per flow instead. PID is null where the kernel
-- retransmitted from a timer or a received ACK (softirq), which is most of them.
--
-- Tables: tcp_retransmit (source `tcp`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: retransmits in [start, end)
--   $count              bool: count per flow (-c)
--
-- Columns:
--   ts_ns            when the segment was sent again, CLOCK_MONOTONIC ns (with -c: the first)
--   pid              the task that sent it (null: none, softirq)
--   ip               4 or 6
--   local, remote    address:port of each end ([v6]:port for IPv6)
--   t                R retransmit, S SYN-ACK again
--   state            the socket's TCP state
--   retransmits      1 (with -c: retransmits of the flow)
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   TCP retransmits: the flow, the socket's state, per segment sent again
-- @after   tcpconnlat
-- @tables  tcp_retransmit
-- @option  -c --count | flag $count | Count retransmits per flow.
-- @example | Every TCP retransmit
-- @example -c | Retransmits counted per flow
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S
-- @column  PID | pid | <7
-- @column  IP | ip | <2
-- @column  LADDR:LPORT | local | <21
-- @column  T> | t | <2
-- @column  RADDR:RPORT | remote | <21
-- @column  STATE | state | <11
-- @column  RETRANSMITS | retransmits | | | if --count
WITH
    flows AS (
        SELECT ts_ns, pid, family,
            CASE WHEN family = 10 THEN '[' || saddr || ']:' ELSE saddr || ':' END || CAST(sport AS VARCHAR) AS local,
            CASE WHEN family = 10 THEN '[' || daddr || ']:' ELSE daddr || ':' END || CAST(dport AS VARCHAR) AS remote,
            CASE WHEN synack THEN 'S' ELSE 'R' END AS t,
            tcp_state_name(state) AS state
        FROM tcp_retransmit
        WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
    )
SELECT ts_ns, pid, CASE family WHEN 10 THEN 6 ELSE 4 END AS ip, local, t, remote, state, 1 AS retransmits
FROM flows
WHERE NOT $count
UNION ALL
SELECT min(ts_ns), NULL, CASE family WHEN 10 THEN 6 ELSE 4 END, local, t, remote, '', count(*)
FROM flows
WHERE $count
GROUP BY family, local, t, remote
ORDER BY ts_ns, local, remote
