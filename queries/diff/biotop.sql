-- diff/biotop: block I/O per command, for `retrace diff`. Keyed by comm, not pid, so
-- the same program matches across runs whose pids differ.
--
-- Tables: block_io (source `disk`).
--
-- Columns:
--   key    comm of the process that queued (or issued) the requests
--   count  requests
--   bytes  bytes transferred
SELECT comm AS key, count(*) AS count, CAST(sum(bytes) AS BIGINT) AS bytes
FROM block_io
GROUP BY comm
