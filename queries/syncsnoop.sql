-- syncsnoop: every sync-family system call, like the book's syncsnoop (bcc
-- syncsnoop traces sync() only; this one adds syncfs, fsync, fdatasync,
-- sync_file_range and msync, and each call's duration and result).
--
-- Tables: file_sync (source `files`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $capture_start_ns   u64, ns: origin of time_s (the recording start)
--   $pid                i64: only this process (-1 for all; -p)
--   $call               string: only this call ('' for all; -c)
--
-- Columns:
--   ts_ns        when the call returned, CLOCK_MONOTONIC ns
--   time_s       the same in seconds since the recording start
--   pid, comm    the caller's process id and command
--   call         sync, syncfs, fsync, fdatasync, sync_file_range or msync
--   fd           the descriptor synced (-1 for sync and msync)
--   lat_ms       how long the call took, ms
--   ret          0, or a negative errno
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Every sync, syncfs, fsync, fdatasync, sync_file_range and msync: caller, latency
-- @after   statsnoop
-- @tables  file_sync
-- @option  -T --time | flag | Include a HH:MM:SS time column.
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @option  -c --call CALL | string $call = '' | Only this system call (e.g. fsync).
-- @example | Every sync-family call
-- @example -c fsync -T | fsync() calls, with a wall-clock time column
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
-- @column  TIME(s) | time_s | <10 | fixed 6
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  CALL | call | <15
-- @column  FD | fd | >4
-- @column  LAT(ms) | lat_ms | >9 | fixed 3
-- @column  RET | ret |
SELECT
    ts_ns,
    CAST(CAST(ts_ns AS BIGINT) - CAST($capture_start_ns AS BIGINT) AS DOUBLE) / 1e9 AS time_s,
    pid,
    comm,
    call,
    fd,
    CAST(CAST(ts_ns AS BIGINT) - CAST(ts_enter_ns AS BIGINT) AS DOUBLE) / 1e6 AS lat_ms,
    ret
FROM file_sync
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($pid < 0 OR pid = $pid)
  AND ($call = '' OR call = $call)
ORDER BY ts_ns, tid
