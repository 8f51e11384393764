-- bitesize: block I/O request sizes per process as log2 histograms of Kbytes, like
-- bcc/libbpf-tools bitesize (a 4 KiB request falls in slot "4 -> 7").
--
-- Tables: block_io (source `disk`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: requests completing in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $comm               string: only this command name ('' for all; -c)
--   $disk               string: only this disk ('' for all; -d)
--
-- Columns:
--   interval_index  0-based index of the interval
--   comm            command name of the process
--   bucket          floor(log2(bytes / 1024)), 0 for requests under 2 KiB
--   count           requests in that slot
SELECT interval_index, comm, bucket, count(*) AS count
FROM (
    SELECT
        (ts_complete_ns - $start_ns) / $interval_ns AS interval_index,
        comm,
        log2_bucket(bytes / 1024) AS bucket
    FROM block_io
    WHERE ts_complete_ns >= $start_ns AND ts_complete_ns < $end_ns
      AND ($comm = '' OR comm = $comm)
      AND ($disk = '' OR disk = $disk)
)
GROUP BY interval_index, comm, bucket
ORDER BY interval_index, comm, bucket
