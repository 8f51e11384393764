-- biolatency: block device I/O latency as a log2 histogram, like bcc/libbpf-tools
-- biolatency. Latency is issue -> complete (time on the device), or insert -> complete
-- with $queued (adds the time queued in the OS; requests never inserted in a scheduler
-- queue count from their issue).
--
-- Tables: block_io (source `disk`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: requests completing in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $unit_ns            u64, ns: latency unit, 1000 (usecs) or 1000000 (msecs, -m)
--   $queued             bool: measure from insert instead of issue (-Q)
--   $per_disk           bool: one histogram per disk (-D)
--   $per_flag           bool: one histogram per operation and flags (-F)
--   $disk               string: only this disk ('' for all; -d)
--
-- Columns:
--   interval_index  0-based index of the interval ((ts_complete_ns - $start_ns) / $interval_ns)
--   disk      disk name, null without $per_disk
--   flags     operation and flags as libbpf-tools names them (bio_flags(rwbs)), null without $per_flag
--   bucket    log2 slot of the latency in units: floor(log2(latency / unit)), 0 for 0 and 1
--   count     requests in that slot
SELECT interval_index, disk, flags, bucket, count(*) AS count
FROM (
    SELECT
        (ts_complete_ns - $start_ns) / $interval_ns AS interval_index,
        CASE WHEN $per_disk THEN disk END AS disk,
        CASE WHEN $per_flag THEN bio_flags(rwbs) END AS flags,
        log2_bucket(
            greatest(
                CAST(ts_complete_ns AS BIGINT)
                - CAST(CASE WHEN $queued THEN coalesce(ts_insert_ns, ts_issue_ns)
                            ELSE ts_issue_ns END AS BIGINT),
                0
            ) / CAST($unit_ns AS BIGINT)
        ) AS bucket
    FROM block_io
    WHERE ts_complete_ns >= $start_ns AND ts_complete_ns < $end_ns
      AND ($disk = '' OR disk = $disk)
)
GROUP BY interval_index, disk, flags, bucket
ORDER BY interval_index, disk, flags, bucket
