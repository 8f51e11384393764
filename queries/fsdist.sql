-- fsdist: latency histograms of file-system operations (read, write, open, fsync)
-- per file-system type, like libbpf-tools fsdist (and its ext4dist, xfsdist,
-- btrfsdist, nfsdist). The live tool times each file system's own
-- file_operations (kprobes or fentry); this one times the system calls that lead
-- there (view fs_op), so the latency includes the system call's own cost, and
-- in-kernel callers are not seen. getattr is not timed here.
--
-- Tables: file_io (source `fileio`), file_open and file_sync (source `files`),
-- through the view fs_op.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $fstype             string: only this file-system type ('' for every one; -t)
--   $milliseconds       bool: histogram in ms instead of us (-m)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   interval_index  0-based index of the interval
--   fstype, op      the section: file-system type and operation
--   label           the section's header
--   bucket          log2 slot of the latency (us, or ms with -m)
--   count           calls in that slot
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Latency histograms of reads, writes, opens and fsyncs per file-system type
-- @note    timed at the system calls (the live tool times each file system's file_operations, through kprobes or fentry): in-kernel callers are not seen
-- @after   filelife
-- @tables  file_io, file_open, file_sync
-- @interval
-- @option  -t --type FSTYPE | string $fstype = '' | Only this file-system type (ext4, xfs, btrfs, nfs, tmpfs, ...).
-- @option  -m --milliseconds | flag $milliseconds | Histograms in milliseconds.
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @example -t ext4 | ext4's operations, as libbpf-tools ext4dist prints them
-- @example | Every file-system type
-- @example -m --interval 5 | Every type, in ms, every 5 seconds
-- @layout  log2 usecs | msecs if --milliseconds
-- @section {label}
SELECT
    (ts_ns - $start_ns) / $interval_ns AS interval_index,
    fstype,
    op,
    CASE WHEN $fstype = '' THEN 'fstype = ''' || fstype || ''', ' ELSE '' END
        || 'operation = ''' || op || '''' AS label,
    log2_bucket(CASE WHEN $milliseconds THEN lat_ns / 1000000 ELSE lat_ns / 1000 END) AS bucket,
    count(*) AS count
FROM fs_op
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($fstype = '' OR fstype = $fstype)
  AND ($pid < 0 OR pid = $pid)
GROUP BY 1, 2, 3, 4, 5
ORDER BY interval_index, fstype,
         CASE op WHEN 'read' THEN 0 WHEN 'write' THEN 1 WHEN 'open' THEN 2 ELSE 3 END,
         bucket
