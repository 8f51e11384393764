-- runqlen: run-queue length as a linear histogram of timed samples, like bcc runqlen:
-- how many threads were waiting for each CPU, sampled by the `profile` source (-F
-- times a second on every CPU). The recorder stores rq->nr_running, which counts the
-- running thread too; like bcc (which reads the CFS queue without the running task),
-- the length shown is the number waiting: nr_running - 1 when a thread was on the CPU,
-- nr_running when the CPU was idle (tid 0). Unlike bcc it counts runnable threads of
-- every scheduling class (real-time too), not only CFS ones.
--
-- Tables: profile (source `profile`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: samples taken in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $per_cpu            bool: one histogram per CPU (-C)
--
-- Columns:
--   interval_index  0-based index of the interval
--   cpu       CPU with $per_cpu, else null
--   runqlen   threads waiting in the run queue (the running one not counted)
--   count     samples with that length
SELECT interval_index, cpu, runqlen, count(*) AS count
FROM (
    SELECT
        (ts_ns - $start_ns) / $interval_ns AS interval_index,
        CASE WHEN $per_cpu THEN cpu END AS cpu,
        CASE WHEN tid = 0 THEN CAST(runq_len AS BIGINT)
             ELSE greatest(CAST(runq_len AS BIGINT) - 1, 0) END AS runqlen
    FROM profile
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
)
GROUP BY interval_index, cpu, runqlen
ORDER BY interval_index, cpu, runqlen
