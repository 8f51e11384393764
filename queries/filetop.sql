-- filetop: the files read and written the most, per thread, like libbpf-tools
-- filetop: reads, writes, Kbytes read and written, the file's type and name, the top
-- $rows per interval. It reads the read/write family of system calls (table
-- file_io) where the live tool traces vfs_read and vfs_write: in-kernel readers (a
-- loop device, nfsd) are not seen, and R_Kb/W_Kb are the bytes moved (the live tool
-- adds the bytes asked for).
--
-- Tables: file_io (source `fileio`), through the view file_rw.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $rows               i64: rows printed per interval (-r)
--   $all                bool: every file type, not only regular files (-a)
--   $pid                i64: only this process (-1 for all; -p)
--   $sort               string: all, reads, writes, rbytes or wbytes (-s)
--
-- Columns:
--   interval_index  0-based index of the interval
--   tid, comm       the thread and its command
--   reads, writes   read and write calls
--   rbytes, wbytes  bytes read and written
--   r_kb, w_kb      the same in KiB (rounded down)
--   t               R regular file, S socket, O other
--   file            the file's name ([pipefs] for a pipe, and so on for other nameless files)
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Top files by reads and writes, per thread: calls, Kbytes, file type and name
-- @note    read from the read/write system calls (the live tool traces vfs_read and vfs_write): in-kernel readers and writers are not seen
-- @after   syncsnoop
-- @tables  file_io
-- @interval
-- @option  -a --all | flag $all | Include every file type (sockets, pipes, devices), not only regular files.
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @option  -r --rows ROWS | uint $rows = 20 | Rows to print per interval.
-- @option  -s --sort SORT | string $sort = 'all' | Sort by all (calls and bytes), reads, writes, rbytes or wbytes.
-- @example | Files by reads and writes over the whole capture
-- @example --interval 1 -r 5 -s rbytes | The 5 files read most each second, by bytes
-- @example -a | Every file type, sockets and pipes included
-- @layout  table
-- @column  TID | tid | <7
-- @column  COMM | comm | <16
-- @column  READS | reads | <6
-- @column  WRITES | writes | <6
-- @column  R_Kb | r_kb | <7
-- @column  W_Kb | w_kb | <7
-- @column  T | t | <1
-- @column  FILE | file |
SELECT interval_index, tid, comm, reads, writes, rbytes, wbytes, r_kb, w_kb, t, file
FROM (
    SELECT
        interval_index, tid, comm, t, file,
        sum(CASE WHEN write THEN 0 ELSE 1 END) AS reads,
        sum(CASE WHEN write THEN 1 ELSE 0 END) AS writes,
        sum(CASE WHEN write THEN 0 ELSE bytes END) AS rbytes,
        sum(CASE WHEN write THEN bytes ELSE 0 END) AS wbytes,
        sum(CASE WHEN write THEN 0 ELSE bytes END) / 1024 AS r_kb,
        sum(CASE WHEN write THEN bytes ELSE 0 END) / 1024 AS w_kb,
        row_number() OVER (
            PARTITION BY interval_index
            ORDER BY
                CASE $sort
                    WHEN 'reads' THEN sum(CASE WHEN write THEN 0 ELSE 1 END)
                    WHEN 'writes' THEN sum(CASE WHEN write THEN 1 ELSE 0 END)
                    WHEN 'rbytes' THEN sum(CASE WHEN write THEN 0 ELSE bytes END)
                    WHEN 'wbytes' THEN sum(CASE WHEN write THEN bytes ELSE 0 END)
                    ELSE count(*) + sum(bytes)
                END DESC,
                tid, file, dev_major, dev_minor, ino
        ) AS rank
    FROM (
        SELECT
            (ts_ns - $start_ns) / $interval_ns AS interval_index,
            tid, comm, write, bytes, dev_major, dev_minor, ino,
            CASE file_type WHEN 'regular' THEN 'R' WHEN 'socket' THEN 'S' ELSE 'O' END AS t,
            file
        FROM file_rw
        WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
          AND ($all OR file_type = 'regular')
          AND ($pid < 0 OR pid = $pid)
    )
    GROUP BY interval_index, tid, comm, t, file, dev_major, dev_minor, ino
)
WHERE rank <= $rows
ORDER BY interval_index, rank
