-- xfsdist: latency histograms of xfs reads, writes, opens and fsyncs, like
-- bcc/libbpf-tools xfsdist: fsdist with the file-system type fixed to xfs
-- (see queries/fsdist.sql for what is timed and how it differs from the live tool).
--
-- Tables: file_io (source `fileio`), file_open and file_sync (source `files`),
-- through the view fs_op.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $milliseconds       bool: histogram in ms instead of us (-m)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   interval_index  0-based index of the interval
--   op              the section: read, write, open or fsync
--   bucket          log2 slot of the latency (us, or ms with -m)
--   count           calls in that slot
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Latency histograms of xfs reads, writes, opens and fsyncs
-- @note    timed at the system calls (the live tool times xfs's file_operations, through kprobes or fentry): in-kernel callers are not seen
-- @after   ext4dist
-- @tables  file_io, file_open, file_sync
-- @interval
-- @option  -m --milliseconds | flag $milliseconds | Histograms in milliseconds.
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @example | xfs operations over the whole capture
-- @example -m --interval 5 | In ms, every 5 seconds
-- @layout  log2 usecs | msecs if --milliseconds
-- @section operation = '{op}'
SELECT
    (ts_ns - $start_ns) / $interval_ns AS interval_index,
    op,
    log2_bucket(CASE WHEN $milliseconds THEN lat_ns / 1000000 ELSE lat_ns / 1000 END) AS bucket,
    count(*) AS count
FROM fs_op
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns AND fstype = 'xfs'
  AND ($pid < 0 OR pid = $pid)
GROUP BY 1, 2, 3
ORDER BY interval_index,
         CASE op WHEN 'read' THEN 0 WHEN 'write' THEN 1 WHEN 'open' THEN 2 ELSE 3 END,
         bucket
