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
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Every exec() of a new program: command, pid, parent, return value, arguments
-- @after   biopattern
-- @tables  process_exec
-- @option  -T --time | flag | Include a HH:MM:SS time column.
-- @option  -t --timestamp | flag | Include a timestamp column: seconds since the recording started.
-- @option  -x --fails | flag $failed | Include failed exec()s.
-- @option  -n --name NAME | string $name = '' | Only commands whose name contains NAME.
-- @option  -l --line LINE | string $line = '' | Only commands whose arguments contain LINE.
-- @option  -u --uid UID | uint $uid = -1 | Only this user id.
-- @option  -U --print-uid | flag | Include a UID column.
-- @example | Every successful exec()
-- @example -x -T | Failed ones too, with a wall-clock time column
-- @example -n cc -t | Commands whose name contains cc, with seconds since the start
-- @example -l obj/ -U | Commands with obj/ in their arguments, with their user id
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
-- @column  TIME(s) | time_s | <8 | fixed 3 | if --timestamp
-- @column  UID | uid | <6 | | if --print-uid
-- @column  PCOMM | comm | <16
-- @column  PID | pid | <6
-- @column  PPID | ppid | <6
-- @column  RET | ret | >3
-- @column  ARGS | args | | ellipsis args_truncated
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
