-- cpufreq: how long the CPUs ran at each frequency, like the book's cpufreq.bt but
-- weighted by time instead of sampled: every CPU's frequency is known from its
-- `initial` row (read from sysfs when the recording started) and each change after
-- it; each frequency holds until the CPU's next row, cut to the window. Time before
-- a CPU's first row is unknown and not counted. Summed over CPUs (CPU time), or per
-- CPU with $per_cpu.
--
-- Tables: cpu_frequency (source `cpufreq`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: the window
--   $per_cpu            bool: one distribution per CPU (-C)
--
-- Columns:
--   cpu       CPU with $per_cpu, else null
--   mhz       frequency, MHz (freq_khz / 1000, rounded down)
--   time_ns   CPU time spent at that frequency in the window, ns
--   pct       share of the section's time at that frequency, percent
WITH spans AS (
    SELECT
        cpu,
        freq_khz,
        CAST(ts_ns AS BIGINT) AS from_ns,
        -- a change at the same instant as an initial row replaces it
        CAST(lead(ts_ns) OVER (PARTITION BY cpu ORDER BY ts_ns, initial DESC) AS BIGINT) AS to_ns
    FROM cpu_frequency
    WHERE ts_ns < $end_ns
),
clipped AS (
    SELECT
        CASE WHEN $per_cpu THEN cpu END AS cpu,
        freq_khz / 1000 AS mhz,
        least(coalesce(to_ns, CAST($end_ns AS BIGINT)), CAST($end_ns AS BIGINT))
            - greatest(from_ns, CAST($start_ns AS BIGINT)) AS held_ns
    FROM spans
)
SELECT
    cpu,
    mhz,
    time_ns,
    CAST(time_ns AS DOUBLE) * 100.0 / CAST(sum(time_ns) OVER (PARTITION BY cpu) AS DOUBLE) AS pct
FROM (
    SELECT cpu, mhz, sum(held_ns) AS time_ns
    FROM clipped
    WHERE held_ns > 0
    GROUP BY cpu, mhz
)
ORDER BY cpu, mhz
