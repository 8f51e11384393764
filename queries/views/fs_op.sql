-- fs_op: the file-system operations fsdist and fsslower time, one row per call,
-- from the system calls that lead to them: reads and writes (file_io), opens
-- (file_open) and fsyncs (file_sync, fsync and fdatasync) whose file the kernel
-- resolved, with the type of the file system the file is on. Sockets, pipes and
-- devices (sockfs, pipefs, devtmpfs) are rows too: filter on fstype.
--
-- Tables: file_io (source `fileio`), file_open and file_sync (source `files`).
-- Used by fsdist, fsslower, ext4dist, xfsdist, xfsslower.
--
-- Windows: a call belongs to the time it returned (`ts_ns`).
SELECT
    ts_ns,             -- u64, ns CLOCK_MONOTONIC: when the call returned
    CAST(ts_ns AS BIGINT) - CAST(ts_enter_ns AS BIGINT) AS lat_ns, -- i64, ns: how long it took
    pid,               -- u32: process id
    tid,               -- u32: thread id
    comm,              -- string: command name
    CASE WHEN write THEN 'write' ELSE 'read' END AS op, -- string: read, write, open or fsync
    fstype,            -- string: file-system type (ext4, xfs, tmpfs, ...)
    CASE WHEN ret > 0 THEN ret ELSE 0 END AS bytes, -- i64, bytes: moved (0 for opens and fsyncs)
    pos,               -- i64, bytes: offset of a read or write (0 for opens and fsyncs)
    name               -- string: the file's name (an open's path as passed)
FROM file_io
WHERE fstype <> ''
UNION ALL
SELECT ts_ns, CAST(ts_ns AS BIGINT) - CAST(ts_enter_ns AS BIGINT), pid, tid, comm, 'open',
       fstype, 0, 0, path
FROM file_open
WHERE ret >= 0 AND fstype <> ''
UNION ALL
SELECT ts_ns, CAST(ts_ns AS BIGINT) - CAST(ts_enter_ns AS BIGINT), pid, tid, comm, 'fsync',
       fstype, 0, 0, name
FROM file_sync
WHERE call IN ('fsync', 'fdatasync') AND fstype <> ''
