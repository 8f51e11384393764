-- runqslower: every run-queue wait longer than a threshold, like libbpf-tools
-- runqslower: the thread, how long it waited for a CPU, and the thread that ran on
-- that CPU until it got it. Waits are measured as in runqlat.sql: from a wakeup
-- (sched_wakeup / sched_wakeup_new) or a preemption (switched out with prev_state 0)
-- to the thread's next switch-in; a switch-in whose previous event is not such an
-- enqueue is skipped; the idle task (tid 0) is ignored.
--
-- Tables: sched_switch, sched_wakeup (source `sched`), through the view runq_wait
-- (queries/views/runq_wait.sql: how waits are paired).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: waits ending (switch-in) in [start, end)
--   $capture_start_ns   u64, ns: origin of time_s (the recording start)
--   $min_us             u64, µs: only waits longer than this (in whole µs, as the live tool)
--   $pid                i64: only this process (-1 for all; -p)
--   $tid                i64: only this thread (-1 for all; -t)
--
-- Columns:
--   ts_ns       when the thread was switched in, CLOCK_MONOTONIC ns
--   time_s      the same in seconds since the recording start
--   cpu         CPU it was switched in on
--   comm        command name of the thread
--   tid, pid    thread and process id
--   lat_us      the wait, µs (rounded down)
--   prev_comm   command name of the thread switched out at that moment (swapper/N: idle)
--   prev_tid, prev_pid  its thread and process id (0: the CPU was idle)
SELECT
    ts_ns,
    CAST(CAST(ts_ns AS BIGINT) - CAST($capture_start_ns AS BIGINT) AS DOUBLE) / 1e9 AS time_s,
    cpu,
    comm,
    tid,
    pid,
    wait_ns / 1000 AS lat_us,
    prev_comm,
    prev_tid,
    prev_pid
FROM runq_wait
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND wait_ns / 1000 > $min_us
  AND ($pid < 0 OR pid = $pid)
  AND ($tid < 0 OR tid = $tid)
ORDER BY ts_ns, cpu
