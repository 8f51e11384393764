-- xfsslower: xfs reads, writes, opens and fsyncs slower than MIN_MS (default 10),
-- like bcc xfsslower: fsslower with the file-system type fixed to xfs (see
-- queries/fsslower.sql for what is timed and how it differs from the live tool).
--
-- Tables: file_io (source `fileio`), file_open and file_sync (source `files`),
-- through the view fs_op.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $min_ms             i64, ms: only calls at least this slow (MIN_MS; 0 for all)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   ts_ns       when the call returned, CLOCK_MONOTONIC ns
--   comm, pid   the caller
--   t           R read, W write, O open, F fsync
--   bytes       bytes moved (0 for O and F)
--   off_kb      offset of a read or write, KiB
--   lat_ms      how long it took, ms
--   file        the file's name (an open's path)
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   xfs reads, writes, opens and fsyncs slower than MIN_MS (default 10)
-- @note    timed at the system calls (the live tool times xfs's file_operations, through kprobes or fentry): in-kernel callers are not seen
-- @after   xfsdist
-- @tables  file_io, file_open, file_sync
-- @option  MIN_MS | uint $min_ms = 10 | Only operations at least this many ms long (0: every one).
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @example | xfs operations of 10 ms or more
-- @example 0 | Every xfs operation
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S
-- @column  COMM | comm | <14
-- @column  PID | pid | <6
-- @column  T | t | <1
-- @column  BYTES | bytes | <7
-- @column  OFF_KB | off_kb | <8
-- @column  LAT(ms) | lat_ms | >7 | fixed 2
-- @column  FILENAME | file |
SELECT
    ts_ns, comm, pid,
    CASE op WHEN 'read' THEN 'R' WHEN 'write' THEN 'W' WHEN 'open' THEN 'O' ELSE 'F' END AS t,
    bytes,
    pos / 1024 AS off_kb,
    CAST(lat_ns AS DOUBLE) / 1e6 AS lat_ms,
    name AS file
FROM fs_op
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns AND fstype = 'xfs'
  AND lat_ns >= $min_ms * 1000000
  AND ($pid < 0 OR pid = $pid)
ORDER BY ts_ns, tid
