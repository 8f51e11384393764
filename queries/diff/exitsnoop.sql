-- diff/exitsnoop: process exits per command (threads left out, as exitsnoop does by
-- default), for `retrace diff`.
--
-- Tables: process_exit (source `proc`).
--
-- Columns:
--   key    comm of the exiting process
--   count  exits
--   bytes  always 0 (top lists share one shape)
SELECT comm AS key, count(*) AS count, CAST(0 AS BIGINT) AS bytes
FROM process_exit
WHERE pid = tid
GROUP BY comm
