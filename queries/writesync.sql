-- writesync: writes to regular files by process, split into synchronous ones (the
-- file was opened O_SYNC or O_DSYNC) and the rest, like the book's writesync
-- (bpftrace, on vfs_write). It reads the write family of system calls (table
-- file_io), so in-kernel writers are not seen.
--
-- Tables: file_io (source `fileio`), through the view file_rw.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--
-- Columns:
--   interval_index  0-based index of the interval
--   comm            the command
--   regular         writes to files opened without O_SYNC/O_DSYNC
--   sync            writes to files opened with O_SYNC or O_DSYNC
--   sync_bytes      bytes those synchronous writes moved
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Writes to regular files by process: non-synchronous and O_SYNC/O_DSYNC
-- @note    read from the write system calls (the book's tool traces vfs_write): in-kernel writers are not seen
-- @after   fsrwstat
-- @tables  file_io
-- @interval
-- @example | Writes by process over the whole capture
-- @example --interval 5 | The same every 5 seconds
-- @layout  table
-- @column  COMM | comm | <16
-- @column  REGULAR | regular | >10
-- @column  SYNC | sync | >10
-- @column  SYNC_BYTES | sync_bytes | >12
SELECT
    (ts_ns - $start_ns) / $interval_ns AS interval_index,
    comm,
    sum(CASE WHEN sync THEN 0 ELSE 1 END) AS regular,
    sum(CASE WHEN sync THEN 1 ELSE 0 END) AS sync,
    sum(CASE WHEN sync THEN bytes ELSE 0 END) AS sync_bytes
FROM file_rw
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND write AND file_type = 'regular'
GROUP BY 1, 2
ORDER BY interval_index, sync DESC, regular DESC, comm
