-- nvme_cmd_latency: NVMe commands from setup to completion, one row per
-- completed command: each `complete` of table nvme_cmd paired with the `setup`
-- before it of the same controller, queue and command id, when no other
-- completion of that id came between (an id is reused only once its command
-- completed). A command set up before the recording started, or whose setup was
-- lost, has no row.
--
-- Tables: nvme_cmd (source `nvme`). Used by nvmelatency.
--
-- Windows: a command belongs to the time it completed (`ts_ns`).
SELECT
    ts_ns,                 -- u64, ns CLOCK_MONOTONIC: when it completed
    setup_ns AS ts_setup_ns, -- u64, ns CLOCK_MONOTONIC: when it was set up
    CAST(ts_ns AS BIGINT) - CAST(setup_ns AS BIGINT) AS lat_ns, -- i64, ns: setup to completion
    setup_disk AS disk,    -- string: the namespace's disk (nvme0n1; empty for admin commands)
    ctrl_id,               -- i32: controller
    qid,                   -- i32: queue (0: admin)
    cid,                   -- u32: command id
    setup_opcode AS opcode, -- u32: the opcode
    CASE WHEN qid = 0 THEN 256 + setup_opcode ELSE setup_opcode END AS code, -- i64: the opcode, plus 256 for admin commands (for nvme_opcode())
    status,                -- u32: the completion's status (0: success)
    setup_pid AS pid,      -- u32: process that set it up
    setup_comm AS comm     -- string: its command name
FROM (
    SELECT
        ts_ns, event, ctrl_id, qid, cid, status,
        lag(event) OVER (PARTITION BY ctrl_id, qid, cid ORDER BY ts_ns) AS prev_event,
        lag(ts_ns) OVER (PARTITION BY ctrl_id, qid, cid ORDER BY ts_ns) AS setup_ns,
        lag(opcode) OVER (PARTITION BY ctrl_id, qid, cid ORDER BY ts_ns) AS setup_opcode,
        lag(disk) OVER (PARTITION BY ctrl_id, qid, cid ORDER BY ts_ns) AS setup_disk,
        lag(pid) OVER (PARTITION BY ctrl_id, qid, cid ORDER BY ts_ns) AS setup_pid,
        lag(comm) OVER (PARTITION BY ctrl_id, qid, cid ORDER BY ts_ns) AS setup_comm
    FROM nvme_cmd
) paired
WHERE event = 'complete' AND prev_event = 'setup'
