-- diff/exitsnoop: process exits per command (threads left out, as exitsnoop does by
-- default), for `retrace diff`.
--
-- Tables: process_exit (source `proc`).
--
-- Columns:
--   key    comm of the exiting process
--   count  exits
--   bytes, lat_ns  always 0 (top lists share one shape)
SELECT comm AS key, count(*) AS count, CAST(0 AS BIGINT) AS bytes, CAST(0 AS BIGINT) AS lat_ns
FROM process_exit
WHERE pid = tid
GROUP BY comm
