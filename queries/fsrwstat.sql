-- fsrwstat: reads and writes by file-system type, like the book's fsrwstat
-- (bpftrace, on vfs_read and vfs_write, per second): ext4, xfs, tmpfs, sockfs,
-- pipefs, proc, ... It reads the read/write family of system calls (table
-- file_io), so in-kernel callers are not seen.
--
-- Tables: file_io (source `fileio`), through the view file_rw.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--
-- Columns:
--   interval_index  0-based index of the interval
--   fstype          file-system type from the file's superblock
--   op              read or write
--   calls           calls
--   bytes           bytes moved
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Reads and writes by file-system type (ext4, xfs, tmpfs, sockfs...) and direction
-- @note    read from the read/write system calls (the book's tool traces vfs_read and vfs_write): in-kernel callers are not seen
-- @after   filetype
-- @tables  file_io
-- @interval
-- @example | Calls by file-system type over the whole capture
-- @example --interval 1 | The same every second, as the book's tool prints
-- @layout  table
-- @column  FSTYPE | fstype | <12
-- @column  OP | op | <5
-- @column  CALLS | calls | >8
-- @column  BYTES | bytes | >12
SELECT
    (ts_ns - $start_ns) / $interval_ns AS interval_index,
    CASE WHEN fstype = '' THEN '-' ELSE fstype END AS fstype,
    CASE WHEN write THEN 'write' ELSE 'read' END AS op,
    count(*) AS calls,
    sum(bytes) AS bytes
FROM file_rw
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
GROUP BY 1, 2, 3
ORDER BY interval_index, calls DESC, fstype, op
