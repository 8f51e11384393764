//! Source `files` and its tables: file opens, stats, syncs, unlinks and mounts at
//! the system call, one row per call, for opensnoop, statsnoop, syncsnoop,
//! filelife, mountsnoop, and the open and fsync parts of fsdist, fsslower and
//! vfsstat.

use std::borrow::Cow;

use crate::sources::{Loader, SourceDef};
use crate::sources::tracepoint_probe;
use crate::tables::{col, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "files",
    about: "file opens (path, flags, fd or error, and the file opened), stats, syncs (sync, fsync, ...), unlinks, renames, mounts and mmaps per system call",
    rate: "one row per open or sync: up to ~100k/s on a file-heavy host; opt-in",
    default: false,
    object: Some("files"),
    probes: &[
        // open(2) and creat(2) exist on x86_64, not on arm64: optional.
        tracepoint_probe!("syscalls:sys_enter_open", true),
        tracepoint_probe!("syscalls:sys_exit_open", true),
        tracepoint_probe!("syscalls:sys_enter_creat", true),
        tracepoint_probe!("syscalls:sys_exit_creat", true),
        tracepoint_probe!("syscalls:sys_enter_openat", false),
        tracepoint_probe!("syscalls:sys_exit_openat", false),
        // openat2(2): Linux 5.6+.
        tracepoint_probe!("syscalls:sys_enter_openat2", true),
        tracepoint_probe!("syscalls:sys_exit_openat2", true),
        tracepoint_probe!("syscalls:sys_enter_sync", false),
        tracepoint_probe!("syscalls:sys_exit_sync", false),
        tracepoint_probe!("syscalls:sys_enter_syncfs", false),
        tracepoint_probe!("syscalls:sys_exit_syncfs", false),
        tracepoint_probe!("syscalls:sys_enter_fsync", false),
        tracepoint_probe!("syscalls:sys_exit_fsync", false),
        tracepoint_probe!("syscalls:sys_enter_fdatasync", false),
        tracepoint_probe!("syscalls:sys_exit_fdatasync", false),
        tracepoint_probe!("syscalls:sys_enter_sync_file_range", true),
        tracepoint_probe!("syscalls:sys_exit_sync_file_range", true),
        tracepoint_probe!("syscalls:sys_enter_msync", false),
        tracepoint_probe!("syscalls:sys_exit_msync", false),
        tracepoint_probe!("syscalls:sys_enter_statfs", false),
        tracepoint_probe!("syscalls:sys_exit_statfs", false),
        // newfstatat: 64-bit architectures; statx: Linux 4.11+.
        tracepoint_probe!("syscalls:sys_enter_newfstatat", true),
        tracepoint_probe!("syscalls:sys_exit_newfstatat", true),
        tracepoint_probe!("syscalls:sys_enter_statx", true),
        tracepoint_probe!("syscalls:sys_exit_statx", true),
        // unlink and rmdir: x86_64 has them, arm64 only unlinkat.
        tracepoint_probe!("syscalls:sys_enter_unlink", true),
        tracepoint_probe!("syscalls:sys_exit_unlink", true),
        tracepoint_probe!("syscalls:sys_enter_unlinkat", false),
        tracepoint_probe!("syscalls:sys_exit_unlinkat", false),
        tracepoint_probe!("syscalls:sys_enter_rmdir", true),
        tracepoint_probe!("syscalls:sys_exit_rmdir", true),
        tracepoint_probe!("syscalls:sys_enter_mount", false),
        tracepoint_probe!("syscalls:sys_exit_mount", false),
        tracepoint_probe!("syscalls:sys_enter_umount", false),
        tracepoint_probe!("syscalls:sys_exit_umount", false),
        // The new mount API: Linux 5.2+.
        tracepoint_probe!("syscalls:sys_enter_fsopen", true),
        tracepoint_probe!("syscalls:sys_exit_fsopen", true),
        tracepoint_probe!("syscalls:sys_enter_fsmount", true),
        tracepoint_probe!("syscalls:sys_exit_fsmount", true),
        tracepoint_probe!("syscalls:sys_enter_move_mount", true),
        tracepoint_probe!("syscalls:sys_exit_move_mount", true),
        tracepoint_probe!("syscalls:sys_enter_mmap", false),
        tracepoint_probe!("syscalls:sys_exit_mmap", false),
        // rename: x86_64 has it, arm64 only renameat and renameat2.
        tracepoint_probe!("syscalls:sys_enter_rename", true),
        tracepoint_probe!("syscalls:sys_exit_rename", true),
        tracepoint_probe!("syscalls:sys_enter_renameat", true),
        tracepoint_probe!("syscalls:sys_exit_renameat", true),
        tracepoint_probe!("syscalls:sys_enter_renameat2", false),
        tracepoint_probe!("syscalls:sys_exit_renameat2", false),
    ],
    needs: "syscalls tracepoints (CONFIG_FTRACE_SYSCALLS), task storage (5.11+)",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[
    &FILE_OPEN,
    &FILE_STAT,
    &FILE_SYNC,
    &FILE_UNLINK,
    &FILE_MOUNT,
    &FILE_MMAP,
    &FILE_RENAME,
];

pub static FILE_OPEN: Table = Table {
    name: t("file_open"),
    source: t("files"),
    record: Some(t("rt_file_open")),
    doc: t("One row per open(2), creat(2), openat(2) or openat2(2) that returned, paired in \
            the kernel from the syscalls tracepoints: the path as the caller passed it (not \
            resolved against its directory), flags, mode, and the new fd or the error."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the call returned.", field("ts")),
        col("ts_enter_ns", U64, MONO, "When the call was entered.", field("ts_enter")),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("uid", U32, "", "Real user id of the caller.", field("uid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("call", Str, "", "The system call: open, creat, openat or openat2.", cstr("call")),
        col("dfd", I32, "", "Directory fd a relative path is resolved against (-100 AT_FDCWD, also for open and creat).", field("dfd")),
        col("path", Str, "", "The path argument, up to 255 bytes (empty when it could not be read).", path("path")),
        col("flags", U64, "", "Open flags (O_RDONLY 0, O_WRONLY 1, O_RDWR 2, O_CREAT 0o100, O_TRUNC 0o1000, O_CLOEXEC 0o2000000, ...); creat's are O_CREAT|O_WRONLY|O_TRUNC.", field("flags")),
        col("mode", U32, "", "Mode argument (permissions of a created file).", field("mode")),
        col("ret", I64, "", "The new file descriptor, or a negative errno (-2 ENOENT, -13 EACCES, ...).", field("ret")),
        col("ino", U64, "", "Inode number of the file opened (0 when the open failed).", field("ino")),
        col("dev_major", U32, "", "Major number of its file system's device (0 for tmpfs and other unnamed devices).", dev_major("dev")),
        col("dev_minor", U32, "", "Minor number of its file system's device.", dev_minor("dev")),
        col("fstype", Str, "", "Type of its file system: ext4, xfs, tmpfs, proc, ... (empty when the open failed).", cstr("fstype")),
        col("inode_mode", U32, "", "The opened inode's mode: file type (S_IFMT bits) and permissions (0 when the open failed).", field("imode")),
        col("created", Bool, "", "Whether this open created the file (the kernel's FMODE_CREATED: O_CREAT on a file that did not exist).", field("created")),
    ]),
};

pub static FILE_STAT: Table = Table {
    name: t("file_stat"),
    source: t("files"),
    record: Some(t("rt_file_stat")),
    doc: t("One row per statfs(2), newfstatat(2) (glibc's stat, lstat and fstatat) or \
            statx(2) that returned, paired in the kernel from the syscalls tracepoints: the \
            path as the caller passed it, and the result."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the call returned.", field("ts")),
        col("ts_enter_ns", U64, MONO, "When the call was entered.", field("ts_enter")),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("call", Str, "", "The system call: statfs, newfstatat or statx.", cstr("call")),
        col("dfd", I32, "", "Directory fd a relative path is resolved against (-100 AT_FDCWD; also for statfs).", field("dfd")),
        col("path", Str, "", "The path argument, up to 255 bytes (empty for fstat-style calls on an fd, or when it could not be read).", path("path")),
        col("flags", U32, "", "AT_* flags (AT_SYMLINK_NOFOLLOW 0x100 for lstat, AT_EMPTY_PATH 0x1000 for fstat); 0 for statfs.", field("flags")),
        col("ret", I64, "", "0, or a negative errno (-2 ENOENT, ...).", field("ret")),
    ]),
};

pub static FILE_SYNC: Table = Table {
    name: t("file_sync"),
    source: t("files"),
    record: Some(t("rt_file_sync")),
    doc: t("One row per sync(2), syncfs(2), fsync(2), fdatasync(2), sync_file_range(2) or \
            msync(2) that returned, paired in the kernel from the syscalls tracepoints."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the call returned.", field("ts")),
        col("ts_enter_ns", U64, MONO, "When the call was entered.", field("ts_enter")),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("call", Str, "", "The system call: sync, syncfs, fsync, fdatasync, sync_file_range or msync.", cstr("call")),
        col("fd", I32, "", "The file descriptor synced (-1 for sync and msync, which take none).", field("fd")),
        col("ret", I64, "", "0, or a negative errno.", field("ret")),
        col("ino", U64, "", "Inode number of the file synced (0 without an fd).", field("ino")),
        col("dev_major", U32, "", "Major number of its file system's device.", dev_major("dev")),
        col("dev_minor", U32, "", "Minor number of its file system's device.", dev_minor("dev")),
        col("fstype", Str, "", "Type of its file system (empty without an fd).", cstr("fstype")),
        col("name", Str, "", "The file's name (its dentry's, up to 63 bytes; empty without an fd).", path("name")),
    ]),
};

pub static FILE_UNLINK: Table = Table {
    name: t("file_unlink"),
    source: t("files"),
    record: Some(t("rt_file_unlink")),
    doc: t("One row per unlink(2), unlinkat(2) or rmdir(2) that returned, paired in the \
            kernel from the syscalls tracepoints: the path as the caller passed it, and \
            the result."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the call returned.", field("ts")),
        col("ts_enter_ns", U64, MONO, "When the call was entered.", field("ts_enter")),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("call", Str, "", "The system call: unlink, unlinkat or rmdir.", cstr("call")),
        col("dfd", I32, "", "Directory fd a relative path is resolved against (-100 AT_FDCWD, also for unlink and rmdir).", field("dfd")),
        col("path", Str, "", "The path argument, up to 255 bytes.", path("path")),
        col("flags", U32, "", "unlinkat's flags (AT_REMOVEDIR 0x200; rmdir's are that).", field("flags")),
        col("ret", I64, "", "0, or a negative errno (-2 ENOENT, ...).", field("ret")),
    ]),
};

pub static FILE_MOUNT: Table = Table {
    name: t("file_mount"),
    source: t("files"),
    record: Some(t("rt_file_mount")),
    doc: t("One row per mount(2), umount2(2), fsopen(2), fsmount(2) or move_mount(2) that \
            returned, paired in the kernel from the syscalls tracepoints, with the strings \
            the caller passed."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the call returned.", field("ts")),
        col("ts_enter_ns", U64, MONO, "When the call was entered.", field("ts_enter")),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("mntns", U32, "", "The caller's mount namespace (its inode number, as in /proc/PID/ns/mnt).", field("mnt_ns")),
        col("call", Str, "", "The system call: mount, umount (umount2), fsopen, fsmount or move_mount.", cstr("call")),
        col("source", Str, "", "mount's source (a device, or `none`), move_mount's from-path; up to 127 bytes.", path("source")),
        col("target", Str, "", "mount's and umount's target directory, move_mount's to-path; up to 127 bytes.", path("target")),
        col("fstype", Str, "", "mount's and fsopen's file-system type.", cstr("fstype")),
        col("flags", U64, "", "The call's flags: mount's MS_* (MS_RDONLY 1, MS_NOSUID 2, MS_BIND 0x1000, ...), umount's MNT_* (MNT_FORCE 1, MNT_DETACH 2), fsopen's, fsmount's, move_mount's.", field("flags")),
        col("data", Str, "", "mount's data argument as text (options such as `size=64m`), up to 63 bytes.", cstr("data")),
        col("ret", I64, "", "0 (an fd for fsopen and fsmount), or a negative errno.", field("ret")),
    ]),
};

pub static FILE_MMAP: Table = Table {
    name: t("file_mmap"),
    source: t("files"),
    record: Some(t("rt_file_mmap")),
    doc: t("One row per mmap(2) that returned, paired in the kernel from the syscalls \
            tracepoints: the mapping asked for, the address or error, and for a file \
            mapping the file, resolved from its fd at the exit (inode, device, \
            file-system type and its path within the file system, from a walk of at \
            most 8 dentries)."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the call returned.", field("ts")),
        col("ts_enter_ns", U64, MONO, "When the call was entered.", field("ts_enter")),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("len", U64, "bytes", "The length asked for.", field("len")),
        col("prot", U32, "", "Protection: PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4.", field("prot")),
        col("flags", U32, "", "MAP_SHARED 1, MAP_PRIVATE 2, MAP_FIXED 0x10, MAP_ANONYMOUS 0x20, ...", field("flags")),
        col("fd", I32, "", "The file descriptor argument (-1, or ignored, for MAP_ANONYMOUS).", field("fd")),
        col("off", U64, "bytes", "Offset in the file.", field("off")),
        col("ret", I64, "", "The mapping's address, or a negative errno.", field("ret")),
        col("ino", U64, "", "Inode number of the file mapped (0 for an anonymous mapping).", field("ino")),
        col("dev_major", U32, "", "Major number of its file system's device.", dev_major("dev")),
        col("dev_minor", U32, "", "Minor number of its file system's device.", dev_minor("dev")),
        col("fstype", Str, "", "Type of its file system (empty for an anonymous mapping).", cstr("fstype")),
        col("inode_mode", U32, "", "The file's type and permission bits (st_mode).", field("imode")),
        col("path", Str, "", "The file's path within its file system (its mount point not included), root first; `.../` leads one deeper than 8 names, each up to 31 bytes.", dentry_path("path")),
    ]),
};

pub static FILE_RENAME: Table = Table {
    name: t("file_rename"),
    source: t("files"),
    record: Some(t("rt_file_rename")),
    doc: t("One row per rename(2), renameat(2) or renameat2(2) that returned, paired in \
            the kernel from the syscalls tracepoints: both paths as the caller passed \
            them, and the result."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the call returned.", field("ts")),
        col("ts_enter_ns", U64, MONO, "When the call was entered.", field("ts_enter")),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("call", Str, "", "The system call: rename, renameat or renameat2.", cstr("call")),
        col("olddfd", I32, "", "Directory fd the old path is resolved against (-100 AT_FDCWD, also for rename).", field("olddfd")),
        col("old_path", Str, "", "The old path, up to 255 bytes.", path("old_path")),
        col("newdfd", I32, "", "Directory fd the new path is resolved against.", field("newdfd")),
        col("new_path", Str, "", "The new path, up to 255 bytes.", path("new_path")),
        col("flags", U32, "", "renameat2's flags (RENAME_NOREPLACE 1, RENAME_EXCHANGE 2, RENAME_WHITEOUT 4).", field("flags")),
        col("ret", I64, "", "0, or a negative errno.", field("ret")),
    ]),
};
