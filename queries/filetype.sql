-- filetype: reads and writes by file type and process, like the book's filetype
-- (bpftrace, on vfs_read and vfs_write): regular files, sockets, pipes (fifo),
-- character devices, ... It reads the read/write family of system calls (table
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
--   file_type       regular, socket, fifo, char, block, dir, symlink (unknown: the fd was not open)
--   op              read or write
--   comm            the command
--   calls           read or write calls
--   bytes           bytes moved
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Reads and writes by file type (regular, socket, fifo, char...), direction and process
-- @note    read from the read/write system calls (the book's tool traces vfs_read and vfs_write): in-kernel callers are not seen
-- @after   fileslower
-- @tables  file_io
-- @interval
-- @example | Calls by file type over the whole capture
-- @example --interval 1 | The same every second
-- @layout  table
-- @column  TYPE | file_type | <8
-- @column  OP | op | <5
-- @column  COMM | comm | <16
-- @column  CALLS | calls | >8
-- @column  BYTES | bytes | >12
SELECT
    (ts_ns - $start_ns) / $interval_ns AS interval_index,
    file_type,
    CASE WHEN write THEN 'write' ELSE 'read' END AS op,
    comm,
    count(*) AS calls,
    sum(bytes) AS bytes
FROM file_rw
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
GROUP BY 1, 2, 3, 4
ORDER BY interval_index, calls DESC, file_type, op, comm
