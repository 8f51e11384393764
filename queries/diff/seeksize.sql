-- diff/seeksize: every seek distance, for `retrace diff`: sectors between a request's
-- start and the end of the previous request issued to the same disk, as in seeksize.
--
-- Tables: block_io (source `disk`).
--
-- Columns:
--   value  seek distance, 512-byte sectors
SELECT abs(CAST(sector AS BIGINT) - prev_end) AS value
FROM (
    SELECT
        sector,
        lag(CAST(sector AS BIGINT) + CAST(bytes AS BIGINT) / 512) OVER (
            PARTITION BY disk ORDER BY ts_issue_ns, ts_complete_ns, sector
        ) AS prev_end
    FROM block_io
    WHERE bytes > 0
)
WHERE prev_end IS NOT NULL
