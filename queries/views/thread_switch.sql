-- thread_switch: every context switch as each thread saw it: one row when a thread is
-- switched in and one when it is switched out (the idle task, tid 0, is left out), each
-- with the same thread's previous such event in the capture. At one instant a
-- switch-out is taken before a switch-in. oncpu_run and offcpu_run pair these rows.
--
-- Tables: sched_switch (source `sched`). Used by oncpu_run, offcpu_run (cpudist).
SELECT
    ts_ns,        -- u64, ns CLOCK_MONOTONIC: when the switch happened
    cpu,          -- u32: CPU that switched
    tid,          -- u32: the thread switched in or out
    pid,          -- u32: its process (tgid)
    comm,         -- string: its command name
    is_in,        -- i64: 1 switched in, 0 switched out
    lag(is_in) OVER (PARTITION BY tid ORDER BY ts_ns, is_in) AS prev_is_in, -- i64: is_in of the thread's previous event (null: none in the capture)
    lag(ts_ns) OVER (PARTITION BY tid ORDER BY ts_ns, is_in) AS prev_ts_ns, -- u64, ns CLOCK_MONOTONIC: time of that event
    lag(cpu) OVER (PARTITION BY tid ORDER BY ts_ns, is_in) AS prev_cpu      -- u32: CPU of that event
FROM (
    SELECT ts_ns, cpu, next_tid AS tid, next_pid AS pid, next_comm AS comm, 1 AS is_in
    FROM sched_switch
    WHERE next_tid <> 0
    UNION ALL
    SELECT ts_ns, cpu, prev_tid, prev_pid, prev_comm, 0
    FROM sched_switch
    WHERE prev_tid <> 0
)
