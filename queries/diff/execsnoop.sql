-- diff/execsnoop: execs per command, failed ones included, for `retrace diff`.
--
-- Tables: process_exec (source `proc`).
--
-- Columns:
--   key    comm after the exec (the program's name)
--   count  execs
--   bytes, lat_ns  always 0 (top lists share one shape)
SELECT comm AS key, count(*) AS count, CAST(0 AS BIGINT) AS bytes, CAST(0 AS BIGINT) AS lat_ns
FROM process_exec
GROUP BY comm
