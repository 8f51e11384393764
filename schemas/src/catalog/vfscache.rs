//! Source `vfscache` and its table: dentry-cache and inode-cache lookups at the
//! kernel functions, for dcstat, dcsnoop and icstat.

use std::borrow::Cow;

use crate::sources::kfunc_probe;
use crate::sources::{Loader, SourceDef};
use crate::tables::{col, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "vfscache",
    about: "dentry-cache references, slow lookups and misses (with the name looked up); inode-cache references and misses",
    rate: "one row per path component looked up: millions per second on a busy file server; opt-in",
    default: false,
    object: Some("vfscache"),
    probes: &[
        kfunc_probe!("lookup_fast", "lookup_fast"),
        kfunc_probe!("d_lookup", "d_lookup"),
        kfunc_probe!(return "d_lookup:return", "d_lookup"),
        kfunc_probe!("find_inode_fast", "find_inode_fast"),
        kfunc_probe!(return "find_inode_fast:return", "find_inode_fast"),
    ],
    needs: "fentry/fexit (BTF trampolines) or kprobes on lookup_fast, d_lookup and find_inode_fast; no tracepoint covers them",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&VFS_CACHE];

pub static VFS_CACHE: Table = Table {
    name: t("vfs_cache"),
    source: t("vfscache"),
    record: Some(t("rt_vfs_cache")),
    doc: t("One row per dentry- or inode-cache event: `dentry_ref` (lookup_fast: a path \
            component looked up in the dentry cache), `dentry_slow` (d_lookup: the hash \
            lookup the fast path falls back to), `dentry_miss` (d_lookup returned no \
            dentry: the component was not cached), `inode_ref` (find_inode_fast: an inode \
            looked up by number in the inode cache) and `inode_miss` (it returned none)."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When it happened.", field("ts")),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("event", Str, "", "dentry_ref, dentry_slow, dentry_miss, inode_ref or inode_miss.", cstr("event")),
        col("name", Str, "", "The path component looked up (dentry events; up to 31 bytes).", path("name")),
    ]),
};
