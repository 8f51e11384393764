-- fileslower: reads and writes slower than a threshold, like bcc fileslower: when,
-- which thread, direction, bytes, latency and file name. The live tool traces the
-- VFS (__vfs_read, __vfs_write), which this recording's kernel may not allow; this
-- one reads the read/write family of system calls (table file_io), so in-kernel
-- callers are not seen, and a call's latency includes the system call's own cost.
-- BYTES is what was asked for, as bcc prints.
--
-- Tables: file_io (source `fileio`), through the view file_rw.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $capture_start_ns   u64, ns: origin of time_s (the recording start)
--   $min_ms             i64, ms: only calls at least this slow (MIN_MS; 0 for all)
--   $all                bool: every file type, not only regular files (-a)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   ts_ns, time_s  when the call returned: CLOCK_MONOTONIC ns, and seconds since the recording start
--   comm, tid      the caller
--   d              R or W
--   bytes          bytes asked for
--   lat_ms         how long the call took, ms
--   file           the file's name
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Reads and writes slower than MIN_MS (default 10): caller, bytes, latency, file
-- @note    read from the read/write system calls (the live tool traces __vfs_read and __vfs_write): in-kernel callers are not seen
-- @after   filetop
-- @tables  file_io
-- @option  MIN_MS | uint $min_ms = 10 | Only calls at least this many milliseconds long (0: every call).
-- @option  -a --all | flag $all | Include every file type (sockets, pipes, devices), not only regular files.
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @example | Reads and writes of 10 ms or more
-- @example 0 -p 1 | Every read and write of process 1
-- @example 1 -a | Calls of 1 ms or more on any file, sockets and pipes included
-- @layout  events
-- @column  TIME(s) | time_s | <8 | fixed 3
-- @column  COMM | comm | <14
-- @column  TID | tid | <6
-- @column  D | d | <1
-- @column  BYTES | bytes | <7
-- @column  LAT(ms) | lat_ms | >7 | fixed 2
-- @column  FILENAME | file |
SELECT
    ts_ns,
    CAST(CAST(ts_ns AS BIGINT) - CAST($capture_start_ns AS BIGINT) AS DOUBLE) / 1e9 AS time_s,
    comm,
    tid,
    d,
    count AS bytes,
    CAST(lat_ns AS DOUBLE) / 1e6 AS lat_ms,
    file
FROM file_rw
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND lat_ns >= $min_ms * 1000000
  AND ($all OR file_type = 'regular')
  AND ($pid < 0 OR pid = $pid)
ORDER BY ts_ns, tid
