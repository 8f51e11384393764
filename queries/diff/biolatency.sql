-- diff/biolatency: every block I/O latency, for `retrace diff` (distributions,
-- percentiles and the Mann-Whitney test are computed over these raw values).
--
-- Tables: block_io (source `disk`).
--
-- Columns:
--   value  issue -> complete latency of one request, ns
SELECT greatest(CAST(ts_complete_ns AS BIGINT) - CAST(ts_issue_ns AS BIGINT), 0) AS value
FROM block_io
