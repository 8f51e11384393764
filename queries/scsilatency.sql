-- scsilatency: latency histograms of SCSI commands per operation (READ_10,
-- WRITE_10, SYNCHRONIZE_CACHE, ...), like the book's scsilatency. The book's
-- tool times scsi_init_io to scsi_done through kprobes; this one times the
-- scsi_dispatch_cmd_start and scsi_dispatch_cmd_done tracepoints (view
-- scsi_cmd_latency): from the command's handing to the host adapter's driver to
-- its completion, without the midlayer's preparation before it. Kernels
-- without SCSI (a virtio-blk or NVMe-only machine) have neither tracepoint.
--
-- Tables: scsi_cmd (source `scsi`), through the view scsi_cmd_latency.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: commands completing in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $milliseconds       bool: histogram in ms instead of us (-m)
--
-- Columns:
--   interval_index  0-based index of the interval
--   opcode          the section: the operation's code
--   label           the section's header (its name)
--   bucket          log2 slot of the latency (us, or ms with -m)
--   count           commands in that slot
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Latency histograms of SCSI commands per operation (READ_10, WRITE_10, ...)
-- @note    timed from the scsi_dispatch_cmd_start to the scsi_dispatch_cmd_done tracepoint (the book's tool times scsi_init_io to scsi_done through kprobes)
-- @after   seeksize
-- @tables  scsi_cmd
-- @probe   scsi:scsi_dispatch_cmd_done
-- @interval
-- @option  -m --milliseconds | flag $milliseconds | Histograms in milliseconds.
-- @example | Every operation's latency
-- @example -m --interval 5 | In ms, every 5 seconds
-- @layout  log2 usecs | msecs if --milliseconds
-- @section opcode = {label}
SELECT
    (ts_ns - $start_ns) / $interval_ns AS interval_index,
    opcode,
    scsi_opcode(opcode) AS label,
    log2_bucket(CASE WHEN $milliseconds THEN lat_ns / 1000000 ELSE lat_ns / 1000 END) AS bucket,
    count(*) AS count
FROM scsi_cmd_latency
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
GROUP BY 1, 2, 3, 4
ORDER BY interval_index, opcode, bucket
