-- nvmelatency: latency histograms of NVMe commands per disk and command
-- (nvme_cmd_read, nvme_cmd_write, nvme_cmd_flush, admin commands...), like the
-- book's nvmelatency. The book's tool times nvme_setup_cmd to nvme_complete_rq
-- through kprobes; this one times the tracepoints of the same names (view
-- nvme_cmd_latency). Kernels without the nvme driver have neither tracepoint.
--
-- Tables: nvme_cmd (source `nvme`), through the view nvme_cmd_latency.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: commands completing in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $milliseconds       bool: histogram in ms instead of us (-m)
--   $disk               string: only this disk ('' for every one; -d)
--
-- Columns:
--   interval_index  0-based index of the interval
--   disk, code      the section: the disk, and the opcode (plus 256 for admin commands)
--   label           the section's header
--   bucket          log2 slot of the latency (us, or ms with -m)
--   count           commands in that slot
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Latency histograms of NVMe commands per disk and command
-- @note    timed from the nvme_setup_cmd to the nvme_complete_rq tracepoint (the book's tool uses kprobes on the functions of the same names)
-- @after   scsiresult
-- @tables  nvme_cmd
-- @probe   nvme:nvme_complete_rq
-- @interval
-- @option  -d --disk DISK | string $disk = '' | Only this disk (nvme0n1).
-- @option  -m --milliseconds | flag $milliseconds | Histograms in milliseconds.
-- @example | Every disk and command
-- @example -d nvme0n1 -m | One disk, in ms
-- @layout  log2 usecs | msecs if --milliseconds
-- @section disk = {disk}, command = {label}
SELECT
    (ts_ns - $start_ns) / $interval_ns AS interval_index,
    disk,
    code,
    nvme_opcode(code) AS label,
    log2_bucket(CASE WHEN $milliseconds THEN lat_ns / 1000000 ELSE lat_ns / 1000 END) AS bucket,
    count(*) AS count
FROM nvme_cmd_latency
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($disk = '' OR disk = $disk)
GROUP BY 1, 2, 3, 4, 5
ORDER BY interval_index, disk, code, bucket
