-- biostacks: block I/O latency per kernel stack that started the request, like
-- libbpf-tools biostacks: for each submitter, stack and disk, a log2 histogram
-- of the requests' latency from their start to their completion. The live tool
-- takes the stack at blk_account_io_start (fentry or kprobe); this one at the
-- block_io_start tracepoint that the same function fires (Linux 6.5+), else at
-- block_rq_insert (table block_io_stack).
--
-- Tables: block_io_stack (source `biostacks`), and the stack tables for the frames.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: requests completing in [start, end)
--   $disk               string: only this disk ('' for every one; -d)
--   $milliseconds       bool: histograms in ms instead of us (-m)
--   $pids               string: ',pid,pid,' to keep, '' for all (-p)
--
-- The query returns a row per submitter, stack, disk and latency slot (its log2
-- `bucket`, us or ms with -m), which the text output draws as histograms; --json
-- and --csv print one row per submitter, stack and disk, with the frames named:
--
-- Columns:
--   pid, comm       the submitter
--   disk            the disk
--   kstack_id       the kernel stack at the request's start (in `stacks`; 0: none)
--   ustack_id       0 (no user stack is taken)
--   kernel_stack    kernel frames, leaf first (named by retrace, not in the query)
--   user_stack      empty
--   folded          comm;kernel frames, root first (named by retrace)
--   requests        requests
--   total_us        their summed latency, microseconds (each request's rounded down)
SELECT
    pid,
    comm,
    disk,
    kstack_id,
    CAST(0 AS INT UNSIGNED) AS ustack_id,
    log2_bucket(CASE WHEN $milliseconds THEN lat_ns / 1000000 ELSE lat_ns / 1000 END) AS bucket,
    count(*) AS requests,
    CAST(sum(lat_ns / 1000) AS BIGINT UNSIGNED) AS total_us
FROM (
    SELECT pid, comm, disk, kstack_id,
           CAST(ts_ns AS BIGINT) - CAST(ts_start_ns AS BIGINT) AS lat_ns
    FROM block_io_stack
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
      AND ($disk = '' OR disk = $disk)
      AND ($pids = '' OR strpos($pids, concat(',', CAST(pid AS VARCHAR), ',')) > 0)
)
GROUP BY pid, comm, disk, kstack_id, 6
ORDER BY pid, comm, disk, kstack_id, bucket
