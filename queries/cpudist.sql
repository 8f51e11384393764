-- cpudist: on-CPU time per run as a log2 histogram, like bcc/libbpf-tools cpudist:
-- for each thread, the time from being switched in to being switched out again
-- (every switch-out counts, whether the thread blocked or was preempted). With
-- $offcpu, the off-CPU time instead: from being switched out to being switched in
-- again (on any CPU). A run counts only when both of its ends are in the capture
-- (an on-CPU run also needs both on the same CPU, which a lost event can break). The
-- idle task (tid 0) is ignored. Runs are attributed to the interval in which they end.
--
-- Tables: sched_switch (source `sched`), through the views oncpu_run and offcpu_run
-- (queries/views/: how runs are paired).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: runs ending in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $unit_ns            u64, ns: time unit, 1000 (usecs) or 1000000 (msecs, -m)
--   $offcpu             bool: off-CPU time instead of on-CPU time (-O)
--   $per_process        bool: one histogram per process (-P)
--   $per_thread         bool: one histogram per thread (-L)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   interval_index  0-based index of the interval ((end of the run - $start_ns) / $interval_ns)
--   id        process id with $per_process, thread id with $per_thread, else null
--   comm      command name of the first thread of that section seen, else null
--   bucket    log2 slot of the time in units: floor(log2(time / unit)), 0 for 0 and 1
--   count     runs in that slot
SELECT interval_index, id, comm, bucket, count(*) AS count
FROM (
    SELECT
        interval_index,
        id,
        CASE WHEN $per_process OR $per_thread
             THEN first_value(comm) OVER (PARTITION BY id ORDER BY ts_ns) END AS comm,
        log2_bucket(run_ns / CAST($unit_ns AS BIGINT)) AS bucket
    FROM (
        SELECT
            (ts_ns - $start_ns) / $interval_ns AS interval_index,
            CASE WHEN $per_process THEN CAST(pid AS BIGINT)
                 WHEN $per_thread THEN CAST(tid AS BIGINT) END AS id,
            ts_ns,
            comm,
            run_ns
        FROM (
            SELECT ts_ns, tid, pid, comm, run_ns FROM oncpu_run WHERE NOT $offcpu
            UNION ALL
            SELECT ts_ns, tid, pid, comm, off_ns FROM offcpu_run WHERE $offcpu
        )
        WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
          AND ($pid < 0 OR pid = $pid)
    )
)
GROUP BY interval_index, id, comm, bucket
ORDER BY interval_index, id, bucket
