-- diff/bitesize: every block I/O size, for `retrace diff`.
--
-- Tables: block_io (source `disk`).
--
-- Columns:
--   value  bytes of one request
SELECT CAST(bytes AS BIGINT) AS value
FROM block_io
