-- iosched: time requests waited in the OS I/O scheduler queue (block_rq_insert ->
-- block_rq_issue) as a log2 histogram per disk, like the book's iosched.bt. Requests
-- issued without being queued (ts_insert_ns null) are left out.
--
-- Tables: block_io (source `disk`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: requests completing in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $unit_ns            u64, ns: 1000 (usecs) or 1000000 (msecs, -m)
--   $disk               string: only this disk ('' for all; -d)
--
-- Columns:
--   interval_index  0-based index of the interval
--   disk            disk name
--   bucket          floor(log2(queue time / unit)), 0 for 0 and 1
--   count           requests in that slot
SELECT interval_index, disk, bucket, count(*) AS count
FROM (
    SELECT
        (ts_complete_ns - $start_ns) / $interval_ns AS interval_index,
        disk,
        log2_bucket(
            greatest(CAST(ts_issue_ns AS BIGINT) - CAST(ts_insert_ns AS BIGINT), 0)
                / CAST($unit_ns AS BIGINT)
        ) AS bucket
    FROM block_io
    WHERE ts_complete_ns >= $start_ns AND ts_complete_ns < $end_ns
      AND ts_insert_ns IS NOT NULL
      AND ($disk = '' OR disk = $disk)
)
GROUP BY interval_index, disk, bucket
ORDER BY interval_index, disk, bucket
