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
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Every process exit: age and exit code or signal
-- @after   execsnoop
-- @tables  process_exit
-- @option  -t --timestamp | flag | Include a HH:MM:SS time column.
-- @option  -x --failed | flag $failed | Trace error exits only (nonzero exit code or killed by a signal).
-- @option  -T --threaded | flag $threads | Trace by thread: include the exits of every thread, not only of processes.
-- @option  -p --pid PID | uint $pid = -1 | Trace this process only.
-- @example | Every process exit
-- @example -x -t | Only failed exits, with a wall-clock time column
-- @example -T | Every thread's exit too
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --timestamp
-- @column  PCOMM | comm | <16
-- @column  PID | pid | <7
-- @column  PPID | ppid | <7
-- @column  TID | tid | <7
-- @column  AGE(s) | age_s | <7 | fixed 2
-- @column  EXIT_CODE | exit_code | | exit signal core_dumped
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
