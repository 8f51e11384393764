-- runqlat: run-queue (scheduler) latency as a log2 histogram, like libbpf-tools
-- runqlat: how long runnable threads waited for a CPU. A thread enters a run queue
-- when it is woken (sched_wakeup, or sched_wakeup_new for a new thread) or when it is
-- switched out while still runnable (preempted: prev_state = 0); its wait ends at its
-- next switch-in. A switch-in counts only when the thread's previous event in the
-- capture is such an enqueue (a thread already queued when the recording started, or
-- whose wakeup was lost, is skipped, as the live tool skips it). The idle task (tid 0)
-- is ignored. Several wakeups before a switch-in: the last one counts, as in the live
-- tool. Waits are attributed to the interval in which they end.
--
-- Tables: sched_switch, sched_wakeup (source `sched`), through the view runq_wait
-- (queries/views/runq_wait.sql: how waits are paired).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: waits ending (switch-in) in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $unit_ns            u64, ns: latency unit, 1000 (usecs) or 1000000 (msecs, -m)
--   $per_process        bool: one histogram per process (-P)
--   $per_thread         bool: one histogram per thread (-L)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   interval_index  0-based index of the interval ((switch-in ts - $start_ns) / $interval_ns)
--   id        process id with $per_process, thread id with $per_thread, else null
--   comm      command name of the first thread of that section seen switched in, else null
--   bucket    log2 slot of the wait in units: floor(log2(wait / unit)), 0 for 0 and 1
--   count     waits in that slot
SELECT interval_index, id, comm, bucket, count(*) AS count
FROM (
    SELECT
        interval_index,
        id,
        CASE WHEN $per_process OR $per_thread
             THEN first_value(comm) OVER (PARTITION BY id ORDER BY ts_ns) END AS comm,
        log2_bucket(wait_ns / CAST($unit_ns AS BIGINT)) AS bucket
    FROM (
        SELECT
            (ts_ns - $start_ns) / $interval_ns AS interval_index,
            CASE WHEN $per_process THEN CAST(pid AS BIGINT)
                 WHEN $per_thread THEN CAST(tid AS BIGINT) END AS id,
            ts_ns,
            comm,
            wait_ns
        FROM runq_wait
        WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
          AND ($pid < 0 OR pid = $pid)
    )
)
GROUP BY interval_index, id, comm, bucket
ORDER BY interval_index, id, bucket
