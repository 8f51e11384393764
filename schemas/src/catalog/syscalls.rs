//! Source `syscalls` and its tables: every system call, paired in the kernel.

use std::borrow::Cow;

use crate::sources::{Attach::*, Loader, Probe, SourceDef};
use crate::tables::{origin::*, t, ColType::*, Table, MONO, col};

pub static SOURCE: SourceDef = SourceDef {
    name: "syscalls",
    about: "every system call that returns: number, return value, both times",
    rate: "up to millions/s; opt-in",
    default: false,
    object: Some("syscalls"),
    probes: &[
        Probe { name: "raw_syscalls:sys_enter", alternatives: &[TpBtf("sys_enter"), RawTp("sys_enter")], optional: false },
        Probe { name: "raw_syscalls:sys_exit", alternatives: &[TpBtf("sys_exit"), RawTp("sys_exit")], optional: false },
    ],
    needs: "raw_syscalls tracepoints, task storage (5.11+)",
    loader: Loader::Custom,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&SYSCALLS];

pub static SYSCALLS: Table = Table {
    name: t("syscalls"),
    source: t("syscalls"),
    record: Some(t("rt_syscall")),
    doc: t("One row per system call that returned, paired in the kernel from raw_syscalls \
          sys_enter and sys_exit (per-task storage). Calls that never return (exit, \
          exit_group, a successful execve's old image) have no row."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the call returned.", field("ts_exit")),
        col("ts_enter_ns", U64, MONO, "When the call was entered.", field("ts_enter")),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("nr", I32, "", "System call number, in the numbering of the host's architecture (manifest `host.arch`). Calls of 32-bit (compat) processes on a 64-bit host carry their 32-bit numbers and are not told apart yet.", field("nr")),
        col("ret", I64, "", "Return value: negative errno on failure.", field("ret")),
    ]),
};
