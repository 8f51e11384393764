-- scread: read(2) calls by file name, like the book's scread (bpftrace, on the
-- read system call, the descriptor resolved to its file). A socket is named by
-- its protocol (TCP, UNIX, ...); a pipe has no name and shows as [pipefs].
--
-- Tables: file_io (source `fileio`), through the view file_rw.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $rows               i64: rows printed per interval (-r)
--
-- Columns:
--   interval_index  0-based index of the interval
--   file            the file's name, or [fstype] for a nameless one
--   reads           read(2) calls
--   bytes           bytes read
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   read(2) calls by file name
-- @after   writesync
-- @tables  file_io
-- @interval
-- @option  -r --rows ROWS | uint $rows = 20 | Files to print per interval.
-- @example | The files read most over the whole capture
-- @example --interval 1 -r 5 | The top 5 every second
-- @layout  table
-- @column  READS | reads | >8
-- @column  BYTES | bytes | >12
-- @column  FILE | file |
SELECT interval_index, file, reads, bytes
FROM (
    SELECT
        (ts_ns - $start_ns) / $interval_ns AS interval_index,
        file,
        count(*) AS reads,
        sum(bytes) AS bytes,
        row_number() OVER (
            PARTITION BY (ts_ns - $start_ns) / $interval_ns
            ORDER BY count(*) DESC,
                     file
        ) AS rank
    FROM file_rw
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns AND call = 'read'
    GROUP BY 1, 2
)
WHERE rank <= $rows
ORDER BY interval_index, rank
