-- offcputime: time blocked off CPU per stack, like bcc offcputime: for each process
-- and kernel + user stack it blocked in, the total microseconds it was off the CPU.
-- Each block counts as floor(ns / 1000) us (u64 division: a plain 1000 would make
-- DataFusion divide as decimals) and is kept when $min_us <= us <= $max_us, as bcc
-- filters each block. A block belongs to the window it ended in (switched back in).
-- retrace names the frames after the query (from stacks, kernel_symbols,
-- user_symbols, user_mappings) and prints the stacks largest last, or folded (-f).
--
-- Tables: offcpu (source `offcpu`); stacks, kernel_symbols, user_symbols and
-- user_mappings (shared by the stack sources) name the frames.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: blocks that ended in [start, end)
--   $pids               string: ',PID,PID,' to keep only these processes (-p); '' for all
--   $min_us, $max_us    u64, us: keep blocks of min..=max microseconds (-m, -M)
--   $kernel             u64: 1 to keep kernel stacks, 0 to drop them (-U)
--   $user               u64: 1 to keep user stacks, 0 to drop them (-K)
--
-- Columns:
--   pid, comm       the process that blocked and its command name
--   kstack_id       kernel stack in `stacks` (0: none, or dropped by -U)
--   ustack_id       user stack in `stacks` (0: none, or dropped by -K)
--   kernel_stack    kernel frames, leaf first (named by retrace, not in the query)
--   user_stack      user frames, leaf first (named by retrace, not in the query)
--   folded          comm;user frames;kernel frames, root first (named by retrace)
--   blocks          times it blocked in this stack
--   total_us        microseconds blocked in this stack, summed over the blocks
SELECT pid, comm, kstack_id, ustack_id, count(*) AS blocks, sum(us) AS total_us
FROM (
    SELECT
        pid,
        comm,
        CASE WHEN $kernel = 1 THEN kstack_id ELSE 0 END AS kstack_id,
        CASE WHEN $user = 1 THEN ustack_id ELSE 0 END AS ustack_id,
        (ts_ns - ts_off_ns) / CAST(1000 AS BIGINT UNSIGNED) AS us
    FROM offcpu
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
      AND ts_ns >= ts_off_ns
      AND ($pids = '' OR strpos($pids, concat(',', CAST(pid AS VARCHAR), ',')) > 0)
)
WHERE us >= $min_us AND us <= $max_us
GROUP BY pid, comm, kstack_id, ustack_id
ORDER BY total_us, pid, comm, kstack_id, ustack_id
