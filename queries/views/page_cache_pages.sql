-- page_cache_pages: page_cache's rows with the pages each one is about: a read
-- looks pages up in batches, each lookup (`get`) reporting the range still to
-- read, so a batch took the pages up to where the same read's next lookup
-- starts (the next `get` of the thread and file with the same end, at a higher
-- index), and the read's last lookup the rest of its range. Other events keep
-- their pages.
--
-- Tables: page_cache (source `pagecache`). Used by cachestat and readahead.
--
-- Windows: an event belongs to its time (`ts_ns`).
SELECT
    ts_ns,      -- u64, ns CLOCK_MONOTONIC: when it happened
    pid,        -- u32: process id
    tid,        -- u32: thread id
    comm,       -- string: command name
    event,      -- string: add, delete, get, fault, map, dirty, ra_sync or ra_async
    dev_major,  -- u32: the file system's device major
    dev_minor,  -- u32: its minor
    ino,        -- u64: the file's inode
    index,      -- u64, pages: first page index
    CASE WHEN event = 'get' AND next_index > index THEN next_index - index
         ELSE pages END AS pages, -- u64, pages: the pages this event is about (a lookup's batch)
    req         -- u64, pages: readahead's requested pages
FROM (
    SELECT *,
        CASE WHEN event = 'get' THEN lead(index) OVER (
            PARTITION BY event, tid, dev_major, dev_minor, ino, index + pages
            ORDER BY ts_ns) END AS next_index
    FROM page_cache
)
