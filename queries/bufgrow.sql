-- bufgrow: growth of the buffer cache (the block devices' own page cache, which
-- reads of /dev/sdX and file systems' metadata fill) by process and device, in
-- Kbytes, like the book's bufgrow (bpftrace, a kprobe on add_to_page_cache_lru
-- for block-device inodes). It sums the pages mm_filemap_add_to_page_cache added
-- to a block device's inode (table page_cache, column bdev); readahead's pages
-- count, as they do for the live tool. Pages are taken as 4 KiB.
--
-- Tables: page_cache (source `pagecache`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: pages added in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--
-- Columns:
--   interval_index  0-based index of the interval
--   comm            the command that caused the pages to be added
--   bdev            the block device
--   kb              Kbytes added to its cache (pages x 4)
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Buffer-cache (block device page cache) growth by process and device, in Kbytes
-- @note    counts the mm_filemap_add_to_page_cache tracepoint for block-device inodes (the book's tool uses a kprobe on add_to_page_cache_lru)
-- @after   cachestat
-- @tables  page_cache
-- @interval
-- @example | Buffer-cache growth over the whole capture
-- @example --interval 1 | The same every second
-- @layout  table
-- @column  COMM | comm | <16
-- @column  DEVICE | bdev | <8
-- @column  KB | kb | >10
SELECT
    (ts_ns - $start_ns) / $interval_ns AS interval_index,
    comm,
    bdev,
    sum(pages) * 4 AS kb
FROM page_cache
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND event = 'add'
  AND bdev <> ''
GROUP BY 1, 2, 3
ORDER BY interval_index, kb DESC, comm, bdev
