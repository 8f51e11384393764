-- tcp_connect: TCP active opens, one row per CLOSE -> SYN_SENT change of table
-- tcp_state (the connecting task makes it), with the socket's next change: the
-- local port, bound after the connect's change, and, when that change is
-- SYN_SENT -> ESTABLISHED (the SYN-ACK arrived), when it came.
--
-- Tables: tcp_state (source `tcp`). Used by tcpconnect, tcpconnlat and diff's tcpconnlat.
--
-- Windows: a connect belongs to the time it began (`ts_ns`).
SELECT
    ts_ns,                 -- u64, ns CLOCK_MONOTONIC: when the connect began (CLOSE -> SYN_SENT)
    pid,                   -- u32: the connecting process
    tid,                   -- u32: its thread
    comm,                  -- string: its command name
    skaddr,                -- u64: the socket
    family,                -- u32: 2 IPv4, 10 IPv6
    saddr,                 -- string: local address
    coalesce(next_sport, 0) AS sport, -- u32: local port, from the next change (0: none seen)
    daddr,                 -- string: remote address
    dport,                 -- u32: remote port
    CASE WHEN next_old = 2 AND next_new = 1 THEN next_ns END AS established_ns, -- u64, ns CLOCK_MONOTONIC (null: not established)
    CASE WHEN next_old = 2 AND next_new = 1
         THEN CAST(next_ns AS BIGINT) - CAST(ts_ns AS BIGINT) END AS lat_ns -- i64, ns: connect to established
FROM (
    SELECT ts_ns, pid, tid, comm, skaddr, family, saddr, daddr, dport, oldstate, newstate,
        lead(sport) OVER w AS next_sport,
        lead(ts_ns) OVER w AS next_ns,
        lead(oldstate) OVER w AS next_old,
        lead(newstate) OVER w AS next_new
    FROM tcp_state
    WHERE protocol = 6
    WINDOW w AS (PARTITION BY skaddr ORDER BY ts_ns)
)
WHERE oldstate = 7 AND newstate = 2
