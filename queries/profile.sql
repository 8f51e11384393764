-- profile: CPU samples per stack, like bcc profile: how often each process was seen
-- on a CPU in each kernel + user stack. retrace names the frames after the query
-- (from stacks, kernel_symbols, user_symbols, user_mappings) and prints the stacks
-- hottest last, or folded (-f) for flame graphs. Idle samples (pid 0) are left out
-- unless -I, as in bcc profile.
--
-- Tables: profile (source `profile`); stacks, kernel_symbols, user_symbols and
-- user_mappings (shared by the stack sources) name the frames.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: samples taken in [start, end)
--   $pids               string: ',PID,PID,' to keep only these processes (-p); '' for all
--   $include_idle       u64: 1 to keep idle samples (pid 0) (-I), else 0
--   $kernel             u64: 1 to keep kernel stacks, 0 to drop them (-U)
--   $user               u64: 1 to keep user stacks, 0 to drop them (-K)
--
-- Columns:
--   pid, comm       the process sampled and its command name
--   kstack_id       kernel stack in `stacks` (0: none, or dropped by -U)
--   ustack_id       user stack in `stacks` (0: none, or dropped by -K)
--   kernel_stack    kernel frames, leaf first (named by retrace, not in the query)
--   user_stack      user frames, leaf first (named by retrace, not in the query)
--   folded          comm;user frames;kernel frames, root first (named by retrace)
--   samples         samples of this process in this stack
SELECT pid, comm, kstack_id, ustack_id, count(*) AS samples
FROM (
    SELECT
        pid,
        comm,
        CASE WHEN $kernel = 1 THEN kstack_id ELSE 0 END AS kstack_id,
        CASE WHEN $user = 1 THEN ustack_id ELSE 0 END AS ustack_id
    FROM profile
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
      AND ($include_idle = 1 OR pid <> 0)
      AND ($pids = '' OR strpos($pids, concat(',', CAST(pid AS VARCHAR), ',')) > 0)
)
GROUP BY pid, comm, kstack_id, ustack_id
ORDER BY samples, pid, comm, kstack_id, ustack_id
