//! Source `scsi` and its table: SCSI commands at the SCSI midlayer's tracepoints,
//! for scsilatency and scsiresult.

use std::borrow::Cow;

use crate::sources::tracepoint_probe;
use crate::sources::{Loader, SourceDef};
use crate::tables::{col, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "scsi",
    about: "SCSI commands dispatched, refused, completed and timed out, with opcode, device, tag and result",
    rate: "two rows per SCSI command: the disks' IOPS (100k/s and more on fast arrays); opt-in",
    default: false,
    object: Some("scsi"),
    probes: &[
        // Present only on kernels with SCSI; every one optional, so that the
        // manifest says which this kernel lacks.
        tracepoint_probe!("scsi:scsi_dispatch_cmd_start", true),
        tracepoint_probe!("scsi:scsi_dispatch_cmd_error", true),
        tracepoint_probe!("scsi:scsi_dispatch_cmd_done", true),
        tracepoint_probe!("scsi:scsi_dispatch_cmd_timeout", true),
    ],
    needs: "scsi tracepoints (CONFIG_SCSI with a SCSI disk: sd, virtio-scsi, SAS, USB storage...)",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&SCSI_CMD];

pub static SCSI_CMD: Table = Table {
    name: t("scsi_cmd"),
    source: t("scsi"),
    record: Some(t("rt_scsi_cmd")),
    doc: t("One row per SCSI command event, on every task (completions run in interrupt \
            context): `start` (scsi_dispatch_cmd_start: handed to the host adapter's \
            driver), `error` (scsi_dispatch_cmd_error: the driver refused it), `done` \
            (scsi_dispatch_cmd_done: completed, with its result) and `timeout` \
            (scsi_dispatch_cmd_timeout). A command is identified by its device \
            (host_no, channel, target, lun) and driver tag while it is in flight; the view \
            scsi_cmd_latency pairs each completion with its dispatch."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When it happened.", field("ts")),
        col("pid", U32, "", "Process id of the task it happened in (the submitter for `start`; any interrupted task for `done`).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("event", Str, "", "start, error, done or timeout.", cstr("event")),
        col("host_no", U32, "", "SCSI host number (the N of hostN, /sys/class/scsi_host).", field("host_no")),
        col("channel", U32, "", "Channel (bus) on the host.", field("channel")),
        col("target", U32, "", "Target id.", field("id")),
        col("lun", U32, "", "Logical unit number.", field("lun")),
        col("opcode", U32, "", "The command's operation code (0x28 READ(10), 0x2a WRITE(10), 0x35 SYNCHRONIZE CACHE, ...).", field("opcode")),
        col("cmd_len", U32, "bytes", "Length of its command descriptor block.", field("cmd_len")),
        col("driver_tag", I32, "", "Its tag among the host's in-flight commands (-1: none, or a kernel before 6.0, whose tracepoints do not carry it: such commands cannot be paired).", field("driver_tag")),
        col("data_sglen", U32, "", "Scatter-gather entries of its data.", field("data_sglen")),
        col("result", I32, "", "`done` and `timeout`: the SCSI result (host byte << 16 | status byte, e.g. 0x2 CHECK CONDITION, 0x30000 DID_TIME_OUT); `error`: the driver's return code; 0 for `start`.", field("result")),
    ]),
};
