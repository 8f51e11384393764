-- biosnoop: every block I/O request with its process, disk, operation, position, size
-- and latency, like bcc/libbpf-tools biosnoop.
--
-- Tables: block_io (source `disk`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: requests completing in [start, end)
--   $capture_start_ns   u64, ns: origin of time_s (the recording start)
--   $disk               string: only this disk ('' for all; -d)
--   $pid                i64: only requests of this process (-1 for all; -p)
--
-- Columns:
--   ts_complete_ns  completion time, CLOCK_MONOTONIC ns
--   time_s          completion time in seconds since the recording start
--   comm, pid       the process that queued (or issued) the request
--   disk, rwbs      disk name and operation flags (R read, W write, S sync, ...)
--   sector, bytes   start sector (512 B) and size
--   que_ms          insert -> issue in ms (OS queue time); null when never queued
--   lat_ms          issue -> complete in ms (device time)
--   error           0, or the negative errno of a failed request
SELECT
    ts_complete_ns,
    CAST(CAST(ts_complete_ns AS BIGINT) - CAST($capture_start_ns AS BIGINT) AS DOUBLE) / 1e9 AS time_s,
    comm,
    pid,
    disk,
    rwbs,
    sector,
    bytes,
    CAST(CAST(ts_issue_ns AS BIGINT) - CAST(ts_insert_ns AS BIGINT) AS DOUBLE) / 1e6 AS que_ms,
    CAST(CAST(ts_complete_ns AS BIGINT) - CAST(ts_issue_ns AS BIGINT) AS DOUBLE) / 1e6 AS lat_ms,
    error
FROM block_io
WHERE ts_complete_ns >= $start_ns AND ts_complete_ns < $end_ns
  AND ($disk = '' OR disk = $disk)
  AND ($pid < 0 OR pid = $pid)
ORDER BY ts_complete_ns, ts_issue_ns, disk, sector
