-- llcstat: last-level cache references and misses per process (or thread) and CPU,
-- like libbpf-tools llcstat, estimated from sampled hardware counters: every `pmc`
-- row of counter llc_references / llc_misses stands for `period` events, charged to
-- the thread that ran when the counter overflowed. Rows of other counters are ignored.
--
-- Tables: pmc (source `pmc`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: samples taken in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $per_thread         bool: one row per thread instead of per process (-t)
--
-- Columns:
--   interval_index  0-based index of the interval
--   pid       process id (0: the CPU was idle)
--   tid       thread id with $per_thread, else null
--   comm      command name (the first sample's in the window)
--   cpu       CPU
--   references  LLC references (sum of the sample periods)
--   misses    LLC misses (sum of the sample periods)
--   hit_pct   (references - misses) / references * 100; 0 when misses >= references
SELECT
    interval_index, pid, tid, comm, cpu, references, misses,
    CASE WHEN references > misses
         THEN CAST(references - misses AS DOUBLE) * 100.0 / CAST(references AS DOUBLE)
         ELSE 0.0 END AS hit_pct
FROM (
    SELECT
        interval_index, pid, tid, cpu,
        first_value(comm ORDER BY ts_ns) AS comm,
        CAST(sum(CASE WHEN counter = 'llc_references' THEN period ELSE 0 END) AS BIGINT)
            AS references,
        CAST(sum(CASE WHEN counter = 'llc_misses' THEN period ELSE 0 END) AS BIGINT)
            AS misses
    FROM (
        SELECT
            (ts_ns - $start_ns) / $interval_ns AS interval_index,
            ts_ns, pid,
            CASE WHEN $per_thread THEN tid END AS tid,
            cpu, comm, counter, period
        FROM pmc
        WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
          AND counter IN ('llc_references', 'llc_misses')
    )
    GROUP BY interval_index, pid, tid, cpu
)
ORDER BY interval_index, references DESC, misses DESC, pid, tid, cpu
