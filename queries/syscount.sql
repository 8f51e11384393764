-- syscount: the most frequent system calls, like bcc/libbpf-tools syscount: per
-- system call (or per process with $per_process) the number of calls and, for -L,
-- their total time (enter -> return), the top $top per interval, ordered by count (by
-- total time with $latency). Names follow the recording host's architecture
-- ($arch, from the manifest's host.arch); unknown numbers read syscall_<nr>. Calls
-- that never return (exit, a successful execve) are not in the table.
--
-- Tables: syscalls (source `syscalls`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $arch               string: architecture of the recording host (bound from the capture)
--   $per_process        bool: count per process instead of per system call (-P)
--   $latency            bool: rank by total time instead of count (-L)
--   $failures           bool: only failed calls (negative return; -x)
--   $errno              i64: only calls failing with this errno (0 for all; -e)
--   $pid                i64: only this process (-1 for all; -p)
--   $top                u64: rows per interval (-T)
--
-- Columns:
--   interval_index  0-based index of the interval
--   pid       process id with $per_process, else null
--   comm      command name of the process (its first call in the window), else null
--   nr        system call number, null with $per_process
--   syscall   system call name, null with $per_process
--   count     calls
--   total_ns  their total time from enter to return, ns
WITH calls AS (
    SELECT
        (ts_ns - $start_ns) / $interval_ns AS interval_index,
        ts_ns,
        CASE WHEN $per_process THEN pid END AS pid,
        CASE WHEN NOT $per_process THEN nr END AS nr,
        comm,
        CAST(ts_ns AS BIGINT) - CAST(ts_enter_ns AS BIGINT) AS lat_ns
    FROM syscalls
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
      AND (NOT $failures OR ret < 0)
      AND ($errno = 0 OR ret = -CAST($errno AS BIGINT))
      AND ($pid < 0 OR pid = $pid)
),
grouped AS (
    SELECT
        interval_index, pid, nr,
        first_value(comm ORDER BY ts_ns) AS comm,
        count(*) AS count,
        sum(lat_ns) AS total_ns
    FROM calls
    GROUP BY interval_index, pid, nr
),
ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY interval_index
            ORDER BY CASE WHEN $latency THEN total_ns ELSE count END DESC, count DESC, pid, nr
        ) AS rank
    FROM grouped
)
SELECT
    interval_index,
    pid,
    CASE WHEN $per_process THEN comm END AS comm,
    nr,
    CASE WHEN nr IS NOT NULL THEN syscall_name(nr, $arch) END AS syscall,
    count,
    total_ns
FROM ranked
WHERE rank <= $top
ORDER BY interval_index, rank
