-- icstat: inode-cache statistics per interval, like the book's icstat
-- (bpftrace, kprobes on find_inode_fast and its return): inode lookups by number
-- (references), those that found no cached inode (misses), and the hit ratio.
-- It reads the same kernel function (table vfs_cache), through fentry/fexit or
-- kprobes: there is no tracepoint for it, so a kernel with neither records
-- nothing, and the tool says so.
--
-- Tables: vfs_cache (source `vfscache`), and the window's intervals.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: events in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--
-- Columns:
--   interval_index  0-based index of the interval
--   end_ns          the interval's end, CLOCK_MONOTONIC ns
--   refs            inode-cache lookups
--   misses          lookups that found no cached inode
--   hit_pct         lookups that hit, percent (0 without lookups)
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Inode-cache references, misses and hit ratio per interval
-- @after   dcsnoop
-- @tables  vfs_cache
-- @probe   find_inode_fast
-- @interval
-- @example --interval 1 | One line per second, as the book's tool prints
-- @example | Over the whole capture
-- @layout  events
-- @column  TIME | end_ns | <8 | wall %H:%M:%S
-- @column  REFS | refs | >10
-- @column  MISSES | misses | >10
-- @column  HIT% | hit_pct | >8 | fixed 2
WITH counts AS (
    SELECT
        CAST((ts_ns - $start_ns) / $interval_ns AS BIGINT) AS interval_index,
        sum(CASE WHEN event = 'inode_ref' THEN 1 ELSE 0 END) AS refs,
        sum(CASE WHEN event = 'inode_miss' THEN 1 ELSE 0 END) AS misses
    FROM vfs_cache
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
    GROUP BY 1
)
SELECT
    i.interval_index,
    i.end_ns,
    CAST(coalesce(c.refs, 0) AS BIGINT) AS refs,
    CAST(coalesce(c.misses, 0) AS BIGINT) AS misses,
    CASE WHEN coalesce(c.refs, 0) > 0
         THEN 100.0 * CAST(greatest(c.refs - c.misses, 0) AS DOUBLE) / CAST(c.refs AS DOUBLE)
         ELSE 0.0 END AS hit_pct
FROM window_intervals i LEFT JOIN counts c ON c.interval_index = i.interval_index
ORDER BY i.interval_index
