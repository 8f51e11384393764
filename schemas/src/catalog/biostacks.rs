//! Source `biostacks` and its table: block requests with the kernel stack that
//! created them, for biostacks.

use std::borrow::Cow;

use crate::sources::{Attach, Loader, Probe, SourceDef};
use crate::tables::{col, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "biostacks",
    about: "each block request's latency, from its start to its completion, with the kernel stack that started it",
    rate: "one row and one stack walk per block request: the disks' IOPS; opt-in",
    default: false,
    object: Some("biostacks"),
    probes: &[
        // block_io_start: Linux 6.5+; block_rq_insert before that (and for
        // requests that skip accounting).
        Probe {
            name: "block:block_io_start",
            alternatives: &[Attach::TpBtf("block_io_start"), Attach::RawTp("block_io_start")],
            optional: true,
        },
        Probe {
            name: "block:block_rq_insert",
            alternatives: &[Attach::TpBtf("block_rq_insert"), Attach::RawTp("block_rq_insert")],
            optional: false,
        },
        Probe {
            name: "block:block_rq_complete",
            alternatives: &[Attach::TpBtf("block_rq_complete"), Attach::RawTp("block_rq_complete")],
            optional: false,
        },
    ],
    needs: "block tracepoints, BPF stack maps",
    loader: Loader::Generic,
    records_stacks: true,
};

pub static TABLES: &[&Table] = &[&BLOCK_IO_STACK];

pub static BLOCK_IO_STACK: Table = Table {
    name: t("block_io_stack"),
    source: t("biostacks"),
    record: Some(t("rt_block_io_stack")),
    doc: t("One row per completed block request: when it started (block_io_start, else \
            block_rq_insert, in the submitter's context) and completed, the submitter, and \
            the kernel stack at its start (in `stacks`). Requests started before the \
            recording have no row."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When it completed.", field("ts")),
        col("ts_start_ns", U64, MONO, "When it started.", field("ts_start")),
        col("pid", U32, "", "Process id of the submitter.", field("pid")),
        col("tid", U32, "", "Thread id of the submitter.", field("tid")),
        col("comm", Str, "", "Command name of the submitter.", cstr("comm")),
        col("dev_major", U32, "", "Major number of the disk.", dev_major("dev")),
        col("dev_minor", U32, "", "Minor number of the disk.", dev_minor("dev")),
        col("disk", Str, "", "Disk name on the recording host (vda).", disk_name("dev")),
        col("sector", U64, "sectors", "Start sector.", field("sector")),
        col("bytes", U32, "bytes", "Bytes completed.", field("bytes")),
        col("error", I32, "errno", "0 on success, else the negative errno of the completion.", blk_errno("status")),
        col("kstack_id", U32, "", "Kernel stack at the request's start, in `stacks`; 0 when none could be taken.", stack_id("kstack_id", false)),
    ]),
};
