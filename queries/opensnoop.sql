-- opensnoop: every open of a file, with its process, the new file descriptor or
-- the error, and the path, like bcc/libbpf-tools opensnoop. It reads the open(),
-- creat(), openat() and openat2() system calls (libbpf-tools traces open and openat
-- only). PATH is the path as the caller passed it, not resolved against its
-- directory.
--
-- Tables: file_open (source `files`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: opens returning in [start, end)
--   $capture_start_ns   u64, ns: origin of time_s (the recording start)
--   $failed             bool: only failed opens (-x)
--   $pid                i64: only this process (-1 for all; -p)
--   $tid                i64: only this thread (-1 for all; -t)
--   $uid                i64: only this user id (-1 for all; -u)
--   $name               string: only commands whose name contains this ('' for all; -n)
--
-- Columns:
--   ts_ns        when the open returned, CLOCK_MONOTONIC ns
--   time_s       the same in seconds since the recording start
--   uid          real user id of the caller
--   pid, comm    the caller's process id and command
--   fd           the new file descriptor, -1 on failure
--   err          the errno of a failed open (2 ENOENT, 13 EACCES, ...), 0 on success
--   flags        open flags (O_WRONLY 1, O_RDWR 2, O_CREAT 0o100, ...)
--   flags_octal  the same in octal (the FLAGS column of -e)
--   path         the path argument
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Every open of a file: process, file descriptor or error, path
-- @after   killsnoop
-- @tables  file_open
-- @option  -T --timestamp | flag | Include a timestamp column: seconds since the recording started.
-- @option  -U --print-uid | flag | Include a UID column.
-- @option  -x --failed | flag $failed | Only failed opens.
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @option  -t --tid TID | int $tid = -1 | Only this thread.
-- @option  -u --uid UID | int $uid = -1 | Only this user id.
-- @option  -n --name NAME | string $name = '' | Only commands whose name contains NAME.
-- @option  -e --extended-fields | flag | Include the FLAGS column: the open flags in octal, as libbpf-tools prints them.
-- @example | Every open
-- @example -x -T | Failed opens, with seconds since the start
-- @example -n cat -U | Opens by commands whose name contains cat, with user ids
-- @example -e | Every open, with its flags in octal
-- @layout  events
-- @column  TIME(s) | time_s | <8 | fixed 3 | if --timestamp
-- @column  UID | uid | <7 | | if --print-uid
-- @column  PID | pid | <6
-- @column  COMM | comm | <16
-- @column  FD | fd | >3
-- @column  ERR | err | >3
-- @column  FLAGS | flags_octal | >8 | | if --extended-fields
-- @column  PATH | path |
SELECT
    ts_ns,
    CAST(CAST(ts_ns AS BIGINT) - CAST($capture_start_ns AS BIGINT) AS DOUBLE) / 1e9 AS time_s,
    uid,
    pid,
    comm,
    CASE WHEN ret >= 0 THEN ret ELSE -1 END AS fd,
    CASE WHEN ret < 0 THEN -ret ELSE 0 END AS err,
    flags,
    octal(flags) AS flags_octal,
    path
FROM file_open
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND (NOT $failed OR ret < 0)
  AND ($pid < 0 OR pid = $pid)
  AND ($tid < 0 OR tid = $tid)
  AND ($uid < 0 OR uid = $uid)
  AND ($name = '' OR strpos(comm, $name) > 0)
ORDER BY ts_ns, tid
