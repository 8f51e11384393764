-- fsoverview: the file-system chapter on one screen: per file-system type and
-- operation (read, write, open, fsync), the calls, Kbytes moved, average and
-- largest latency and the calls slower than 10 ms, per interval; what the book's
-- per-chapter bpftrace one-liners (calls and latency by file-system type and
-- operation) answer together. Like fsdist and fsslower, it times the system
-- calls (view fs_op): in-kernel callers are not seen, and sockets and pipes
-- (sockfs, pipefs) are file systems here too (-t to pick one). cachestat,
-- filetop and fileslower give the detail.
--
-- Tables: file_io (source `fileio`), file_open and file_sync (source `files`),
-- through the view fs_op.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $fstype             string: only this file-system type ('' for every one; -t)
--
-- Columns:
--   interval_index  0-based index of the interval
--   fstype          the file-system type
--   op              read, write, open or fsync
--   calls           calls that returned
--   kbytes          Kbytes moved (reads and writes)
--   avg_us          average latency, microseconds
--   max_us          the largest
--   slow            calls of 10 ms or more
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   File systems at a glance: calls, Kbytes, latency and slow calls per type and operation
-- @note    timed at the system calls (the live tools time each file system's file_operations, through kprobes or fentry): in-kernel callers are not seen
-- @after   fsslower
-- @tables  file_io, file_open, file_sync
-- @interval
-- @option  -t --type FSTYPE | string $fstype = '' | Only this file-system type (ext4, xfs, tmpfs, sockfs, ...).
-- @example | Every file-system type over the whole capture
-- @example -t ext4 --interval 5 | ext4 every 5 seconds
-- @layout  table
-- @column  FSTYPE | fstype | <10
-- @column  OP | op | <6
-- @column  CALLS | calls | >9
-- @column  KBYTES | kbytes | >10
-- @column  AVG_us | avg_us | >9 | fixed 1
-- @column  MAX_us | max_us | >9
-- @column  SLOW | slow | >6
SELECT
    (ts_ns - $start_ns) / $interval_ns AS interval_index,
    fstype,
    op,
    count(*) AS calls,
    CAST(sum(bytes) / 1024 AS BIGINT) AS kbytes,
    avg(CAST(lat_ns AS DOUBLE)) / 1000.0 AS avg_us,
    max(lat_ns) / 1000 AS max_us,
    sum(CASE WHEN lat_ns >= 10000000 THEN 1 ELSE 0 END) AS slow
FROM fs_op
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($fstype = '' OR fstype = $fstype)
GROUP BY 1, 2, 3
ORDER BY interval_index, fstype,
         CASE op WHEN 'read' THEN 0 WHEN 'write' THEN 1 WHEN 'open' THEN 2 ELSE 3 END
