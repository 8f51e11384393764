-- diff/tcpconnlat: every TCP connect latency (CLOSE -> SYN_SENT to SYN_SENT ->
-- ESTABLISHED of one socket), for `retrace diff`.
--
-- Tables: tcp_state (source `tcp`).
--
-- Columns:
--   value  connect to established, ns
SELECT CAST(ts_ns AS BIGINT) - CAST(connect_ns AS BIGINT) AS value
FROM (
    SELECT ts_ns, oldstate, newstate,
        lag(ts_ns) OVER w AS connect_ns,
        lag(oldstate) OVER w AS prev_old,
        lag(newstate) OVER w AS prev_new
    FROM tcp_state
    WHERE protocol = 6
    WINDOW w AS (PARTITION BY skaddr ORDER BY ts_ns)
)
WHERE oldstate = 2 AND newstate = 1 AND prev_old = 7 AND prev_new = 2
