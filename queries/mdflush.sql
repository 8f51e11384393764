-- mdflush: flush requests to software RAID (md) devices, one line each, like
-- bcc mdflush: when, who asked (an fsync's caller, a journal thread) and which
-- md device. It reads the same kernel function as the live tool
-- (md_flush_request, table md_flush), through fentry or a kprobe: md has no
-- tracepoint for it, so a kernel without md, or with neither fentry nor
-- kprobes, records nothing, and the tool says so.
--
-- Tables: md_flush (source `md`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: flushes in [start, end)
--
-- Columns:
--   ts_ns       when, CLOCK_MONOTONIC ns
--   pid, tid    process and thread ids
--   comm        command name
--   disk        the md device
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Flushes of software RAID (md) devices: who asked, which device
-- @after   iosched
-- @tables  md_flush
-- @probe   md_flush_request
-- @example | Every flush
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  DEVICE | disk |
SELECT ts_ns, pid, tid, comm, disk
FROM md_flush
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
ORDER BY ts_ns, tid
