-- diskoverview: the disk chapter on one screen: per disk and operation (read,
-- write, flush, discard), the requests, Kbytes, IOPS, average and largest
-- latency from issue to completion, average time queued before issue, and
-- failed requests, per interval. What the book's per-chapter bpftrace one-liners
-- (block:block_rq_issue and block_rq_complete, by disk and by operation) answer
-- together, read from the requests the `disk` source paired in the kernel (table
-- block_io); biolatency, biosnoop, biotop and bitesize give the detail.
--
-- Tables: block_io (source `disk`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: requests completing in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--
-- Columns:
--   interval_index  0-based index of the interval
--   disk            the disk
--   op              read, write, flush, discard or other (the rwbs operation letter)
--   requests        requests completed
--   kbytes          their Kbytes
--   iops            requests per second of the interval
--   avg_us          average latency from issue to completion, microseconds
--   max_us          the largest
--   queued_us       average time in the I/O scheduler's queue before issue (requests that were queued)
--   errors          requests that completed with an error
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Disks at a glance: requests, Kbytes, IOPS, latency, queue time and errors per disk and operation
-- @after   biostacks
-- @tables  block_io
-- @interval
-- @example | Each disk over the whole capture
-- @example --interval 5 | The same every 5 seconds
-- @layout  table
-- @column  DISK | disk | <8
-- @column  OP | op | <8
-- @column  REQS | requests | >8
-- @column  KBYTES | kbytes | >10
-- @column  IOPS | iops | >8 | fixed 1
-- @column  AVG_us | avg_us | >9 | fixed 1
-- @column  MAX_us | max_us | >9
-- @column  QUEUE_us | queued_us | >9 | fixed 1
-- @column  ERRORS | errors | >6
WITH reqs AS (
    SELECT
        CAST((ts_complete_ns - $start_ns) / $interval_ns AS BIGINT) AS interval_index,
        disk,
        -- The operation letter, after a preflush's leading F (FWS: a write).
        CASE CASE WHEN rwbs LIKE 'F%' AND left(right(rwbs, length(rwbs) - 1), 1) IN ('R', 'W', 'D', 'F', 'N')
                  THEN left(right(rwbs, length(rwbs) - 1), 1)
                  ELSE left(rwbs, 1) END
            WHEN 'R' THEN 'read'
            WHEN 'W' THEN 'write'
            WHEN 'F' THEN 'flush'
            WHEN 'D' THEN 'discard'
            ELSE 'other'
        END AS op,
        bytes,
        CAST(ts_complete_ns AS BIGINT) - CAST(ts_issue_ns AS BIGINT) AS lat_ns,
        CASE WHEN ts_insert_ns IS NOT NULL AND ts_issue_ns >= ts_insert_ns
             THEN CAST(ts_issue_ns AS BIGINT) - CAST(ts_insert_ns AS BIGINT) END AS queued_ns,
        error
    FROM block_io
    WHERE ts_complete_ns >= $start_ns AND ts_complete_ns < $end_ns
)
SELECT
    r.interval_index,
    r.disk,
    r.op,
    count(*) AS requests,
    CAST(sum(r.bytes) / 1024 AS BIGINT) AS kbytes,
    CAST(count(*) AS DOUBLE) / max(i.secs) AS iops,
    avg(CAST(r.lat_ns AS DOUBLE)) / 1000.0 AS avg_us,
    max(r.lat_ns) / 1000 AS max_us,
    coalesce(avg(CAST(r.queued_ns AS DOUBLE)) / 1000.0, 0.0) AS queued_us,
    sum(CASE WHEN r.error <> 0 THEN 1 ELSE 0 END) AS errors
FROM reqs r JOIN window_intervals i ON i.interval_index = r.interval_index
GROUP BY r.interval_index, r.disk, r.op
ORDER BY r.interval_index, r.disk,
         CASE r.op WHEN 'read' THEN 0 WHEN 'write' THEN 1 WHEN 'flush' THEN 2 WHEN 'discard' THEN 3 ELSE 4 END
