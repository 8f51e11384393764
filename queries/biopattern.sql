-- biopattern: per disk, the share of random and sequential requests, like
-- libbpf-tools biopattern. Requests are taken in completion order per disk; one is
-- sequential when it starts where the previous one ended, random otherwise; the first
-- of each disk in the window has no predecessor and is not counted. Requests of
-- 0 bytes (cache flushes) carry no position and are left out.
--
-- Tables: block_io (source `disk`), through the view block_io_seq
-- (queries/views/block_io_seq.sql: each request's predecessor on its disk).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: requests completing in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $disk               string: only this disk ('' for all; -d)
--
-- Columns:
--   interval_index  0-based index of the interval
--   disk            disk name
--   pct_rnd         random requests, percent of count (rounded down)
--   pct_seq         sequential requests, percent of count (rounded down)
--   count           requests counted (random + sequential)
--   random, sequential  the two counts
--   kbytes          KiB transferred by the counted requests (rounded down)
SELECT
    interval_index,
    disk,
    random * 100 / (random + sequential) AS pct_rnd,
    sequential * 100 / (random + sequential) AS pct_seq,
    random + sequential AS count,
    random,
    sequential,
    bytes / 1024 AS kbytes
FROM (
    SELECT
        interval_index,
        disk,
        sum(CASE WHEN CAST(sector AS BIGINT) = prev_end_sector THEN 0 ELSE 1 END) AS random,
        sum(CASE WHEN CAST(sector AS BIGINT) = prev_end_sector THEN 1 ELSE 0 END) AS sequential,
        sum(CAST(bytes AS BIGINT)) AS bytes
    FROM (
        SELECT
            (ts_complete_ns - $start_ns) / $interval_ns AS interval_index,
            disk,
            sector,
            bytes,
            prev_end_sector
        FROM block_io_seq
        -- the predecessor must be in the window too: the first request of each disk
        -- in the window has none
        WHERE ts_complete_ns >= $start_ns AND ts_complete_ns < $end_ns
          AND prev_complete_ns >= $start_ns
          AND ($disk = '' OR disk = $disk)
    )
    GROUP BY interval_index, disk
)
ORDER BY interval_index, disk
