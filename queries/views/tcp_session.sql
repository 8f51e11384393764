-- tcp_session: TCP sessions, one row per connection that closed while recording:
-- the changes of one socket (table tcp_state, skaddr) from its first change out
-- of CLOSE (a connect: CLOSE -> SYN_SENT) or out of LISTEN (a connection a
-- listener made: LISTEN -> SYN_RECV) to its change into CLOSE. Listening sockets
-- are not sessions; a session that began before the recording started (its
-- first change was not seen) or had not closed when it ended has no row.
-- Bytes and retransmits are the socket's counters at its close, as the kernel
-- keeps them (and tcplife and ss report them): a SYN and a FIN take one sequence
-- number each, so an active open's tx_bytes count its SYN and, once acknowledged,
-- its FIN (data + 2), and rx_bytes count the peer's FIN (data + 1).
--
-- The task is the accept(2) that returned the socket (table tcp_accept), else
-- the session's first change that only a system call makes: connect() (into
-- SYN_SENT), close() or shutdown() (into FIN_WAIT1 or LAST_ACK). Other changes
-- are made by arriving packets, on whatever task the softirq interrupted.
--
-- Tables: tcp_state (source `tcp`), tcp_accept. Used by tcplife.
--
-- Windows: a session belongs to the time it closed (`ts_ns`).
WITH
    changes AS (
        SELECT *,
            sum(CASE WHEN oldstate = 7 OR (oldstate = 10 AND newstate = 3) THEN 1 ELSE 0 END)
                OVER (PARTITION BY skaddr ORDER BY ts_ns ROWS UNBOUNDED PRECEDING) AS session_no
        FROM tcp_state
        WHERE protocol = 6
    ),
    sessions AS (
        SELECT
            skaddr, session_no,
            min(ts_ns) AS open_ns,
            max(CASE WHEN newstate IN (1, 2, 3) THEN ts_ns END) AS established_ns,
            max(CASE WHEN newstate = 7 THEN ts_ns END) AS close_ns,
            bool_or(newstate = 10) AS listener,
            bool_or(oldstate = 7 AND newstate = 2) AS active,
            max(sport) AS bound_sport,
            min(CASE WHEN newstate IN (2, 4, 9) THEN ts_ns END) AS first_task_ns
        FROM changes
        WHERE session_no > 0
        GROUP BY skaddr, session_no
    ),
    closed AS (
        SELECT s.*, c.family, c.saddr, s.bound_sport AS sport, c.daddr, c.dport,
               c.bytes_acked, c.bytes_received, c.total_retrans, c.srtt_us
        FROM sessions s
        JOIN changes c
          ON c.skaddr = s.skaddr AND c.session_no = s.session_no AND c.ts_ns = s.close_ns
        WHERE s.close_ns IS NOT NULL AND NOT s.listener
    ),
    first_task AS (
        SELECT s.skaddr, s.session_no, c.pid, c.comm
        FROM sessions s
        JOIN changes c
          ON c.skaddr = s.skaddr AND c.session_no = s.session_no AND c.ts_ns = s.first_task_ns
    ),
    accepted AS (
        SELECT s.skaddr, s.session_no, a.pid, a.comm,
               row_number() OVER (PARTITION BY s.skaddr, s.session_no ORDER BY a.ts_ns) AS nth
        FROM sessions s
        JOIN tcp_accept a
          ON a.skaddr = s.skaddr AND a.ts_ns >= s.open_ns AND a.ts_ns <= s.close_ns
    )
SELECT
    c.close_ns AS ts_ns,       -- u64, ns CLOCK_MONOTONIC: when the socket closed
    c.open_ns,                 -- u64, ns CLOCK_MONOTONIC: its first change (connect, SYN received)
    c.established_ns,          -- u64, ns CLOCK_MONOTONIC: its last change into SYN_SENT, SYN_RECV or ESTABLISHED
    CAST(c.close_ns AS BIGINT) - CAST(c.established_ns AS BIGINT) AS span_ns, -- i64, ns: established to closed, as tcplife measures
    c.skaddr,                  -- u64: the socket
    c.active,                  -- bool: opened by connect() (false: accepted)
    coalesce(a.pid, f.pid) AS pid, -- u32 (null: no such change seen): connecting, accepting or closing process
    coalesce(a.comm, f.comm) AS comm, -- string: its command name
    c.family,                  -- u32: 2 IPv4, 10 IPv6
    c.saddr,                   -- string: local address
    c.sport,                   -- u32: local port
    c.daddr,                   -- string: remote address
    c.dport,                   -- u32: remote port
    c.bytes_acked AS tx_bytes, -- u64: bytes sent and acknowledged (SYN and FIN count one each)
    c.bytes_received AS rx_bytes, -- u64: bytes received (the peer's FIN counts one)
    c.total_retrans,           -- u32: segments retransmitted
    c.srtt_us                  -- u32, us: smoothed RTT at the close
FROM closed c
LEFT JOIN first_task f ON f.skaddr = c.skaddr AND f.session_no = c.session_no
LEFT JOIN accepted a ON a.skaddr = c.skaddr AND a.session_no = c.session_no AND a.nth = 1
