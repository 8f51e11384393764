-- oncpu_run: one row per stretch a thread ran on a CPU, from its switch-in to its next
-- switch-out (whether it then blocked or was preempted). A run counts only when both
-- of its ends are in the capture and on the same CPU (a lost event can break that).
-- The idle task (tid 0) is left out.
--
-- Tables: sched_switch (source `sched`), through thread_switch. Used by cpudist.
--
-- Windows: a run belongs to the time of its end (`ts_ns`); filtering on `ts_ns` gives
-- the runs that end in a window, counted whole even when they began before it.
SELECT
    ts_ns,               -- u64, ns CLOCK_MONOTONIC: when the thread was switched out (the run's end)
    prev_ts_ns AS start_ns, -- u64, ns CLOCK_MONOTONIC: when it was switched in (the run's start)
    CAST(ts_ns AS BIGINT) - CAST(prev_ts_ns AS BIGINT) AS run_ns, -- i64, ns: time on the CPU
    cpu,                 -- u32: the CPU it ran on
    tid,                 -- u32: the thread
    pid,                 -- u32: its process (tgid)
    comm                 -- string: its command name, at the switch-out
FROM thread_switch
WHERE is_in = 0 AND prev_is_in = 1 AND cpu = prev_cpu
