-- seeksize: how far each request's start is from where the previous request on the
-- same disk ended (in 512-byte sectors), as log2 histograms per process, like the
-- book's seeksize.bt. Requests are taken in issue order per disk; the first request of
-- each disk in the window has no predecessor and is not counted. Requests of 0 bytes
-- (cache flushes) carry no position and are left out.
--
-- Tables: block_io (source `disk`), through the view block_io_seq
-- (queries/views/block_io_seq.sql: requests with a position and where they end).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: requests completing in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $disk               string: only this disk ('' for all; -d)
--
-- Columns:
--   interval_index  0-based index of the interval
--   comm            command name of the process that issued the request
--   bucket          floor(log2(seek distance in sectors)), 0 for 0 and 1
--   count           requests in that slot
SELECT interval_index, comm, bucket, count(*) AS count
FROM (
    SELECT
        interval_index,
        comm,
        log2_bucket(abs(CAST(sector AS BIGINT) - prev_end)) AS bucket
    FROM (
        -- Issue order inside the window: a request's predecessor is the one issued
        -- before it among those completing in the window, so the pairing is done
        -- here, not taken from block_io_seq (whose order is completion).
        SELECT
            (ts_complete_ns - $start_ns) / $interval_ns AS interval_index,
            comm,
            sector,
            lag(end_sector) OVER (
                PARTITION BY disk ORDER BY ts_issue_ns, ts_complete_ns, sector
            ) AS prev_end
        FROM block_io_seq
        WHERE ts_complete_ns >= $start_ns AND ts_complete_ns < $end_ns
          AND ($disk = '' OR disk = $disk)
    )
    WHERE prev_end IS NOT NULL
)
GROUP BY interval_index, comm, bucket
ORDER BY interval_index, comm, bucket
