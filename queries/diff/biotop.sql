-- diff/biotop: block I/O per command, for `retrace diff`. Keyed by comm, not pid, so
-- the same program matches across runs whose pids differ.
--
-- Tables: block_io (source `disk`).
--
-- Columns:
--   key    comm of the process that queued (or issued) the requests
--   count  requests
--   bytes  bytes transferred
--   lat_ns summed issue -> complete latency of the requests, ns
SELECT comm AS key, count(*) AS count, CAST(sum(bytes) AS BIGINT) AS bytes,
       sum(greatest(CAST(ts_complete_ns AS BIGINT) - CAST(ts_issue_ns AS BIGINT), 0)) AS lat_ns
FROM block_io
GROUP BY comm
