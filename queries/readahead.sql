-- readahead: readahead per file and process: how many synchronous and
-- asynchronous readaheads, how many pages they asked to read ahead, and how many
-- pages buffered reads then looked up in that file. The book's readahead
-- (bpftrace, kprobes on __do_page_cache_readahead and mark_page_accessed) counts
-- the readahead pages never used and their age; with only tracepoints this one
-- sets the pages read ahead beside the pages read (RA_PAGES far above READ_PAGES:
-- readahead wasted; a file read through mmap has few READ_PAGES).
--
-- Tables: page_cache (source `pagecache`), through the view page_cache_pages.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: events in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $rows               i64: rows printed per interval (-r)
--
-- Columns:
--   interval_index  0-based index of the interval
--   comm            the process that read
--   dev_major, dev_minor, ino   the file
--   dev             its device as major:minor
--   sync, async     readaheads started
--   ra_pages        pages they asked to read ahead
--   read_pages      pages buffered reads of the file looked up
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Readaheads per file and process: sync, async, pages read ahead vs pages read
-- @note    pages read ahead are set beside pages read, from tracepoints (the book's tool counts unused readahead pages through kprobes)
-- @after   writeback
-- @tables  page_cache
-- @interval
-- @option  -r --rows ROWS | uint $rows = 20 | Files to print per interval.
-- @example | Readahead over the whole capture
-- @example --interval 5 -r 5 | The top 5 every 5 seconds
-- @layout  table
-- @column  COMM | comm | <16
-- @column  DEV | dev | <8
-- @column  INODE | ino | <10
-- @column  SYNC | sync | >6
-- @column  ASYNC | async | >6
-- @column  RA_PAGES | ra_pages | >9
-- @column  READ_PAGES | read_pages | >11
SELECT interval_index, comm, dev_major, dev_minor, dev, ino, sync, async, ra_pages, read_pages
FROM (
    SELECT
        (ts_ns - $start_ns) / $interval_ns AS interval_index,
        comm, dev_major, dev_minor,
        CAST(dev_major AS VARCHAR) || ':' || CAST(dev_minor AS VARCHAR) AS dev,
        ino,
        sum(CASE WHEN event = 'ra_sync' THEN 1 ELSE 0 END) AS sync,
        sum(CASE WHEN event = 'ra_async' THEN 1 ELSE 0 END) AS async,
        sum(CASE WHEN event IN ('ra_sync', 'ra_async') THEN pages ELSE 0 END) AS ra_pages,
        sum(CASE WHEN event = 'get' THEN pages ELSE 0 END) AS read_pages,
        row_number() OVER (
            PARTITION BY (ts_ns - $start_ns) / $interval_ns
            ORDER BY sum(CASE WHEN event IN ('ra_sync', 'ra_async') THEN pages ELSE 0 END) DESC,
                     comm, ino
        ) AS rank
    FROM page_cache_pages
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
      AND event IN ('ra_sync', 'ra_async', 'get')
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(CASE WHEN event IN ('ra_sync', 'ra_async') THEN 1 ELSE 0 END) > 0
)
WHERE rank <= $rows
ORDER BY interval_index, rank
