-- statsnoop: every stat-family call on a path, with its process, result and path,
-- like bcc/libbpf-tools statsnoop. It reads statfs(), newfstatat() (what glibc's
-- stat, lstat and fstatat call) and statx(); this kernel has no exit tracepoint for
-- the old stat() and lstat() system calls, so they are not recorded.
--
-- Tables: file_stat (source `files`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $capture_start_ns   u64, ns: origin of time_s (the recording start)
--   $failed             bool: only failed calls (-x)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   ts_ns        when the call returned, CLOCK_MONOTONIC ns
--   time_s       the same in seconds since the recording start
--   pid, comm    the caller's process id and command
--   ret          0, or -1 on failure (as the live tool prints it)
--   err          the errno of a failed call (2 ENOENT, ...), 0 on success
--   call         statfs, newfstatat or statx
--   path         the path argument
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Every stat of a path (statfs, newfstatat, statx): process, result, path
-- @after   opensnoop
-- @tables  file_stat
-- @option  -t --timestamp | flag | Include a timestamp column: seconds since the recording started.
-- @option  -x --failed | flag $failed | Only failed calls.
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @example | Every stat of a path
-- @example -x -t | Failed ones, with seconds since the start
-- @layout  events
-- @column  TIME(s) | time_s | <14 | fixed 3 | if --timestamp
-- @column  PID | pid | <7
-- @column  COMM | comm | <20
-- @column  RET | ret | <4
-- @column  ERR | err | <4
-- @column  PATH | path |
SELECT
    ts_ns,
    CAST(CAST(ts_ns AS BIGINT) - CAST($capture_start_ns AS BIGINT) AS DOUBLE) / 1e9 AS time_s,
    pid,
    comm,
    CASE WHEN ret < 0 THEN -1 ELSE ret END AS ret,
    CASE WHEN ret < 0 THEN -ret ELSE 0 END AS err,
    call,
    path
FROM file_stat
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND (NOT $failed OR ret < 0)
  AND ($pid < 0 OR pid = $pid)
ORDER BY ts_ns, tid
