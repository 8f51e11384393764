-- vfscount: calls of the VFS functions, like the book's vfscount (bpftrace,
-- kprobes on every vfs_* function). Without kprobes it counts the system calls
-- that lead to them, each under the VFS function it calls: read and pread64
-- vfs_read, readv/preadv/preadv2 vfs_readv, write and pwrite64 vfs_write,
-- writev/pwritev/pwritev2 vfs_writev (table file_io); opens vfs_open and, when
-- they created their file, vfs_create too (file_open); fsync and fdatasync
-- vfs_fsync_range (file_sync; msync's, which a shared file mapping makes
-- with MS_SYNC, are not counted: its file is not resolved); newfstatat and statx vfs_statx, statfs
-- vfs_statfs (file_stat); unlink and unlinkat vfs_unlink, rmdir and unlinkat
-- with AT_REMOVEDIR vfs_rmdir (file_unlink). Opens count when they succeeded;
-- other calls that failed before reaching the VFS (a bad fd, a missing path) are
-- counted, as the live tool would not; the kernel's own calls (loop devices,
-- nfsd, exec) are not seen.
--
-- Tables: file_io (source `fileio`); file_open, file_sync, file_stat and
-- file_unlink (source `files`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--
-- Columns:
--   interval_index  0-based index of the interval
--   func            the VFS function
--   count           calls
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Calls of the VFS functions (vfs_read, vfs_write, vfs_open, ...)
-- @note    counts the system calls that lead to each vfs_* function (the book's tool uses kprobes on them): failed calls count, in-kernel callers are not seen
-- @after   vfsstat
-- @tables  file_io, file_open, file_sync, file_stat, file_unlink
-- @interval
-- @example | VFS calls over the whole capture
-- @example --interval 1 | The same every second
-- @layout  table
-- @column  FUNC | func | <16
-- @column  COUNT | count | >10
SELECT (ts_ns - $start_ns) / $interval_ns AS interval_index, func, count(*) AS count
FROM (
    SELECT ts_ns,
           CASE
               WHEN call IN ('read', 'pread64') THEN 'vfs_read'
               WHEN call IN ('readv', 'preadv', 'preadv2') THEN 'vfs_readv'
               WHEN call IN ('write', 'pwrite64') THEN 'vfs_write'
               ELSE 'vfs_writev'
           END AS func
    FROM file_io
    UNION ALL
    SELECT ts_ns, 'vfs_open' FROM file_open WHERE ret >= 0
    UNION ALL
    SELECT ts_ns, 'vfs_create' FROM file_open WHERE ret >= 0 AND created
    UNION ALL
    SELECT ts_ns, 'vfs_fsync_range' FROM file_sync WHERE call IN ('fsync', 'fdatasync')
    UNION ALL
    SELECT ts_ns, CASE WHEN call = 'statfs' THEN 'vfs_statfs' ELSE 'vfs_statx' END
    FROM file_stat
    UNION ALL
    SELECT ts_ns,
           CASE WHEN call = 'rmdir' OR (flags & 512) <> 0 THEN 'vfs_rmdir' ELSE 'vfs_unlink' END
    FROM file_unlink
) calls
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
GROUP BY 1, 2
ORDER BY interval_index, count DESC, func
