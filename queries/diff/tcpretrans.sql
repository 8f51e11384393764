-- diff/tcpretrans: TCP retransmits per flow, for `retrace diff`, keyed by the
-- remote end (address:port; [v6]:port), whose local port differs across runs.
--
-- Tables: tcp_retransmit (source `tcp`).
--
-- Columns:
--   key    remote address:port
--   count  segments sent again (SYN-ACKs included)
--   bytes, lat_ns  always 0 (top lists share one shape)
SELECT CASE WHEN family = 10 THEN '[' || daddr || ']:' ELSE daddr || ':' END || CAST(dport AS VARCHAR) AS key,
       count(*) AS count, CAST(0 AS BIGINT) AS bytes, CAST(0 AS BIGINT) AS lat_ns
FROM tcp_retransmit
GROUP BY 1
