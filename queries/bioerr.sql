-- bioerr: every block I/O request that completed with an error, like the book's
-- bioerr.bt, with the disk, operation, position, size, errno and process.
--
-- Tables: block_io (source `disk`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: requests completing in [start, end)
--   $capture_start_ns   u64, ns: origin of time_s (the recording start)
--
-- Columns:
--   ts_complete_ns      completion time, CLOCK_MONOTONIC ns
--   time_s              completion time in seconds since the recording start
--   disk, maj, min      disk name and device number
--   rwbs                operation flags
--   sector, bytes       start sector (512 B) and size
--   error, error_name   the negative errno and its name (EIO, ETIMEDOUT, ...)
--   comm, pid           the process that queued (or issued) the request
SELECT
    ts_complete_ns,
    CAST(CAST(ts_complete_ns AS BIGINT) - CAST($capture_start_ns AS BIGINT) AS DOUBLE) / 1e9 AS time_s,
    disk,
    dev_major AS maj,
    dev_minor AS min,
    rwbs,
    sector,
    bytes,
    error,
    errno_name(error) AS error_name,
    comm,
    pid
FROM block_io
WHERE ts_complete_ns >= $start_ns AND ts_complete_ns < $end_ns
  AND error <> 0
ORDER BY ts_complete_ns, disk, sector
