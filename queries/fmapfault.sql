-- fmapfault: page faults on file mappings by process and file, like the book's
-- fmapfault (bpftrace, a kprobe on filemap_fault). It counts the
-- mm_filemap_fault tracepoint (table page_cache), which fires in filemap_fault
-- when the page was not already mapped around an earlier fault; the file is
-- named through the view file_name, so record `files` too (its mmap and open
-- rows name the file; a file mapped before the recording started shows as its
-- inode and device).
--
-- Tables: page_cache (source `pagecache`); names from file_mmap, file_open
-- (source `files`) and file_io (source `fileio`) through the view file_name.
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: faults in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   interval_index  0-based index of the interval
--   comm            the faulting command
--   file            the file's path or name (`inode N on MAJ:MIN` when the capture never named it)
--   faults          faults on that file
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Page faults on file mappings by process and file
-- @after   mmapfiles
-- @tables  page_cache
-- @interval
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @example | File faults over the whole capture
-- @example --interval 1 | The same every second
-- @layout  table
-- @column  COMM | comm | <16
-- @column  FAULTS | faults | >8
-- @column  FILE | file |
SELECT
    (p.ts_ns - $start_ns) / $interval_ns AS interval_index,
    p.comm,
    coalesce(
        n.name,
        'inode ' || CAST(p.ino AS VARCHAR) || ' on '
            || CAST(p.dev_major AS VARCHAR) || ':' || CAST(p.dev_minor AS VARCHAR)
    ) AS file,
    count(*) AS faults
FROM page_cache p
LEFT JOIN file_name n
  ON n.dev_major = p.dev_major AND n.dev_minor = p.dev_minor AND n.ino = p.ino
WHERE p.ts_ns >= $start_ns AND p.ts_ns < $end_ns
  AND p.event = 'fault'
  AND ($pid < 0 OR p.pid = $pid)
GROUP BY 1, 2, 3
ORDER BY interval_index, faults DESC, comm, file
