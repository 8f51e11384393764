-- filelife: files created and deleted while recording, with how long each lived,
-- like libbpf-tools filelife (which traces vfs_create and vfs_unlink). It pairs
-- each successful unlink with the last open before it, of the same path, that
-- created its file (the kernel's FMODE_CREATED): the same path string, and for a
-- relative path the same process (which is assumed to stay in its directory),
-- and no other unlink of that path in between.
-- Files created by mkdir, mknod or link, or whose path was written differently at
-- the two calls, are not paired; libbpf-tools sees those.
--
-- Tables: file_open, file_unlink (source `files`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: unlinks returning in [start, end)
--   $pid                i64: only deletions by this process (-1 for all; -p)
--
-- Columns:
--   ts_ns       when the unlink returned, CLOCK_MONOTONIC ns
--   pid, comm   the process that deleted the file
--   age_s       seconds from the creating open's return to the unlink's entry
--   file        the path, as the unlink passed it
--   creator_pid the process that created it
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Files created and deleted during the recording, with their age
-- @note    pairs the open that created a file with the unlink of the same path (the live tool traces vfs_create and vfs_unlink): files made by mkdir, mknod or link are not seen
-- @after   mountsnoop
-- @tables  file_open, file_unlink
-- @option  -p --pid PID | int $pid = -1 | Only files deleted by this process.
-- @example | Every short-lived file
-- @example -p 1 | Files deleted by process 1
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  AGE(s) | age_s | <7 | fixed 2
-- @column  FILE | file |
WITH
    removed AS (
        SELECT ts_ns, ts_enter_ns, pid, tid, comm, path,
               lag(ts_ns) OVER (PARTITION BY path ORDER BY ts_ns) AS prev_unlink_ns
        FROM file_unlink
        WHERE ret = 0 AND (flags & 512) = 0
    ),
    unlinks AS (
        SELECT * FROM removed
        WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
          AND ($pid < 0 OR pid = $pid)
    ),
    paired AS (
        SELECT
            u.ts_ns, u.ts_enter_ns, u.pid, u.tid, u.comm, u.path,
            o.ts_ns AS created_ns,
            o.pid AS creator_pid,
            row_number() OVER (PARTITION BY u.ts_ns, u.tid ORDER BY o.ts_ns DESC) AS latest
        FROM unlinks u
        JOIN file_open o
          ON o.path = u.path
         AND o.created
         AND o.ts_ns < u.ts_enter_ns
         AND o.ts_ns > coalesce(u.prev_unlink_ns, 0)
         AND (u.path LIKE '/%' OR o.pid = u.pid)
    )
SELECT
    ts_ns, pid, comm,
    CAST(CAST(ts_enter_ns AS BIGINT) - CAST(created_ns AS BIGINT) AS DOUBLE) / 1e9 AS age_s,
    path AS file,
    creator_pid
FROM paired
WHERE latest = 1
ORDER BY ts_ns, tid
