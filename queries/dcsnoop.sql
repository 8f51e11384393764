-- dcsnoop: dentry-cache misses, one line each, like bcc dcsnoop: when, who, and
-- the path component that was not cached (M); with -a every reference too (R),
-- a line per path component looked up. It reads the same kernel functions as
-- the live tool (lookup_fast and d_lookup, table vfs_cache), through
-- fentry/fexit or kprobes: there is no tracepoint for them, so a kernel with
-- neither records nothing, and the tool says so.
--
-- Tables: vfs_cache (source `vfscache`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: events in [start, end)
--   $all                bool: references too (-a)
--   $capture_start_ns   u64: the recording's start (for TIME(s))
--
-- Columns:
--   ts_ns       when, CLOCK_MONOTONIC ns
--   time_s      the same in seconds since the recording start
--   pid, tid    process and thread
--   comm        command name
--   type        M (miss) or R (reference)
--   file        the path component looked up
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Dentry-cache misses (and with -a every reference), one line each
-- @after   dcstat
-- @tables  vfs_cache
-- @probe   d_lookup:return
-- @option  -a --all | flag $all | Every reference too (lookup_fast), not only misses.
-- @example | Every miss
-- @example -a | Every reference and miss
-- @layout  events
-- @column  TIME(s) | time_s | <10 | fixed 3
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  T | type | <1
-- @column  FILE | file |
SELECT
    ts_ns,
    CAST(CAST(ts_ns AS BIGINT) - CAST($capture_start_ns AS BIGINT) AS DOUBLE) / 1e9 AS time_s,
    pid,
    tid,
    comm,
    CASE WHEN event = 'dentry_miss' THEN 'M' ELSE 'R' END AS type,
    name AS file
FROM vfs_cache
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND (event = 'dentry_miss' OR ($all AND event = 'dentry_ref'))
ORDER BY ts_ns, tid
