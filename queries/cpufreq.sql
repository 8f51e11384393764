-- cpufreq: how long the CPUs ran at each frequency, like the book's cpufreq.bt but
-- weighted by time instead of sampled: every CPU's frequency is known from its
-- `initial` row (read from sysfs when the recording started) and each change after
-- it; each frequency holds until the CPU's next row, cut to the window. Time before
-- a CPU's first row is unknown and not counted. Summed over CPUs (CPU time), or per
-- CPU with $per_cpu; a frequency held across an interval boundary counts in both
-- intervals, each for its part.
--
-- Tables: cpu_frequency (source `cpufreq`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: the window
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $per_cpu            bool: one distribution per CPU (-C)
--
-- Columns:
--   interval_index  0-based index of the interval
--   cpu       CPU with $per_cpu, else null
--   mhz       frequency, MHz (freq_khz / 1000, rounded down)
--   time_ns   CPU time spent at that frequency in the window, ns
--   pct       share of the section's time (in its interval) at that frequency, percent
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
held AS (
    -- each frequency from its row to the CPU's next row, cut to the window
    SELECT
        CASE WHEN $per_cpu THEN cpu END AS cpu,
        freq_khz / 1000 AS mhz,
        greatest(from_ns, CAST($start_ns AS BIGINT)) AS lo,
        least(coalesce(to_ns, CAST($end_ns AS BIGINT)), CAST($end_ns AS BIGINT)) AS hi
    FROM spans
),
pieces AS (
    -- the part of each held frequency that falls in each interval
    SELECT
        i.interval_index,
        h.cpu,
        h.mhz,
        least(h.hi, CAST(i.end_ns AS BIGINT)) - greatest(h.lo, CAST(i.start_ns AS BIGINT))
            AS held_ns
    FROM held h
    JOIN window_intervals i
      ON h.lo < CAST(i.end_ns AS BIGINT) AND h.hi > CAST(i.start_ns AS BIGINT)
)
SELECT
    interval_index,
    cpu,
    mhz,
    time_ns,
    CAST(time_ns AS DOUBLE) * 100.0
        / CAST(sum(time_ns) OVER (PARTITION BY interval_index, cpu) AS DOUBLE) AS pct
FROM (
    SELECT interval_index, cpu, mhz, sum(held_ns) AS time_ns
    FROM pieces
    WHERE held_ns > 0
    GROUP BY interval_index, cpu, mhz
)
ORDER BY interval_index, cpu, mhz
