-- file_rw: one row per read or write system call (table file_io), with what the
-- file-system tools derive from it: the bytes moved, the call's latency, the file's
-- type from its mode, and whether its writes are synchronous (opened O_SYNC or
-- O_DSYNC).
--
-- Tables: file_io (source `fileio`). Used by filetop, fileslower, filetype,
-- fsrwstat, vfssize, writesync, scread and vfsstat.
--
-- Windows: a call belongs to the time it returned (`ts_ns`).
SELECT
    ts_ns,            -- u64, ns CLOCK_MONOTONIC: when the call returned
    ts_enter_ns,      -- u64, ns CLOCK_MONOTONIC: when it was entered
    CAST(ts_ns AS BIGINT) - CAST(ts_enter_ns AS BIGINT) AS lat_ns, -- i64, ns: how long it took
    pid,              -- u32: process id
    tid,              -- u32: thread id
    comm,             -- string: command name
    call,             -- string: read, pread64, readv, preadv, preadv2, write, pwrite64, writev, pwritev, pwritev2
    write,            -- bool: a write
    CASE WHEN write THEN 'W' ELSE 'R' END AS d, -- string: R or W
    fd,               -- i32: file descriptor
    count,            -- u64, bytes: asked for
    ret,              -- i64: bytes moved, or a negative errno
    CASE WHEN ret > 0 THEN ret ELSE 0 END AS bytes, -- i64, bytes: moved (0 for a failed call)
    pos,              -- i64, bytes: offset the call starts at
    ino,              -- u64: inode number
    dev_major,        -- u32: file system's device major (0: unnamed, e.g. tmpfs)
    dev_minor,        -- u32: its minor
    fstype,           -- string: file-system type (ext4, xfs, tmpfs, sockfs, pipefs, ...)
    mode,             -- u32: the inode's mode
    CASE mode & 61440 -- S_IFMT
        WHEN 32768 THEN 'regular'
        WHEN 49152 THEN 'socket'
        WHEN 4096 THEN 'fifo'
        WHEN 8192 THEN 'char'
        WHEN 24576 THEN 'block'
        WHEN 16384 THEN 'dir'
        WHEN 40960 THEN 'symlink'
        ELSE 'unknown'
    END AS file_type, -- string: regular, socket, fifo, char, block, dir, symlink; unknown when the fd was not open
    flags,            -- u32: the open file's flags
    (flags & 4096) <> 0 AS sync, -- bool: opened O_SYNC or O_DSYNC (both set the O_DSYNC bit, 0o10000)
    name,             -- string: the file's name (its dentry's; a socket's is its protocol, TCP, UNIX, ...)
    CASE WHEN name = '' THEN '[' || fstype || ']' ELSE name END AS file -- string: the name, or [fstype] for a nameless file (a pipe: [pipefs])
FROM file_io
