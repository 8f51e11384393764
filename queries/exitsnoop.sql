-- exitsnoop: every process exit with its age and exit code or signal, like
-- bcc/libbpf-tools exitsnoop. Threads other than the main one only with $threads.
--
-- Tables: process_exit (source `proc`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: exits in [start, end)
--   $capture_start_ns   u64, ns: origin of time_s (the recording start)
--   $failed             bool: only exits with a nonzero code or a signal (-x)
--   $threads            bool: include every thread exit, not only process exits (-T)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   ts_ns               when the task exited, CLOCK_MONOTONIC ns
--   time_s              the same in seconds since the recording start
--   comm                command name
--   pid, ppid, tid      process, parent and thread ids
--   age_s               lifetime of the task in seconds
--   exit_code           exit status (0-255), 0 when killed by a signal
--   signal              the signal that killed it, 0 when it exited
--   core_dumped         true when it dumped core
SELECT
    ts_ns,
    CAST(CAST(ts_ns AS BIGINT) - CAST($capture_start_ns AS BIGINT) AS DOUBLE) / 1e9 AS time_s,
    comm,
    pid,
    ppid,
    tid,
    CAST(greatest(CAST(ts_ns AS BIGINT) - CAST(start_ns AS BIGINT), 0) AS DOUBLE) / 1e9 AS age_s,
    exit_code,
    signal,
    core_dumped
FROM process_exit
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($threads OR pid = tid)
  AND (NOT $failed OR exit_code <> 0 OR signal <> 0)
  AND ($pid < 0 OR pid = $pid)
ORDER BY ts_ns, pid, tid
