-- socksize: the sizes of socket sends and receives, per process and direction,
-- as log2 histograms of bytes, like the book's socksize: what each call moved
-- (table sock_io), for IPv4 and IPv6 sockets of every protocol; failed calls
-- and calls that moved 0 bytes are not counted.
--
-- Tables: sock_io (source `sockio`, opt-in: record with --sources tcp,sockio).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   interval_index   0-based index of the interval
--   comm, pid        the process
--   dir              send or recv
--   bucket           log2 slot of the bytes moved
--   count            calls in the slot
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Socket send and receive sizes: log2 histograms per process and direction
-- @after   tcptop
-- @tables  sock_io
-- @interval
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @example | Send and receive sizes of every process
-- @example --interval 1 | The same per second
-- @layout  log2 bytes
-- @section comm = {comm}, pid = {pid}, {dir}
SELECT interval_index, comm, pid, dir, bucket, count(*) AS count
FROM (
    SELECT
        (ts_ns - $start_ns) / $interval_ns AS interval_index,
        comm, pid,
        CASE WHEN recv THEN 'recv' ELSE 'send' END AS dir,
        log2_bucket(CAST(ret AS BIGINT)) AS bucket
    FROM sock_io
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
      AND ret > 0
      AND ($pid < 0 OR pid = $pid)
)
GROUP BY interval_index, comm, pid, dir, bucket
ORDER BY interval_index, comm, pid, dir, bucket
