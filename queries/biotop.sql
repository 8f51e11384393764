-- biotop: the processes doing the most block I/O, per disk and direction, like
-- bcc/libbpf-tools biotop: I/O count, Kbytes and average device latency, sorted by
-- bytes (largest first), the top $rows per interval.
--
-- Tables: block_io (source `disk`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: requests completing in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $rows               u64: rows printed per interval (-r)
--
-- Columns:
--   interval_index  0-based index of the interval
--   pid, comm       the process that queued (or issued) the requests
--   d               W for writes, R for everything else (as biotop)
--   maj, min        device number of the disk
--   disk            disk name
--   io              requests
--   bytes, kbytes   bytes transferred, and the same in KiB (rounded down)
--   avg_ms          average issue -> complete latency, ms
SELECT interval_index, pid, comm, d, maj, min, disk, io, bytes, kbytes, avg_ms
FROM (
    SELECT
        interval_index, pid, comm, d, maj, min, disk,
        count(*) AS io,
        sum(bytes) AS bytes,
        sum(bytes) / 1024 AS kbytes,
        avg(lat_ns) / 1e6 AS avg_ms,
        row_number() OVER (
            PARTITION BY interval_index
            ORDER BY sum(bytes) DESC, count(*) DESC, pid, comm, maj, min, d
        ) AS rank
    FROM (
        SELECT
            (ts_complete_ns - $start_ns) / $interval_ns AS interval_index,
            pid,
            comm,
            CASE WHEN rwbs LIKE 'W%' OR rwbs LIKE 'FW%' THEN 'W' ELSE 'R' END AS d,
            dev_major AS maj,
            dev_minor AS min,
            disk,
            CAST(bytes AS BIGINT) AS bytes,
            CAST(CAST(ts_complete_ns AS BIGINT) - CAST(ts_issue_ns AS BIGINT) AS DOUBLE) AS lat_ns
        FROM block_io
        WHERE ts_complete_ns >= $start_ns AND ts_complete_ns < $end_ns
    )
    GROUP BY interval_index, pid, comm, d, maj, min, disk
)
WHERE rank <= $rows
ORDER BY interval_index, rank
