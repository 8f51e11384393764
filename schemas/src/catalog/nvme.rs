//! Source `nvme` and its table: NVMe commands at the nvme driver's tracepoints,
//! for nvmelatency.

use std::borrow::Cow;

use crate::sources::tracepoint_probe;
use crate::sources::{Loader, SourceDef};
use crate::tables::{col, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "nvme",
    about: "NVMe commands set up and completed, with disk, queue, command id, opcode and status",
    rate: "two rows per NVMe command: the drives' IOPS (up to millions per second); opt-in",
    default: false,
    object: Some("nvme"),
    probes: &[
        // Present only with the nvme driver; optional, so that the manifest
        // says when this kernel lacks them.
        tracepoint_probe!("nvme:nvme_setup_cmd", true),
        tracepoint_probe!("nvme:nvme_complete_rq", true),
    ],
    needs: "nvme tracepoints (the nvme driver, CONFIG_NVME_CORE)",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&NVME_CMD];

pub static NVME_CMD: Table = Table {
    name: t("nvme_cmd"),
    source: t("nvme"),
    record: Some(t("rt_nvme_cmd")),
    doc: t("One row per NVMe command event, on every task (completions run in interrupt \
            context): `setup` (nvme_setup_cmd: the driver built the command for its \
            submission queue) and `complete` (nvme_complete_rq: the controller \
            completed it). A command is identified by its controller, queue and command \
            id while in flight; the view nvme_cmd_latency pairs each completion with \
            its setup."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When it happened.", field("ts")),
        col("pid", U32, "", "Process id of the task it happened in (the submitter for `setup`).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("event", Str, "", "setup or complete.", cstr("event")),
        col("disk", Str, "", "The namespace's disk (nvme0n1; empty for admin commands).", cstr("disk")),
        col("ctrl_id", I32, "", "Controller instance (the N of nvmeN).", field("ctrl_id")),
        col("qid", I32, "", "Queue id: 0 the admin queue, 1.. the I/O queues.", field("qid")),
        col("cid", U32, "", "Command id within its queue.", field("cid")),
        col("nsid", U32, "", "`setup`: the namespace id.", field("nsid")),
        col("opcode", U32, "", "`setup`: the opcode (I/O queues: 0 flush, 1 write, 2 read, 8 write zeroes, 9 dataset management; the admin queue has its own).", field("opcode")),
        col("fctype", U32, "", "`setup`: the fabrics command type (opcode 0x7f).", field("fctype")),
        col("flags", U32, "", "The command's flags.", field("flags")),
        col("status", U32, "", "`complete`: the status field (0 success; status code type << 8 | status code).", field("status")),
        col("result", U64, "", "`complete`: the command-specific result.", field("result")),
        col("retries", U32, "", "`complete`: times the request was retried.", field("retries")),
    ]),
};
