-- block_io_seq: the block requests that carry a position (bytes > 0: cache flushes
-- have none), each with the request before it on the same disk in completion order
-- (ties: issue time, then sector), for telling sequential from random I/O. A request
-- is sequential when it starts where that previous one ended.
--
-- Tables: block_io (source `disk`). Used by biopattern (the previous request) and
-- seeksize (the positions; it pairs in issue order itself, see queries/seeksize.sql).
--
-- Windows: a request belongs to the time it completed (`ts_complete_ns`). To pair
-- only requests inside a window [start, end), as biopattern does, also keep
-- `prev_complete_ns >= start`: the first request of each disk in the window then has
-- no predecessor, whatever completed before the window.
SELECT
    ts_complete_ns,   -- u64, ns CLOCK_MONOTONIC: when the request completed
    ts_issue_ns,      -- u64, ns CLOCK_MONOTONIC: when it was issued to the device
    disk,             -- string: disk name
    comm,             -- string: command name of the task that queued (or issued) it
    pid,              -- u32: its process (tgid)
    rwbs,             -- string: operation and flags (R read, W write, S sync, ...)
    sector,           -- u64, 512-byte sectors: where the request starts
    bytes,            -- u32, bytes: its size
    end_sector,       -- i64, 512-byte sectors: where it ends (sector + bytes / 512)
    lag(end_sector) OVER seq AS prev_end_sector,     -- i64, 512-byte sectors: where the previous request ended (null: none)
    lag(ts_complete_ns) OVER seq AS prev_complete_ns -- u64, ns CLOCK_MONOTONIC: when the previous request completed
FROM (
    SELECT *, CAST(sector AS BIGINT) + CAST(bytes AS BIGINT) / 512 AS end_sector
    FROM block_io
    WHERE bytes > 0
)
WINDOW seq AS (PARTITION BY disk ORDER BY ts_complete_ns, ts_issue_ns, sector)
