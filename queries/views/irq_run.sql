-- irq_run: one row per interrupt handler run, hard (hardirq: irq_handler_entry ->
-- irq_handler_exit) and soft (softirq: softirq_entry -> softirq_exit), already paired
-- per CPU in the kernel; this view adds which kind and how long.
--
-- Tables: hardirq, softirq (source `irq`). Used by hardirqs, softirqs.
--
-- Windows: a run belongs to the time its handler returned (`ts_ns`).
SELECT
    'hardirq' AS kind, -- string: hardirq or softirq
    ts_ns,             -- u64, ns CLOCK_MONOTONIC: when the handler returned
    ts_entry_ns,       -- u64, ns CLOCK_MONOTONIC: when it was entered
    CAST(ts_ns AS BIGINT) - CAST(ts_entry_ns AS BIGINT) AS run_ns, -- i64, ns: time in the handler
    cpu,               -- u32: CPU that ran it
    irq AS number,     -- u32: interrupt number (hardirq) or vector number (softirq)
    name               -- string: handler name (e.g. virtio0-requests) or vector name (timer, net_rx, ...)
FROM hardirq
UNION ALL
SELECT 'softirq', ts_ns, ts_entry_ns, CAST(ts_ns AS BIGINT) - CAST(ts_entry_ns AS BIGINT),
       cpu, vec, name
FROM softirq
