-- vfssize: histograms of read and write sizes by process and direction, like the
-- book's vfssize (bpftrace, on vfs_read and vfs_write, the bytes each returned). It
-- reads the read/write family of system calls (table file_io), so in-kernel
-- callers are not seen. Failed calls (a negative return) are left out.
--
-- Tables: file_io (source `fileio`), through the view file_rw.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   interval_index  0-based index of the interval
--   comm, op        the section: command, read or write
--   bucket          log2 slot of the bytes moved
--   count           calls in that slot
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Histograms of read and write sizes (bytes moved) by process and direction
-- @note    read from the read/write system calls (the book's tool traces vfs_read and vfs_write): in-kernel callers are not seen
-- @after   scread
-- @tables  file_io
-- @interval
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @example | Sizes over the whole capture
-- @example --interval 5 | The same every 5 seconds
-- @layout  log2 bytes
-- @section comm = {comm}, {op}
SELECT
    (ts_ns - $start_ns) / $interval_ns AS interval_index,
    comm,
    CASE WHEN write THEN 'write' ELSE 'read' END AS op,
    log2_bucket(ret) AS bucket,
    count(*) AS count
FROM file_rw
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns AND ret >= 0
  AND ($pid < 0 OR pid = $pid)
GROUP BY 1, 2, 3, 4
ORDER BY interval_index, comm, op, bucket
