//! Source `signal` and its tables: signals as they are generated (sent) and delivered,
//! for sigsnoop and killsnoop.

use std::borrow::Cow;

use crate::sources::{Attach::*, Loader, Probe, SourceDef};
use crate::tables::{col, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "signal",
    about: "signals generated (sender, target, signal, code, result) and delivered (handler)",
    rate: "low rate; default",
    default: true,
    object: Some("signal"),
    probes: &[
        Probe {
            name: "signal:signal_generate",
            alternatives: &[TpBtf("signal_generate"), RawTp("signal_generate")],
            optional: false,
        },
        Probe {
            name: "signal:signal_deliver",
            alternatives: &[TpBtf("signal_deliver"), RawTp("signal_deliver")],
            optional: false,
        },
    ],
    needs: "signal tracepoints (3.x+); BTF for tp_btf (raw_tp otherwise)",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&SIGNAL_GENERATE, &SIGNAL_DELIVER];

pub static SIGNAL_GENERATE: Table = Table {
    name: t("signal_generate"),
    source: t("signal"),
    record: Some(t("rt_signal_generate")),
    doc: t("One row per signal generated (sent), from the signal_generate tracepoint: by \
            kill(), tkill(), tgkill(), sigqueue() or the kernel (SIGSEGV, SIGCHLD, timers, ...), \
            whatever became of it (delivered, ignored, already pending)."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the signal was generated.", field("ts")),
        col("pid", U32, "", "Process (tgid) that generated it: the sender, or the task the kernel was running for.", field("pid")),
        col("tid", U32, "", "Thread that generated it.", field("tid")),
        col("comm", Str, "", "Command name of the sender.", cstr("comm")),
        col("target_pid", U32, "", "Process (tgid) the signal was sent to.", field("target_pid")),
        col("target_tid", U32, "", "Thread the signal was queued on (for a group signal: the thread the kernel picked).", field("target_tid")),
        col("target_comm", Str, "", "Command name of the target.", cstr("target_comm")),
        col("sig", I32, "", "Signal number (the host's numbering: 9 SIGKILL, 15 SIGTERM, ...).", field("sig")),
        col("code", I32, "", "si_code: 0 SI_USER (kill), -6 SI_TKILL (tkill, tgkill), -1 SI_QUEUE, 128 SI_KERNEL, > 0 a fault or child code.", field("code")),
        col("group", Bool, "", "True when sent to the whole thread group (kill), false for one thread (tgkill).", field("group")),
        col("result", I32, "", "What became of it: 0 delivered (queued), 1 ignored, 2 already pending, 3 overflow fail, 4 queued without its info.", field("result")),
    ]),
};

pub static SIGNAL_DELIVER: Table = Table {
    name: t("signal_deliver"),
    source: t("signal"),
    record: Some(t("rt_signal_deliver")),
    doc: t("One row per signal delivered to a thread (it takes the signal's action on its way \
            back to user space), from the signal_deliver tracepoint."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the signal was delivered.", field("ts")),
        col("pid", U32, "", "Process (tgid) that took the signal.", field("pid")),
        col("tid", U32, "", "Thread that took the signal.", field("tid")),
        col("comm", Str, "", "Command name of that thread.", cstr("comm")),
        col("sig", I32, "", "Signal number.", field("sig")),
        col("code", I32, "", "si_code of the signal delivered.", field("code")),
        col("sa_handler", U64, "address", "The handler: 0 SIG_DFL, 1 SIG_IGN, else the address of the user handler.", field("sa_handler")),
        col("sa_flags", U64, "", "sigaction flags (SA_RESTART 0x10000000, SA_SIGINFO 4, ...).", field("sa_flags")),
    ]),
};
