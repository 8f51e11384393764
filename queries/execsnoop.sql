-- execsnoop: every exec() of a new program, with its parent, return value and
-- arguments, like bcc/libbpf-tools execsnoop.
--
-- Tables: process_exec (source `proc`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: execs returning in [start, end)
--   $capture_start_ns   u64, ns: origin of time_s (the recording start)
--   $failed             bool: include failed execs (-x)
--   $name               string: only commands whose name contains this ('' for all; -n)
--   $line               string: only commands whose arguments contain this ('' for all; -l)
--   $uid                i64: only this user id (-1 for all; -u)
--
-- Columns:
--   ts_ns           when exec returned, CLOCK_MONOTONIC ns
--   time_s          the same in seconds since the recording start
--   uid             real user id
--   comm            command name after exec (the old one when exec failed)
--   pid, ppid       process and parent process ids
--   ret             0, or the negative errno of a failed exec
--   args            the arguments joined by spaces (argv[0] first)
--   args_truncated  true when the recorder cut the argument list (printed as " ...")
--   filename        the path passed to exec
SELECT
    ts_ns,
    CAST(CAST(ts_ns AS BIGINT) - CAST($capture_start_ns AS BIGINT) AS DOUBLE) / 1e9 AS time_s,
    uid,
    comm,
    pid,
    ppid,
    ret,
    join_args(args) AS args,
    args_truncated,
    filename
FROM process_exec
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($failed OR ret = 0)
  AND ($name = '' OR strpos(comm, $name) > 0)
  AND ($line = '' OR strpos(join_args(args), $line) > 0)
  AND ($uid < 0 OR uid = $uid)
ORDER BY ts_ns, pid
