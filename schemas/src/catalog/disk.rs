//! Source `disk` and its tables: block I/O requests, paired in the kernel.

use std::borrow::Cow;

use crate::sources::{Attach::*, Loader, Probe, SourceDef};
use crate::tables::{origin::*, t, ColType::*, Table, col, opt};

pub static SOURCE: SourceDef = SourceDef {
    name: "disk",
    about: "block I/O requests: insert, issue, complete, paired in the kernel into one row",
    rate: "low rate; default",
    default: true,
    object: Some("disk"),
    probes: &[
        Probe { name: "block:block_rq_insert", alternatives: &[TpBtf("block_rq_insert"), RawTp("block_rq_insert")], optional: false },
        Probe { name: "block:block_rq_issue", alternatives: &[TpBtf("block_rq_issue"), RawTp("block_rq_issue")], optional: false },
        Probe { name: "block:block_rq_complete", alternatives: &[TpBtf("block_rq_complete"), RawTp("block_rq_complete")], optional: false },
        Probe { name: "block:block_io_start", alternatives: &[TpBtf("block_io_start"), RawTp("block_io_start")], optional: true },
    ],
    needs: "block tracepoints; BTF for tp_btf (raw_tp otherwise); block_io_start (6.5+) when present",
    loader: Loader::Custom,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&BLOCK_IO];

pub static BLOCK_IO: Table = Table {
    name: t("block_io"),
    source: t("disk"),
    record: Some(t("rt_block_io")),
    doc: t("One row per completed block I/O request, paired in the kernel from the \
          block_rq_insert, block_rq_issue and block_rq_complete tracepoints. Requests \
          issued before the recording started are not recorded."),
    sort_key: t("ts_complete_ns"),
    time_column: Some(t("ts_complete_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        opt("ts_insert_ns", U64, "ns, CLOCK_MONOTONIC", "When the request entered the I/O scheduler queue (block_rq_insert); null when it was issued directly without queueing.", nonzero("ts_insert")),
        col("ts_issue_ns", U64, "ns, CLOCK_MONOTONIC", "When the request was issued to the device driver (block_rq_issue).", field("ts_issue")),
        col("ts_complete_ns", U64, "ns, CLOCK_MONOTONIC", "When the device completed the request (block_rq_complete).", field("ts_complete")),
        col("dev_major", U32, "", "Major number of the disk's device.", dev_major("dev")),
        col("dev_minor", U32, "", "Minor number of the disk's device.", dev_minor("dev")),
        col("disk", Str, "", "Disk name (e.g. `vda`, `nvme0n1`), resolved from the device number on the recording host; `major:minor` when unknown.", disk_name("dev")),
        col("sector", U64, "512-byte sectors", "Starting sector of the request.", field("sector")),
        col("bytes", U32, "bytes", "Size of the request.", field("bytes")),
        col("rwbs", Str, "", "Operation and flags as the kernel's block tracepoints spell them: R read, W write, D discard, F flush, N none; then S sync, M metadata, A readahead, F FUA.", cstr("rwbs")),
        col("cmd_flags", U32, "", "The request's raw `cmd_flags` (REQ_OP_* in the low 8 bits, REQ_* flags above).", field("cmd_flags")),
        col("pid", U32, "", "Process (tgid) that was running when the request was inserted, or issued if it was never inserted. For writeback this is often a kernel worker.", field("pid")),
        col("tid", U32, "", "Thread id of that task.", field("tid")),
        col("comm", Str, "", "Command name of that task.", cstr("comm")),
        col("error", I32, "errno", "0 on success, else the negative errno of the completion (blk_status_t converted as the kernel does).", blk_errno("status")),
    ]),
};
