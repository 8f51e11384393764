-- diff/tcplife: TCP sessions per remote port, for `retrace diff`: how many closed,
-- the bytes they moved (sent and received, as the kernel counts them) and their
-- summed duration (established to closed), from the view tcp_session. Keyed by
-- the remote port, which stays the same across runs where addresses and local
-- ports differ.
--
-- Tables: tcp_state, tcp_accept (source `tcp`).
--
-- Columns:
--   key    remote port of the sessions
--   count  sessions
--   bytes  bytes sent and received
--   lat_ns summed session duration, ns
SELECT CAST(dport AS VARCHAR) AS key, count(*) AS count,
       CAST(sum(tx_bytes + rx_bytes) AS BIGINT) AS bytes,
       CAST(sum(greatest(span_ns, 0)) AS BIGINT) AS lat_ns
FROM tcp_session
GROUP BY dport
