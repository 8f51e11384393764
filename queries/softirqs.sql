-- softirqs: time spent in soft interrupts, like bcc/libbpf-tools softirqs: per
-- vector, how many ran and their total time (softirq_entry -> softirq_exit, on one
-- CPU), or with $dist a log2 histogram of the time per run for each vector.
--
-- Tables: softirq (source `irq`), through the view irq_run (queries/views/irq_run.sql).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: handlers returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $unit_ns            u64, ns: time unit, 1 (nsecs, -N), 1000 (usecs) or 1000000 (msecs, -m)
--   $dist               bool: a histogram of the time per run for each name (-d)
--
-- Columns:
--   interval_index  0-based index of the interval
--   name      vector name: timer, net_rx, block, sched, rcu, ...
--   bucket    with $dist, log2 slot of the time in units: floor(log2(time / unit)),
--             0 for 0 and 1; null without $dist
--   count     runs (in that slot)
--   total_ns  their total time, ns
SELECT interval_index, name, bucket, count(*) AS count, sum(run_ns) AS total_ns
FROM (
    SELECT
        (ts_ns - $start_ns) / $interval_ns AS interval_index,
        name,
        run_ns,
        CASE WHEN $dist THEN log2_bucket(run_ns / CAST($unit_ns AS BIGINT)) END AS bucket
    FROM irq_run
    WHERE kind = 'softirq' AND ts_ns >= $start_ns AND ts_ns < $end_ns
)
GROUP BY interval_index, name, bucket
ORDER BY interval_index, name, bucket
