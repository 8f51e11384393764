-- runq_wait: one row per run-queue wait of a thread, from when it became runnable to
-- when a CPU switched it in. A thread enters a run queue when it is woken
-- (sched_wakeup, or sched_wakeup_new for a new thread) or when it is switched out
-- while still runnable (preempted: prev_state = 0); its wait ends at its next
-- switch-in. A switch-in counts only when the thread's previous event in the capture
-- is such an enqueue: a thread already queued when the recording started, or whose
-- wakeup was lost, has no row, as the live tools skip it. With several enqueues
-- before a switch-in, the last one starts the wait. The idle task (tid 0) is left out.
-- Events at the same instant are taken enqueue first.
--
-- Tables: sched_switch, sched_wakeup (source `sched`). Used by runqlat, runqslower.
--
-- Windows: a wait belongs to the time of its switch-in (`ts_ns`); filtering on
-- `ts_ns` gives the waits that end in a window, wherever they started (a wait that
-- began before the window is counted whole, as the tools do).
SELECT
    ts_ns,        -- u64, ns CLOCK_MONOTONIC: when the thread was switched in (the wait's end)
    enqueue_ns,   -- u64, ns CLOCK_MONOTONIC: when it entered the run queue (the wait's start)
    CAST(ts_ns AS BIGINT) - CAST(enqueue_ns AS BIGINT) AS wait_ns, -- i64, ns: the wait
    cpu,          -- u32: CPU that switched it in
    tid,          -- u32: thread that waited
    pid,          -- u32: its process (tgid)
    comm,         -- string: its command name, at the switch-in
    ran_tid AS prev_tid,   -- u32: thread switched out at that moment, as in sched_switch (0: the CPU was idle)
    ran_pid AS prev_pid,   -- u32: that thread's process
    ran_comm AS prev_comm  -- string: that thread's command name (swapper/N: idle)
FROM (
    SELECT
        *,
        lag(kind) OVER (PARTITION BY tid ORDER BY ts_ns, kind) AS prev_kind,
        lag(ts_ns) OVER (PARTITION BY tid ORDER BY ts_ns, kind) AS enqueue_ns
    FROM (
        -- kind 0: enters the run queue; kind 1: switched in, with the thread it replaced (ran_*)
        SELECT ts_ns, cpu, tid, pid, comm, 0 AS kind,
               CAST(NULL AS INT UNSIGNED) AS ran_tid,
               CAST(NULL AS INT UNSIGNED) AS ran_pid,
               CAST(NULL AS VARCHAR) AS ran_comm
        FROM sched_wakeup
        WHERE tid <> 0
        UNION ALL
        SELECT ts_ns, cpu, prev_tid, prev_pid, prev_comm, 0, NULL, NULL, NULL
        FROM sched_switch
        WHERE prev_state = 0 AND prev_tid <> 0
        UNION ALL
        SELECT ts_ns, cpu, next_tid, next_pid, next_comm, 1, prev_tid, prev_pid, prev_comm
        FROM sched_switch
        WHERE next_tid <> 0
    )
)
WHERE kind = 1 AND prev_kind = 0
