-- mmapfiles: mmap(2) calls by file mapped, like the book's mmapfiles (bpftrace,
-- on do_mmap, counting by the file's name and its two parent directories). It
-- reads the mmap system call (table file_mmap), whose file the kernel resolved
-- from its fd at the call, and prints the file's path within its file system (a
-- walk of up to 8 names; `.../` leads a deeper one). Anonymous mappings are left
-- out. The kernel's own mappings (exec mapping a binary and its interpreter) are
-- not system calls and are not seen; the live tool counts them.
--
-- Tables: file_mmap (source `files`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $pid                i64: only this process (-1 for all; -p)
--   $rows               i64: the top N files per interval (-r)
--
-- Columns:
--   interval_index  0-based index of the interval
--   mmaps           successful mmap calls of the file
--   failed          mmap calls of it that failed
--   fstype          its file system's type
--   path            its path within that file system
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   mmap calls by file mapped: count, file-system type, path
-- @note    counts the mmap system call (the book's tool traces do_mmap): the kernel's own mappings at exec are not seen
-- @after   writeback
-- @tables  file_mmap
-- @interval
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @option  -r --rows N | uint $rows = 20 | The top N files per interval.
-- @example | Files mapped over the whole capture
-- @example -p 5300 --interval 1 | Files one process mapped, every second
-- @layout  table
-- @column  MMAPS | mmaps | >6
-- @column  FAILED | failed | >6
-- @column  FSTYPE | fstype | <8
-- @column  PATH | path |
SELECT interval_index, mmaps, failed, fstype, path
FROM (
    SELECT
        (ts_ns - $start_ns) / $interval_ns AS interval_index,
        fstype,
        path,
        sum(CASE WHEN ret >= 0 THEN 1 ELSE 0 END) AS mmaps,
        sum(CASE WHEN ret < 0 THEN 1 ELSE 0 END) AS failed,
        row_number() OVER (
            PARTITION BY (ts_ns - $start_ns) / $interval_ns
            ORDER BY count(*) DESC, fstype, path
        ) AS rank
    FROM file_mmap
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
      AND ino > 0
      AND ($pid < 0 OR pid = $pid)
    GROUP BY 1, 2, 3
)
WHERE rank <= $rows
ORDER BY interval_index, rank
