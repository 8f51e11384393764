-- writeback: each writeback work the flushers did, with its device, pages written,
-- reason and duration, like the book's writeback (bpftrace, on writeback_start and
-- writeback_written). A work's end is paired with the last start before it in the
-- same thread on the same device; PAGES is what the work wrote (its nr_pages at
-- start less what remained at the end).
--
-- Tables: writeback (source `pagecache`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: works ending in [start, end)
--
-- Columns:
--   ts_ns       when the work ended, CLOCK_MONOTONIC ns
--   bdi         the backing device (major:minor)
--   pages       pages written
--   reason      background, vmscan, sync, periodic, laptop_timer, fs_free_space, forker_thread, foreign_flush
--   lat_ms      from the work's start to its end, ms
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Each writeback work of the flushers: device, pages, reason, duration
-- @after   cachestat
-- @tables  writeback
-- @example | Every writeback work
-- @layout  events
-- @column  TIME | ts_ns | <9 | wall %H:%M:%S
-- @column  DEVICE | bdi | <8
-- @column  PAGES | pages | <8
-- @column  REASON | reason | <16
-- @column  ms | lat_ms | | fixed 3
SELECT
    ts_ns, bdi,
    start_pages - nr_pages AS pages,
    CASE reason
        WHEN 0 THEN 'background' WHEN 1 THEN 'vmscan' WHEN 2 THEN 'sync'
        WHEN 3 THEN 'periodic' WHEN 4 THEN 'laptop_timer' WHEN 5 THEN 'fs_free_space'
        WHEN 6 THEN 'forker_thread' WHEN 7 THEN 'foreign_flush'
        ELSE 'reason ' || CAST(reason AS VARCHAR)
    END AS reason,
    CAST(CAST(ts_ns AS BIGINT) - CAST(start_ns AS BIGINT) AS DOUBLE) / 1e6 AS lat_ms
FROM (
    SELECT *,
        lag(ts_ns) OVER w AS start_ns,
        lag(nr_pages) OVER w AS start_pages,
        lag(written) OVER w AS prev_written
    FROM writeback
    WINDOW w AS (PARTITION BY tid, bdi ORDER BY ts_ns)
)
WHERE written AND prev_written = false
  AND ts_ns >= $start_ns AND ts_ns < $end_ns
ORDER BY ts_ns, tid
