//! Source `md` and its table: flushes of software RAID devices, for mdflush.

use std::borrow::Cow;

use crate::sources::kfunc_probe;
use crate::sources::{Loader, SourceDef};
use crate::tables::{col, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "md",
    about: "flush requests to software RAID (md) devices: who asked, which device",
    rate: "one row per flush of an md device: a few per second (fsync-heavy work: hundreds); opt-in",
    default: false,
    object: Some("md"),
    probes: &[kfunc_probe!("md_flush_request", "md_flush_request")],
    needs: "the md driver, and fentry or kprobes on md_flush_request (md has no flush tracepoint)",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&MD_FLUSH];

pub static MD_FLUSH: Table = Table {
    name: t("md_flush"),
    source: t("md"),
    record: Some(t("rt_md_flush")),
    doc: t("One row per flush request to an md device (md_flush_request), in the context \
            of the task that issued it (an fsync's caller, a file system's journal thread)."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the flush was requested.", field("ts")),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("disk", Str, "", "The md device (md0).", cstr("disk")),
    ]),
};
