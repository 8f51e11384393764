-- oomkill: every process the OOM killer killed, and the task whose allocation
-- triggered it, like bcc oomkill. bcc prints the OOM domain's size in pages and the
-- load average; a capture has no load average, and the size only when recorded
-- through oom_kill_process (kernels without the mark_victim tracepoint): otherwise
-- the line gives the victim's resident pages instead, and says so.
--
-- Tables: oom_kill (source `oom`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: kills in [start, end)
--
-- Columns:
--   ts_ns           when the victim was chosen, CLOCK_MONOTONIC ns
--   pid, comm       the task whose allocation triggered the kill
--   victim_pid      the process killed
--   victim_comm     its command
--   total_pages     pages the OOM domain allows (null when not recorded)
--   rss_pages       the victim's resident pages
--   total_vm_pages  the victim's virtual size in pages
--   line            the sentence printed
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   OOM kills: the victim, and the task whose allocation triggered it
-- @after   killsnoop
-- @tables  oom_kill
-- @example | Every OOM kill
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S
-- @column  EVENT | line |
SELECT
    ts_ns,
    pid,
    comm,
    victim_pid,
    victim_comm,
    total_pages,
    rss_pages,
    total_vm_pages,
    concat(
        'Triggered by PID ', CAST(pid AS VARCHAR), ' ("', comm, '"), OOM kill of PID ',
        CAST(victim_pid AS VARCHAR), ' ("', victim_comm, '"), ',
        CASE
            WHEN total_pages IS NOT NULL THEN concat(CAST(total_pages AS VARCHAR), ' pages')
            ELSE concat(CAST(rss_pages AS VARCHAR), ' pages resident')
        END
    ) AS line
FROM oom_kill
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
ORDER BY ts_ns, victim_pid
