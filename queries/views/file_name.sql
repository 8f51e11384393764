-- file_name: a name for each file the capture saw by its identity (device and
-- inode), for tools whose rows carry only the inode (page-cache events). The
-- path a mmap(2) resolved (file_mmap, within its file system) is preferred, then
-- the path an open passed (file_open), then the dentry name a read or write
-- resolved (file_io). One row per file; when a file was seen under several
-- names, the greatest of the preferred kind is kept.
--
-- Tables: file_mmap and file_open (source `files`), file_io (source `fileio`);
-- each may be empty. Used by fmapfault.
SELECT
    dev_major,   -- u32: major number of the file system's device
    dev_minor,   -- u32: its minor
    ino,         -- u64: inode number
    CASE
        WHEN max(mmap_path) IS NOT NULL THEN max(mmap_path)
        WHEN max(open_path) IS NOT NULL THEN max(open_path)
        ELSE max(io_name)
    END AS name  -- string: the file's path or name
FROM (
    SELECT dev_major, dev_minor, ino, path AS mmap_path,
           CAST(NULL AS VARCHAR) AS open_path, CAST(NULL AS VARCHAR) AS io_name
    FROM file_mmap
    WHERE ino > 0 AND path <> ''
    UNION ALL
    SELECT dev_major, dev_minor, ino, NULL, path, NULL
    FROM file_open
    WHERE ino > 0 AND ret >= 0
    UNION ALL
    SELECT dev_major, dev_minor, ino, NULL, NULL, name
    FROM file_io
    WHERE ino > 0 AND name <> ''
)
GROUP BY dev_major, dev_minor, ino
