//! Source `fileio` and its table: reads and writes per system call, each with the
//! file behind its descriptor, for filetop, fileslower, filetype, fsrwstat, vfssize,
//! writesync and scread.

use std::borrow::Cow;

use crate::sources::{Loader, SourceDef};
use crate::sources::tracepoint_probe;
use crate::tables::{col, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "fileio",
    about: "reads and writes per system call (read, write, pread64, readv, ...), each with its file: inode, device, file-system type, name, mode, open flags",
    rate: "one row per read or write, sockets and pipes included: easily 100k-1M/s on a busy host; opt-in",
    default: false,
    object: Some("fileio"),
    probes: &[
        tracepoint_probe!("syscalls:sys_enter_read", false),
        tracepoint_probe!("syscalls:sys_exit_read", false),
        tracepoint_probe!("syscalls:sys_enter_write", false),
        tracepoint_probe!("syscalls:sys_exit_write", false),
        tracepoint_probe!("syscalls:sys_enter_pread64", false),
        tracepoint_probe!("syscalls:sys_exit_pread64", false),
        tracepoint_probe!("syscalls:sys_enter_pwrite64", false),
        tracepoint_probe!("syscalls:sys_exit_pwrite64", false),
        tracepoint_probe!("syscalls:sys_enter_readv", false),
        tracepoint_probe!("syscalls:sys_exit_readv", false),
        tracepoint_probe!("syscalls:sys_enter_writev", false),
        tracepoint_probe!("syscalls:sys_exit_writev", false),
        tracepoint_probe!("syscalls:sys_enter_preadv", true),
        tracepoint_probe!("syscalls:sys_exit_preadv", true),
        tracepoint_probe!("syscalls:sys_enter_pwritev", true),
        tracepoint_probe!("syscalls:sys_exit_pwritev", true),
        // preadv2 and pwritev2: Linux 4.6+.
        tracepoint_probe!("syscalls:sys_enter_preadv2", true),
        tracepoint_probe!("syscalls:sys_exit_preadv2", true),
        tracepoint_probe!("syscalls:sys_enter_pwritev2", true),
        tracepoint_probe!("syscalls:sys_exit_pwritev2", true),
    ],
    needs: "syscalls tracepoints (CONFIG_FTRACE_SYSCALLS), task storage (5.11+), BTF for the fd table and struct file",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&FILE_IO];

pub static FILE_IO: Table = Table {
    name: t("file_io"),
    source: t("fileio"),
    record: Some(t("rt_file_io")),
    doc: t("One row per read(2), write(2), pread64(2), pwrite64(2), readv(2), writev(2), \
            preadv(2), pwritev(2), preadv2(2) or pwritev2(2) that returned, paired in the \
            kernel from the syscalls tracepoints, by any process but the recorder. The \
            descriptor is resolved at entry to its open file: inode, device and type of \
            its file system, mode, open flags and dentry name (not the whole path; \
            file_open has the path a descriptor was opened with). Sockets and pipes are \
            files too (fstype sockfs, pipefs). A descriptor that was not open leaves the \
            file columns 0 or empty (the call then fails with EBADF)."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the call returned.", field("ts")),
        col("ts_enter_ns", U64, MONO, "When the call was entered.", field("ts_enter")),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("call", Str, "", "The system call: read, pread64, readv, preadv, preadv2, write, pwrite64, writev, pwritev or pwritev2.", cstr("call")),
        col("write", Bool, "", "Whether the call writes (write, pwrite64, writev, pwritev, pwritev2).", field("write")),
        col("fd", I32, "", "The file descriptor.", field("fd")),
        col("count", U64, "bytes", "Bytes asked for: the count argument, or for vector calls the sum of the first 16 iovec lengths.", field("count")),
        col("ret", I64, "", "Bytes read or written, or a negative errno (-11 EAGAIN, -9 EBADF, ...).", field("ret")),
        col("pos", I64, "bytes", "File offset the call starts at: the offset argument of the p- variants, else the file's position at entry (0 for sockets and pipes).", field("pos")),
        col("ino", U64, "", "Inode number of the file.", field("ino")),
        col("dev_major", U32, "", "Major number of the file system's device (0 for tmpfs, sockets, pipes and other unnamed devices).", dev_major("dev")),
        col("dev_minor", U32, "", "Minor number of the file system's device.", dev_minor("dev")),
        col("fstype", Str, "", "File-system type from the superblock: ext4, xfs, tmpfs, sockfs, pipefs, proc, devtmpfs, ...", cstr("fstype")),
        col("mode", U32, "", "The inode's mode: file type (S_IFMT bits: 0o100000 regular, 0o140000 socket, 0o10000 FIFO, 0o20000 character device, ...) and permissions.", field("mode")),
        col("flags", U32, "", "The open file's flags (O_APPEND 0o2000, O_NONBLOCK 0o4000, O_DSYNC 0o10000, O_DIRECT 0o40000, O_SYNC 0o4010000, ...).", field("flags")),
        col("name", Str, "", "The file's name (its dentry's, up to 63 bytes; a socket's is its protocol, TCP, UDP, UNIX...; a pipe's is empty).", path("name")),
    ]),
};
