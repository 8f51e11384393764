-- cachestat: page-cache hits, misses and dirtied pages per interval, like
-- libbpf-tools cachestat. The live tool counts calls of mark_page_accessed,
-- add_to_page_cache_lru, folio_account_dirtied and mark_buffer_dirty (kprobes);
-- this one counts the page-cache tracepoints (table page_cache): accesses are the
-- pages buffered reads looked up (mm_filemap_get_pages, each lookup's batch) and file page faults
-- (mm_filemap_fault) with the cached pages mapped around them
-- (mm_filemap_map_pages), misses the pages added to the cache less the folios
-- dirtied (a write adds pages that were never missed), hits the accesses that
-- were not misses. In-kernel readers' accesses are not seen, and readahead adds
-- pages before they are read: a short window can count more misses than
-- accesses (hits are then 0). BUFFERS_MB and CACHED_MB are
-- not printed: the capture does not hold /proc/meminfo.
--
-- Tables: page_cache (source `pagecache`), through the view page_cache_pages.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: events in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   interval_index  0-based index of the interval
--   end_ns          the interval's end, CLOCK_MONOTONIC ns
--   accesses        pages looked up by reads, faults and fault-around
--   hits, misses    pages found in, and added to, the cache
--   dirties         folios dirtied
--   ratio           hits / accesses, percent (0 without accesses)
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Page-cache hits, misses, dirtied pages and hit ratio per interval
-- @note    counted from the page-cache tracepoints (the live tool's kprobes on mark_page_accessed and add_to_page_cache_lru are not used): see --help for how hits and misses are derived
-- @after   vfsstat
-- @tables  page_cache
-- @interval
-- @option  -T --timestamp | flag | Include a HH:MM:SS time column.
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @example --interval 1 -T | One line per second, as the live tool prints with -T
-- @example | Totals over the whole capture
-- @layout  events
-- @column  TIME | end_ns | <8 | wall %H:%M:%S | if --timestamp
-- @column  HITS | hits | >8
-- @column  MISSES | misses | >8
-- @column  DIRTIES | dirties | >8
-- @column  HITRATIO | ratio | >9 | percent 2
WITH
    counts AS (
        SELECT
            CAST((ts_ns - $start_ns) / $interval_ns AS BIGINT) AS interval_index,
            sum(CASE WHEN event IN ('get', 'fault', 'map') THEN pages ELSE 0 END) AS accesses,
            sum(CASE WHEN event = 'add' THEN pages ELSE 0 END) AS added,
            sum(CASE WHEN event = 'dirty' THEN pages ELSE 0 END) AS dirties
        FROM page_cache_pages
        WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
          AND ($pid < 0 OR pid = $pid)
        GROUP BY 1
    ),
    rates AS (
        SELECT
            n.interval_index,
            n.end_ns,
            CAST(coalesce(c.accesses, 0) AS BIGINT) AS accesses,
            greatest(CAST(coalesce(c.added, 0) AS BIGINT) - CAST(coalesce(c.dirties, 0) AS BIGINT), 0) AS misses,
            CAST(coalesce(c.dirties, 0) AS BIGINT) AS dirties
        FROM window_intervals n LEFT JOIN counts c ON c.interval_index = n.interval_index
    )
SELECT
    interval_index, end_ns, accesses,
    greatest(accesses - misses, 0) AS hits,
    misses, dirties,
    CASE WHEN accesses > 0
         THEN 100.0 * CAST(greatest(accesses - misses, 0) AS DOUBLE) / CAST(accesses AS DOUBLE)
         ELSE 0.0 END AS ratio
FROM rates
ORDER BY interval_index
