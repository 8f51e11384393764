-- scsi_cmd_latency: SCSI commands from dispatch to completion, one row per
-- completed command: each `done` of table scsi_cmd paired with the `start`
-- before it of the same device (host_no, channel, target, lun) and driver tag,
-- when no other completion of that tag came between (a tag is reused only once
-- its command completed). Timeouts and driver refusals are left out; a command
-- dispatched before the recording started, or whose start was lost, has no row;
-- nor has one without a tag (-1: kernels before 6.0 do not trace it).
--
-- Tables: scsi_cmd (source `scsi`). Used by scsilatency.
--
-- Windows: a command belongs to the time it completed (`ts_ns`).
SELECT
    ts_ns,                 -- u64, ns CLOCK_MONOTONIC: when it completed
    start_ns AS ts_start_ns, -- u64, ns CLOCK_MONOTONIC: when it was dispatched
    CAST(ts_ns AS BIGINT) - CAST(start_ns AS BIGINT) AS lat_ns, -- i64, ns: dispatch to completion
    host_no,               -- u32: SCSI host number
    channel,               -- u32: channel
    target,                -- u32: target id
    lun,                   -- u32: logical unit
    opcode,                -- u32: the command's operation code
    result,                -- i32: the SCSI result
    start_pid AS pid,      -- u32: process that dispatched it
    start_comm AS comm     -- string: its command name
FROM (
    SELECT
        ts_ns, event, host_no, channel, target, lun, opcode, result,
        lag(event) OVER (PARTITION BY host_no, channel, target, lun, driver_tag ORDER BY ts_ns) AS prev_event,
        lag(ts_ns) OVER (PARTITION BY host_no, channel, target, lun, driver_tag ORDER BY ts_ns) AS start_ns,
        lag(pid) OVER (PARTITION BY host_no, channel, target, lun, driver_tag ORDER BY ts_ns) AS start_pid,
        lag(comm) OVER (PARTITION BY host_no, channel, target, lun, driver_tag ORDER BY ts_ns) AS start_comm
    FROM scsi_cmd
    WHERE event IN ('start', 'done') AND driver_tag >= 0
) paired
WHERE event = 'done' AND prev_event = 'start'
