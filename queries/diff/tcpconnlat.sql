-- diff/tcpconnlat: every TCP connect latency (CLOSE -> SYN_SENT to SYN_SENT ->
-- ESTABLISHED of one socket: view tcp_connect), for `retrace diff`.
--
-- Tables: tcp_state (source `tcp`).
--
-- Columns:
--   value  connect to established, ns
SELECT lat_ns AS value
FROM tcp_connect
WHERE lat_ns IS NOT NULL
