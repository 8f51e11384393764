-- vfsstat: reads, writes, fsyncs, opens and creates per second, one line per
-- interval, like libbpf-tools vfsstat. The live tool counts calls of vfs_read,
-- vfs_write, vfs_fsync, vfs_open and vfs_create; this one counts the system calls
-- that lead there (tables file_io, file_sync, file_open), so in-kernel callers are
-- not seen. CREATE/s counts the opens that created their file (the kernel's
-- FMODE_CREATED, as vfs_create would have been called).
--
-- Tables: file_io (source `fileio`), file_open and file_sync (source `files`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--
-- Columns:
--   interval_index  0-based index of the interval
--   end_ns          the interval's end, CLOCK_MONOTONIC ns
--   read_s, write_s, fsync_s, open_s, create_s   calls per second in the interval
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Reads, writes, fsyncs, opens and creates per second
-- @note    counts the system calls that lead to vfs_read, vfs_write, vfs_fsync, vfs_open and vfs_create (the live tool's kprobes): in-kernel callers are not seen
-- @after   vfssize
-- @tables  file_io, file_open, file_sync
-- @interval
-- @example --interval 1 | One line per second, as the live tool prints
-- @example | Rates over the whole capture
-- @layout  events
-- @column  TIME | end_ns | <8 | wall %H:%M:%S
-- @column  READ/s | read_s | >8 | fixed 0
-- @column  WRITE/s | write_s | >8 | fixed 0
-- @column  FSYNC/s | fsync_s | >8 | fixed 0
-- @column  OPEN/s | open_s | >8 | fixed 0
-- @column  CREATE/s | create_s | >8 | fixed 0
WITH
    calls AS (
        SELECT (ts_ns - $start_ns) / $interval_ns AS interval_index,
               CASE WHEN write THEN 'write' ELSE 'read' END AS what
        FROM file_io WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
        UNION ALL
        SELECT (ts_ns - $start_ns) / $interval_ns, 'fsync'
        FROM file_sync
        WHERE ts_ns >= $start_ns AND ts_ns < $end_ns AND call IN ('fsync', 'fdatasync')
        UNION ALL
        SELECT (ts_ns - $start_ns) / $interval_ns, 'open'
        FROM file_open WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
        UNION ALL
        SELECT (ts_ns - $start_ns) / $interval_ns, 'create'
        FROM file_open
        WHERE ts_ns >= $start_ns AND ts_ns < $end_ns AND created
    ),
    counts AS (
        SELECT CAST(interval_index AS BIGINT) AS interval_index,
               sum(CASE WHEN what = 'read' THEN 1 ELSE 0 END) AS reads,
               sum(CASE WHEN what = 'write' THEN 1 ELSE 0 END) AS writes,
               sum(CASE WHEN what = 'fsync' THEN 1 ELSE 0 END) AS fsyncs,
               sum(CASE WHEN what = 'open' THEN 1 ELSE 0 END) AS opens,
               sum(CASE WHEN what = 'create' THEN 1 ELSE 0 END) AS creates
        FROM calls GROUP BY 1
    )
SELECT
    i.interval_index,
    i.end_ns,
    coalesce(c.reads, 0) / i.secs AS read_s,
    coalesce(c.writes, 0) / i.secs AS write_s,
    coalesce(c.fsyncs, 0) / i.secs AS fsync_s,
    coalesce(c.opens, 0) / i.secs AS open_s,
    coalesce(c.creates, 0) / i.secs AS create_s
FROM window_intervals i LEFT JOIN counts c ON c.interval_index = i.interval_index
ORDER BY i.interval_index
