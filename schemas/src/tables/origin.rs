//! Where a column's value comes from: a field of the table's BPF record, read through
//! one of a few decoders, or something user space took on the recording host. The
//! recorder builds its decoding of every record from these (`recorder/src/decode/`),
//! so a new table over a new record needs no decoding code; the docs say the same.

use super::{t, Text};

/// The origin of a column's values. Field names are members of the table's record
/// (`Table::record`), looked up in the BPF object's BTF when recording starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// An integer or flag field, widened to the column's type (a bool column is
    /// true when the field is not 0).
    Field(Text),
    /// An integer field where 0 means "none": null then.
    NonZero(Text),
    /// A `char[N]` field: the text up to its first NUL (invalid UTF-8 repaired).
    CStr(Text),
    /// A `char[N]` path, hidden by `--redact paths`.
    Path(Text),
    /// A path from a bounded dentry walk: a `char[N * 32]` field of 32-byte slots,
    /// each a NUL-terminated name, the file's first, then its parents', until the
    /// file system's root (`/`) or the walk's bound. Joined root first; a walk
    /// that stopped short of the root is marked by a leading `.../`. The path is
    /// within the file's file system (its mount point is not part of it). Hidden
    /// by `--redact paths`.
    DentryPath(Text),
    /// An IP address: a 16-byte field read by the `family` field, the first 4
    /// bytes for AF_INET (2) printed as `127.0.0.1`, all 16 for AF_INET6 (10) as
    /// `::1` (RFC 5952); null for other families.
    InetAddr { family: Text, addr: Text },
    /// argv packed as NUL-separated strings in `args`, `count` of them in `size` bytes;
    /// argv[0] is hidden by `--redact paths`, the rest by `--redact args`.
    Argv { args: Text, count: Text, size: Text },
    /// Major number of a kernel `dev_t` field (major << MINORBITS | minor).
    DevMajor(Text),
    /// Minor number of a kernel `dev_t` field.
    DevMinor(Text),
    /// Disk name of a kernel `dev_t` field, from /sys/dev/block of the recording host
    /// (`major:minor` when unknown).
    DiskName(Text),
    /// The block device whose own page cache an inode is (the cache `dd` or a file
    /// system's metadata reads fill): when the superblock's `dev` field is an unnamed
    /// device (major 0, not 0:0) that no file system mounted on the recording host
    /// has (the kernel's bdev pseudo file system is never mounted), and the `ino`
    /// field, read as a dev_t, names a block device of that host, the device's
    /// name; empty otherwise.
    BdevName { dev: Text, ino: Text },
    /// Negative errno of a `blk_status_t` field, converted as the kernel does.
    BlkErrno(Text),
    /// Exit code (bits 8-15) of a wait-status field.
    WaitCode(Text),
    /// Killing signal (bits 0-6) of a wait-status field.
    WaitSignal(Text),
    /// Core-dump flag (bit 7) of a wait-status field.
    WaitCore(Text),
    /// The CPU that recorded a batch of records (hot sources' records carry none).
    BatchCpu,
    /// A stack map id field (< 0: none), turned into the capture-wide id of `stacks`.
    StackId { field: Text, user: bool },
    /// Frames that follow the record: `count` (a field) u64 addresses, kernel ones
    /// first, interned into `stacks`.
    TrailingStack { count: Text, user: bool },
    /// The name of a softirq vector field, from the running kernel's BTF.
    SoftirqName(Text),
    /// The name of the sampled counter, by the index field (the attach cookie).
    PmcCounter(Text),
    /// Not from a BPF record: what user space read on the recording host.
    Host(Text),
}

/// [`Origin::Field`].
pub const fn field(f: &'static str) -> Origin {
    Origin::Field(t(f))
}
/// [`Origin::NonZero`].
pub const fn nonzero(f: &'static str) -> Origin {
    Origin::NonZero(t(f))
}
/// [`Origin::CStr`].
pub const fn cstr(f: &'static str) -> Origin {
    Origin::CStr(t(f))
}
/// [`Origin::Path`].
pub const fn path(f: &'static str) -> Origin {
    Origin::Path(t(f))
}
/// [`Origin::DentryPath`].
pub const fn dentry_path(f: &'static str) -> Origin {
    Origin::DentryPath(t(f))
}
/// Bytes of one name in a [`Origin::DentryPath`] field.
pub const DENTRY_SLOT: usize = 32;
/// [`Origin::BdevName`].
pub const fn bdev_name(dev: &'static str, ino: &'static str) -> Origin {
    Origin::BdevName {
        dev: t(dev),
        ino: t(ino),
    }
}
/// [`Origin::InetAddr`].
pub const fn inet_addr(family: &'static str, addr: &'static str) -> Origin {
    Origin::InetAddr {
        family: t(family),
        addr: t(addr),
    }
}
/// [`Origin::Argv`].
pub const fn argv(args: &'static str, count: &'static str, size: &'static str) -> Origin {
    Origin::Argv {
        args: t(args),
        count: t(count),
        size: t(size),
    }
}
/// [`Origin::DevMajor`].
pub const fn dev_major(f: &'static str) -> Origin {
    Origin::DevMajor(t(f))
}
/// [`Origin::DevMinor`].
pub const fn dev_minor(f: &'static str) -> Origin {
    Origin::DevMinor(t(f))
}
/// [`Origin::DiskName`].
pub const fn disk_name(f: &'static str) -> Origin {
    Origin::DiskName(t(f))
}
/// [`Origin::BlkErrno`].
pub const fn blk_errno(f: &'static str) -> Origin {
    Origin::BlkErrno(t(f))
}
/// [`Origin::WaitCode`].
pub const fn wait_code(f: &'static str) -> Origin {
    Origin::WaitCode(t(f))
}
/// [`Origin::WaitSignal`].
pub const fn wait_signal(f: &'static str) -> Origin {
    Origin::WaitSignal(t(f))
}
/// [`Origin::WaitCore`].
pub const fn wait_core(f: &'static str) -> Origin {
    Origin::WaitCore(t(f))
}
/// [`Origin::BatchCpu`].
pub const BATCH_CPU: Origin = Origin::BatchCpu;
/// [`Origin::StackId`].
pub const fn stack_id(f: &'static str, user: bool) -> Origin {
    Origin::StackId { field: t(f), user }
}
/// [`Origin::TrailingStack`].
pub const fn trailing_stack(count: &'static str, user: bool) -> Origin {
    Origin::TrailingStack {
        count: t(count),
        user,
    }
}
/// [`Origin::SoftirqName`].
pub const fn softirq_name(f: &'static str) -> Origin {
    Origin::SoftirqName(t(f))
}
/// [`Origin::PmcCounter`].
pub const fn pmc_counter(f: &'static str) -> Origin {
    Origin::PmcCounter(t(f))
}
/// [`Origin::Host`].
pub const fn host(what: &'static str) -> Origin {
    Origin::Host(t(what))
}

impl Origin {
    /// The record fields this origin reads.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Origin::Field(f)
            | Origin::NonZero(f)
            | Origin::CStr(f)
            | Origin::Path(f)
            | Origin::DentryPath(f)
            | Origin::DevMajor(f)
            | Origin::DevMinor(f)
            | Origin::DiskName(f)
            | Origin::BlkErrno(f)
            | Origin::WaitCode(f)
            | Origin::WaitSignal(f)
            | Origin::WaitCore(f)
            | Origin::SoftirqName(f)
            | Origin::PmcCounter(f)
            | Origin::StackId { field: f, .. } => vec![f],
            Origin::TrailingStack { count, .. } => vec![count],
            Origin::Argv { args, count, size } => vec![args, count, size],
            Origin::BdevName { dev, ino } => vec![dev, ino],
            Origin::InetAddr { family, addr } => vec![family, addr],
            Origin::BatchCpu | Origin::Host(_) => vec![],
        }
    }

    /// One cell of the docs' *from* column.
    pub fn describe(&self) -> String {
        match self {
            Origin::Field(f) => format!("`{f}`"),
            Origin::NonZero(f) => format!("`{f}`, null when 0"),
            Origin::CStr(f) => format!("`{f}` (C string)"),
            Origin::Path(f) => format!("`{f}` (C string; `--redact paths`)"),
            Origin::DentryPath(f) => {
                format!("`{f}` (dentry names, leaf first → path; `--redact paths`)")
            }
            Origin::Argv { args, count, size } => {
                format!("`{args}` ({count} strings in {size} bytes; `--redact args`)")
            }
            Origin::InetAddr { family, addr } => {
                format!("`{addr}` by `{family}` (16 bytes → IPv4 or IPv6 text)")
            }
            Origin::DevMajor(f) => format!("`{f}` (dev_t major)"),
            Origin::DevMinor(f) => format!("`{f}` (dev_t minor)"),
            Origin::DiskName(f) => format!("`{f}` (dev_t → /sys/dev/block name)"),
            Origin::BdevName { dev, ino } => {
                format!("`{dev}`, `{ino}` (a bdev inode → its /sys/dev/block name)")
            }
            Origin::BlkErrno(f) => format!("`{f}` (blk_status_t → errno)"),
            Origin::WaitCode(f) => format!("`{f}` (wait status: exit code)"),
            Origin::WaitSignal(f) => format!("`{f}` (wait status: signal)"),
            Origin::WaitCore(f) => format!("`{f}` (wait status: core flag)"),
            Origin::BatchCpu => "CPU of the batch".into(),
            Origin::StackId { field, .. } => format!("`{field}` (stack map id → `stacks`)"),
            Origin::TrailingStack { count, .. } => {
                format!("`{count}` frames after the record → `stacks`")
            }
            Origin::SoftirqName(f) => format!("`{f}` (vector → name, kernel BTF)"),
            Origin::PmcCounter(f) => format!("`{f}` (counter index → name)"),
            Origin::Host(what) => format!("host: {what}"),
        }
    }
}

/// The text of an [`Origin::InetAddr`] field: `None` for a family that is not
/// AF_INET or AF_INET6.
pub fn inet_addr_text(family: i64, raw: &[u8]) -> Option<String> {
    match (family, raw.len()) {
        (2, 4..) => Some(std::net::Ipv4Addr::new(raw[0], raw[1], raw[2], raw[3]).to_string()),
        (10, 16..) => {
            let octets: [u8; 16] = raw[..16].try_into().expect("16 bytes");
            Some(std::net::Ipv6Addr::from(octets).to_string())
        }
        _ => None,
    }
}

/// The path of a [`Origin::DentryPath`] field: its 32-byte slots of names, leaf
/// first, joined root first.
pub fn join_dentry_path(raw: &[u8]) -> String {
    let mut names = Vec::new();
    let mut reached_root = false;
    for slot in raw.chunks(DENTRY_SLOT) {
        let end = slot.iter().position(|&c| c == 0).unwrap_or(slot.len());
        if end == 0 {
            break;
        }
        let name = String::from_utf8_lossy(&slot[..end]);
        if name == "/" {
            reached_root = true;
            break;
        }
        names.push(name);
    }
    names.reverse();
    let joined = names.join("/");
    match (reached_root, names.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => String::new(),
        (false, false) => format!(".../{joined}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(names: &[&str]) -> Vec<u8> {
        let mut raw = vec![0u8; names.len().max(1) * DENTRY_SLOT + DENTRY_SLOT];
        for (i, n) in names.iter().enumerate() {
            raw[i * DENTRY_SLOT..i * DENTRY_SLOT + n.len()].copy_from_slice(n.as_bytes());
        }
        raw
    }

    #[test]
    fn inet_addrs_print_by_family() {
        let mut raw = [0u8; 16];
        raw[..4].copy_from_slice(&[127, 0, 0, 1]);
        assert_eq!(inet_addr_text(2, &raw).as_deref(), Some("127.0.0.1"));
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(inet_addr_text(10, &v6).as_deref(), Some("::1"));
        v6[10] = 0xff;
        v6[11] = 0xff;
        v6[12..].copy_from_slice(&[10, 0, 0, 7]);
        assert_eq!(inet_addr_text(10, &v6).as_deref(), Some("::ffff:10.0.0.7"));
        assert_eq!(inet_addr_text(1, &raw), None);
    }

    #[test]
    fn dentry_paths_join_root_first() {
        assert_eq!(join_dentry_path(&slots(&["c", "b", "/"])), "/b/c");
        assert_eq!(join_dentry_path(&slots(&["/"])), "/");
        assert_eq!(join_dentry_path(&slots(&["c", "b"])), ".../b/c");
        assert_eq!(join_dentry_path(&slots(&[])), "");
    }
}
