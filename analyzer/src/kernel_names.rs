//! Names for raw kernel numbers found in captures: errno values, signals, system call
//! numbers, and the block layer's `rwbs` operation strings.

/// The Linux name of an errno (sign ignored): `errno_name(-5)` is "EIO". Unknown values
/// read "E<n>"; 0 reads "0".
pub fn errno_name(e: i64) -> String {
    let n = e.unsigned_abs();
    let name = match n {
        0 => return "0".to_string(),
        1 => "EPERM",
        2 => "ENOENT",
        3 => "ESRCH",
        4 => "EINTR",
        5 => "EIO",
        6 => "ENXIO",
        7 => "E2BIG",
        8 => "ENOEXEC",
        9 => "EBADF",
        10 => "ECHILD",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        14 => "EFAULT",
        15 => "ENOTBLK",
        16 => "EBUSY",
        17 => "EEXIST",
        18 => "EXDEV",
        19 => "ENODEV",
        20 => "ENOTDIR",
        21 => "EISDIR",
        22 => "EINVAL",
        23 => "ENFILE",
        24 => "EMFILE",
        25 => "ENOTTY",
        26 => "ETXTBSY",
        27 => "EFBIG",
        28 => "ENOSPC",
        29 => "ESPIPE",
        30 => "EROFS",
        31 => "EMLINK",
        32 => "EPIPE",
        33 => "EDOM",
        34 => "ERANGE",
        35 => "EDEADLK",
        36 => "ENAMETOOLONG",
        37 => "ENOLCK",
        38 => "ENOSYS",
        39 => "ENOTEMPTY",
        40 => "ELOOP",
        52 => "EBADE",
        61 => "ENODATA",
        62 => "ETIME",
        67 => "ENOLINK",
        71 => "EPROTO",
        74 => "EBADMSG",
        75 => "EOVERFLOW",
        84 => "EILSEQ",
        // The socket calls' errors (soconnect, bindsnoop).
        88 => "ENOTSOCK",
        89 => "EDESTADDRREQ",
        90 => "EMSGSIZE",
        91 => "EPROTOTYPE",
        92 => "ENOPROTOOPT",
        93 => "EPROTONOSUPPORT",
        94 => "ESOCKTNOSUPPORT",
        95 => "EOPNOTSUPP",
        96 => "EPFNOSUPPORT",
        97 => "EAFNOSUPPORT",
        98 => "EADDRINUSE",
        99 => "EADDRNOTAVAIL",
        100 => "ENETDOWN",
        101 => "ENETUNREACH",
        102 => "ENETRESET",
        103 => "ECONNABORTED",
        104 => "ECONNRESET",
        105 => "ENOBUFS",
        106 => "EISCONN",
        107 => "ENOTCONN",
        110 => "ETIMEDOUT",
        111 => "ECONNREFUSED",
        112 => "EHOSTDOWN",
        113 => "EHOSTUNREACH",
        114 => "EALREADY",
        115 => "EINPROGRESS",
        121 => "EREMOTEIO",
        122 => "EDQUOT",
        125 => "ECANCELED",
        _ => return format!("E{n}"),
    };
    name.to_string()
}

/// The errno value of a name such as "ENOENT" (as [`errno_name`] spells them).
pub fn errno_value(name: &str) -> Option<i64> {
    (1..=4095).find(|&n| errno_name(n) == name)
}

/// The name of system call `nr` on the recording host's architecture (manifest
/// `host.arch`, as `uname -m` spells it): `syscall_name("x86_64", 0)` is "read".
/// Numbers this table does not know, and unknown architectures, read `syscall_<nr>`.
pub fn syscall_name(arch: &str, nr: i64) -> String {
    let table: &[&str] = match arch {
        "x86_64" | "amd64" => crate::syscall_names::X86_64,
        "aarch64" | "arm64" => crate::syscall_names::AARCH64,
        _ => &[],
    };
    usize::try_from(nr)
        .ok()
        .and_then(|i| table.get(i))
        .filter(|name| !name.is_empty())
        .map_or_else(|| format!("syscall_{nr}"), |name| name.to_string())
}

/// The name of a Linux signal number: 9 is "SIGKILL".
pub fn signal_name(sig: i32) -> String {
    let name = match sig {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        10 => "SIGUSR1",
        11 => "SIGSEGV",
        12 => "SIGUSR2",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        16 => "SIGSTKFLT",
        17 => "SIGCHLD",
        18 => "SIGCONT",
        19 => "SIGSTOP",
        20 => "SIGTSTP",
        21 => "SIGTTIN",
        22 => "SIGTTOU",
        23 => "SIGURG",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        26 => "SIGVTALRM",
        27 => "SIGPROF",
        28 => "SIGWINCH",
        29 => "SIGIO",
        30 => "SIGPWR",
        31 => "SIGSYS",
        _ => return format!("SIG{sig}"),
    };
    name.to_string()
}

/// What `strsignal(3)` says for a signal, as libbpf-tools exitsnoop prints it.
pub fn signal_description(sig: i32) -> String {
    let d = match sig {
        1 => "Hangup",
        2 => "Interrupt",
        3 => "Quit",
        4 => "Illegal instruction",
        5 => "Trace/breakpoint trap",
        6 => "Aborted",
        7 => "Bus error",
        8 => "Floating point exception",
        9 => "Killed",
        10 => "User defined signal 1",
        11 => "Segmentation fault",
        12 => "User defined signal 2",
        13 => "Broken pipe",
        14 => "Alarm clock",
        15 => "Terminated",
        16 => "Stack fault",
        17 => "Child exited",
        18 => "Continued",
        19 => "Stopped (signal)",
        20 => "Stopped",
        21 => "Stopped (tty input)",
        22 => "Stopped (tty output)",
        23 => "Urgent I/O condition",
        24 => "CPU time limit exceeded",
        25 => "File size limit exceeded",
        26 => "Virtual timer expired",
        27 => "Profiling timer expired",
        28 => "Window changed",
        29 => "I/O possible",
        30 => "Power failure",
        31 => "Bad system call",
        _ => return format!("Real-time signal {}", sig - 34),
    };
    d.to_string()
}

/// A block request's operation and flags, spelled as libbpf-tools `biolatency -F`
/// prints them ("Sync-Write", "ReadAhead-Read", "PreFlush-FUA-Write"), from the
/// kernel's `rwbs` string (see `blk_fill_rwbs`). Only flags that rwbs keeps can be
/// named: preflush, FUA, readahead, sync, metadata.
pub fn bio_flags_label(rwbs: &str) -> String {
    let b = rwbs.as_bytes();
    let is_op = |c: u8| matches!(c, b'W' | b'D' | b'F' | b'R' | b'N');
    let preflush = b.len() >= 2 && b[0] == b'F' && is_op(b[1]);
    let mut i = usize::from(preflush);
    let op = match b.get(i) {
        Some(b'R') => "Read",
        Some(b'W') => "Write",
        Some(b'F') => "Flush",
        Some(b'D') if b.get(i + 1) == Some(&b'E') => {
            i += 1;
            "SecureErase"
        }
        Some(b'D') => "Discard",
        _ => "Unknown",
    };
    i += 1;
    let rest = b.get(i..).unwrap_or_default();
    let mut label = String::new();
    if rest.contains(&b'A') {
        label.push_str("ReadAhead-");
    }
    if preflush {
        label.push_str("PreFlush-");
    }
    if rest.contains(&b'F') {
        label.push_str("FUA-");
    }
    if rest.contains(&b'M') {
        label.push_str("Metadata-");
    }
    if rest.contains(&b'S') {
        label.push_str("Sync-");
    }
    label.push_str(op);
    label
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syscall_names_per_architecture() {
        assert_eq!(syscall_name("x86_64", 0), "read");
        assert_eq!(syscall_name("x86_64", 257), "openat");
        assert_eq!(syscall_name("aarch64", 63), "read");
        assert_eq!(syscall_name("aarch64", 56), "openat");
        assert_eq!(syscall_name("x86_64", 335), "syscall_335");
        assert_eq!(syscall_name("x86_64", -1), "syscall_-1");
        assert_eq!(syscall_name("riscv64", 63), "syscall_63");
    }

    #[test]
    fn errno_values_by_name() {
        assert_eq!(errno_value("ENOENT"), Some(2));
        assert_eq!(errno_value("ETIMEDOUT"), Some(110));
        assert_eq!(errno_value("ENOPE"), None);
    }

    #[test]
    fn rwbs_labels() {
        assert_eq!(bio_flags_label("R"), "Read");
        assert_eq!(bio_flags_label("RA"), "ReadAhead-Read");
        assert_eq!(bio_flags_label("WS"), "Sync-Write");
        assert_eq!(bio_flags_label("FWFS"), "PreFlush-FUA-Sync-Write");
        assert_eq!(bio_flags_label("F"), "Flush");
        assert_eq!(bio_flags_label("WM"), "Metadata-Write");
        assert_eq!(bio_flags_label("DE"), "SecureErase");
        assert_eq!(bio_flags_label("N"), "Unknown");
        assert_eq!(bio_flags_label(""), "Unknown");
    }

    #[test]
    fn errno_names() {
        assert_eq!(errno_name(-5), "EIO");
        assert_eq!(errno_name(2), "ENOENT");
        assert_eq!(errno_name(0), "0");
        assert_eq!(errno_name(-999), "E999");
    }
}

/// mount(2) flags by name, as libbpf-tools mountsnoop prints them:
/// "MS_NOSUID | MS_NODEV", "0x0" for none, unknown bits as a trailing hex number
/// (include/uapi/linux/mount.h).
pub fn mount_flags(flags: u64) -> String {
    const NAMES: &[(u64, &str)] = &[
        (1, "MS_RDONLY"),
        (1 << 1, "MS_NOSUID"),
        (1 << 2, "MS_NODEV"),
        (1 << 3, "MS_NOEXEC"),
        (1 << 4, "MS_SYNCHRONOUS"),
        (1 << 5, "MS_REMOUNT"),
        (1 << 6, "MS_MANDLOCK"),
        (1 << 7, "MS_DIRSYNC"),
        (1 << 8, "MS_NOSYMFOLLOW"),
        (1 << 10, "MS_NOATIME"),
        (1 << 11, "MS_NODIRATIME"),
        (1 << 12, "MS_BIND"),
        (1 << 13, "MS_MOVE"),
        (1 << 14, "MS_REC"),
        (1 << 15, "MS_SILENT"),
        (1 << 16, "MS_POSIXACL"),
        (1 << 17, "MS_UNBINDABLE"),
        (1 << 18, "MS_PRIVATE"),
        (1 << 19, "MS_SLAVE"),
        (1 << 20, "MS_SHARED"),
        (1 << 21, "MS_RELATIME"),
        (1 << 22, "MS_KERNMOUNT"),
        (1 << 23, "MS_I_VERSION"),
        (1 << 24, "MS_STRICTATIME"),
        (1 << 25, "MS_LAZYTIME"),
    ];
    if flags == 0 {
        return "0x0".to_string();
    }
    let mut names: Vec<String> = Vec::new();
    let mut rest = flags;
    for (bit, name) in NAMES {
        if flags & bit != 0 {
            names.push(name.to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        names.push(format!("{rest:#x}"));
    }
    names.join(" | ")
}

#[cfg(test)]
mod mount_flag_tests {
    use super::mount_flags;

    #[test]
    fn mount_flags_by_name() {
        assert_eq!(mount_flags(0), "0x0");
        assert_eq!(mount_flags(0b110), "MS_NOSUID | MS_NODEV");
        assert_eq!(mount_flags(1 << 12 | 1 << 14), "MS_BIND | MS_REC");
        assert_eq!(mount_flags(1 | 1 << 40), "MS_RDONLY | 0x10000000000");
    }
}
