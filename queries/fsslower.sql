-- fsslower: file-system operations (read, write, open, fsync) slower than a
-- threshold, like libbpf-tools fsslower (and its ext4slower, xfsslower,
-- btrfsslower, nfsslower): when, who, the operation (R, W, O, F), bytes, offset,
-- latency and file. The live tool times each file system's own file_operations;
-- this one times the system calls that lead there (view fs_op), so in-kernel
-- callers are not seen and the latency includes the system call's own cost.
--
-- Tables: file_io (source `fileio`), file_open and file_sync (source `files`),
-- through the view fs_op.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $fstype             string: only this file-system type ('' for every one; -t)
--   $min_ms             i64, ms: only calls at least this slow (-m; 0 for all)
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
--   fstype      its file system's type
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Reads, writes, opens and fsyncs slower than 10 ms (-m), per file-system type
-- @note    timed at the system calls (the live tool times each file system's file_operations, through kprobes or fentry): in-kernel callers are not seen
-- @after   fsdist
-- @tables  file_io, file_open, file_sync
-- @option  -t --type FSTYPE | string $fstype = '' | Only this file-system type (ext4, xfs, btrfs, nfs, tmpfs, ...).
-- @option  -m --min MIN_MS | uint $min_ms = 10 | Only operations at least this many ms long (0: every one).
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @example -t ext4 | ext4 operations of 10 ms or more
-- @example -m 0 | Every operation on every file system
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S
-- @column  COMM | comm | <16
-- @column  PID | pid | <7
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
    name AS file,
    fstype
FROM fs_op
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND lat_ns >= $min_ms * 1000000
  AND ($fstype = '' OR fstype = $fstype)
  AND ($pid < 0 OR pid = $pid)
ORDER BY ts_ns, tid
