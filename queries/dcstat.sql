-- dcstat: dentry-cache statistics per interval, like bcc dcstat: references (a
-- path component looked up in the cache, lookup_fast), slow lookups (d_lookup,
-- when the fast path found nothing), misses (d_lookup found nothing: the
-- component is read from the file system) per second, and the hit ratio. It
-- reads the same kernel functions (table vfs_cache), through fentry/fexit or
-- kprobes: there is no tracepoint for them, so a kernel with neither records
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
--   refs_s          references per second
--   slow_s          slow lookups per second
--   miss_s          misses per second
--   hit_pct         references that did not miss, percent (0 without references)
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Dentry-cache references, slow lookups, misses per second and hit ratio
-- @after   bufgrow
-- @tables  vfs_cache
-- @probe   lookup_fast
-- @interval
-- @example --interval 1 | One line per second, as the live tool prints
-- @example | Over the whole capture
-- @layout  events
-- @column  TIME | end_ns | <8 | wall %H:%M:%S
-- @column  REFS/s | refs_s | >10 | fixed 0
-- @column  SLOW/s | slow_s | >10 | fixed 0
-- @column  MISS/s | miss_s | >10 | fixed 0
-- @column  HIT% | hit_pct | >8 | fixed 2
WITH counts AS (
    SELECT
        CAST((ts_ns - $start_ns) / $interval_ns AS BIGINT) AS interval_index,
        sum(CASE WHEN event = 'dentry_ref' THEN 1 ELSE 0 END) AS refs,
        sum(CASE WHEN event = 'dentry_slow' THEN 1 ELSE 0 END) AS slow,
        sum(CASE WHEN event = 'dentry_miss' THEN 1 ELSE 0 END) AS misses
    FROM vfs_cache
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
    GROUP BY 1
)
SELECT
    i.interval_index,
    i.end_ns,
    coalesce(c.refs, 0) / i.secs AS refs_s,
    coalesce(c.slow, 0) / i.secs AS slow_s,
    coalesce(c.misses, 0) / i.secs AS miss_s,
    CASE WHEN coalesce(c.refs, 0) > 0
         THEN 100.0 * CAST(greatest(c.refs - c.misses, 0) AS DOUBLE) / CAST(c.refs AS DOUBLE)
         ELSE 0.0 END AS hit_pct
FROM window_intervals i LEFT JOIN counts c ON c.interval_index = i.interval_index
ORDER BY i.interval_index
