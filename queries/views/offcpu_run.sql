-- offcpu_run: one row per stretch a thread spent off CPU, from a switch-out to its next
-- switch-in (on any CPU): blocked, or runnable and waiting (runq_wait has the waits
-- alone). A stretch counts only when both of its ends are in the capture. The idle
-- task (tid 0) is left out. Not the `offcpu` table, which holds blocking events with
-- their stacks.
--
-- Tables: sched_switch (source `sched`), through thread_switch. Used by cpudist -O.
--
-- Windows: a stretch belongs to the time of its end (`ts_ns`); filtering on `ts_ns`
-- gives those that end in a window, counted whole even when they began before it.
SELECT
    ts_ns,               -- u64, ns CLOCK_MONOTONIC: when the thread was switched in again (the end)
    prev_ts_ns AS start_ns, -- u64, ns CLOCK_MONOTONIC: when it was switched out (the start)
    CAST(ts_ns AS BIGINT) - CAST(prev_ts_ns AS BIGINT) AS off_ns, -- i64, ns: time off the CPU
    cpu,                 -- u32: the CPU it was switched in on
    prev_cpu,            -- u32: the CPU it left
    tid,                 -- u32: the thread
    pid,                 -- u32: its process (tgid)
    comm                 -- string: its command name, at the switch-in
FROM thread_switch
WHERE is_in = 1 AND prev_is_in = 0
