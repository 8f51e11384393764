-- scsiresult: SCSI command results by host byte and status, like the book's
-- scsiresult (bpftrace, on the scsi_dispatch_cmd_done tracepoint, as here): how
-- many commands completed DID_OK / SAM_STAT_GOOD, how many with a check
-- condition, a timeout, a reset. Commands the midlayer timed out
-- (scsi_dispatch_cmd_timeout) are counted on their own line with result TIMEOUT.
--
-- Tables: scsi_cmd (source `scsi`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: completions in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--
-- Columns:
--   interval_index  0-based index of the interval
--   host_byte       the result's host byte (DID_OK, DID_TIME_OUT, ...; TIMEOUT for a timed-out command)
--   status          its status byte (SAM_STAT_GOOD, SAM_STAT_CHECK_CONDITION, ...)
--   result          the raw result, in hex
--   count           commands
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   SCSI command results by host byte and status (DID_OK, SAM_STAT_CHECK_CONDITION, ...)
-- @after   scsilatency
-- @tables  scsi_cmd
-- @probe   scsi:scsi_dispatch_cmd_done
-- @interval
-- @example | Every result over the whole capture
-- @example --interval 1 | The same every second
-- @layout  table
-- @column  HOST | host_byte | <24
-- @column  STATUS | status | <28
-- @column  RESULT | result | >10
-- @column  COUNT | count | >8
SELECT
    (ts_ns - $start_ns) / $interval_ns AS interval_index,
    CASE WHEN event = 'timeout' THEN 'TIMEOUT' ELSE scsi_host_byte(result) END AS host_byte,
    CASE WHEN event = 'timeout' THEN '' ELSE scsi_status(result) END AS status,
    '0x' || to_hex(result) AS result,
    count(*) AS count
FROM scsi_cmd
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND event IN ('done', 'timeout')
GROUP BY 1, 2, 3, 4
ORDER BY interval_index, count DESC, result
