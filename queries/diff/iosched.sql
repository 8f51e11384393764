-- diff/iosched: every OS queue time (insert -> issue), for `retrace diff`; requests
-- never inserted in a scheduler queue are left out, as in iosched.
--
-- Tables: block_io (source `disk`).
--
-- Columns:
--   value  insert -> issue time of one request, ns
SELECT greatest(CAST(ts_issue_ns AS BIGINT) - CAST(ts_insert_ns AS BIGINT), 0) AS value
FROM block_io
WHERE ts_insert_ns IS NOT NULL
