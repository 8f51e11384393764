//! Source `sched` and its tables: every context switch and wakeup.

use std::borrow::Cow;

use crate::sources::{Attach::*, Loader, Probe, SourceDef};
use crate::tables::{origin::*, t, ColType::*, Table, MONO, col};

pub static SOURCE: SourceDef = SourceDef {
    name: "sched",
    about: "every context switch and wakeup (one small record each, batched per CPU in the kernel)",
    rate: "typically 1-50 k/s per CPU; default",
    default: true,
    object: Some("sched"),
    probes: &[
        Probe { name: "sched:sched_switch", alternatives: &[TpBtf("sched_switch"), RawTp("sched_switch")], optional: false },
        Probe { name: "sched:sched_wakeup", alternatives: &[TpBtf("sched_wakeup"), RawTp("sched_wakeup")], optional: false },
        Probe { name: "sched:sched_wakeup_new", alternatives: &[TpBtf("sched_wakeup_new"), RawTp("sched_wakeup_new")], optional: false },
    ],
    needs: "sched tracepoints; BTF for tp_btf (raw_tp otherwise)",
    loader: Loader::Custom,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&SCHED_SWITCH, &SCHED_WAKEUP];

pub static SCHED_SWITCH: Table = Table {
    name: t("sched_switch"),
    source: t("sched"),
    record: Some(t("rt_sched_switch")),
    doc: t("One row per context switch, from the sched_switch tracepoint: the CPU leaves \
          `prev` and runs `next`. With sched_wakeup it answers runqlat, runqslower, cpudist \
          (on- and off-CPU time) and per-task CPU time."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the switch happened.", field("ts")),
        col("cpu", U32, "", "CPU that switched.", BATCH_CPU),
        col("prev_tid", U32, "", "Thread switched out (0 is the idle task).", field("prev_tid")),
        col("prev_pid", U32, "", "Process (tgid) of the thread switched out.", field("prev_pid")),
        col("prev_comm", Str, "", "Command name of the thread switched out.", cstr("prev_comm")),
        col("prev_prio", I32, "", "Kernel priority of the thread switched out (0-99 real time, 100-139 normal; lower runs first).", field("prev_prio")),
        col("prev_state", U32, "", "State of the thread switched out, as the tracepoint gives it: 0 when it was preempted and stays runnable, else the TASK_* bits of why it left the CPU (1 interruptible sleep, 2 uninterruptible (D), ...).", field("prev_state")),
        col("next_tid", U32, "", "Thread switched in (0 is the idle task).", field("next_tid")),
        col("next_pid", U32, "", "Process (tgid) of the thread switched in.", field("next_pid")),
        col("next_comm", Str, "", "Command name of the thread switched in.", cstr("next_comm")),
        col("next_prio", I32, "", "Kernel priority of the thread switched in.", field("next_prio")),
    ]),
};

pub static SCHED_WAKEUP: Table = Table {
    name: t("sched_wakeup"),
    source: t("sched"),
    record: Some(t("rt_sched_wakeup")),
    doc: t("One row per wakeup of a sleeping thread (sched_wakeup) and per first wakeup of a \
          new thread (sched_wakeup_new). The time from a wakeup to the thread's next \
          `sched_switch` in is its run-queue latency."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the thread was made runnable.", field("ts")),
        col(
            "cpu",
            U32,
            "",
            "CPU on which the wakeup ran (the waker's CPU).",
            BATCH_CPU,
        ),
        col(
            "target_cpu",
            U32,
            "",
            "CPU whose run queue the thread was put on.",
            field("target_cpu"),
        ),
        col("tid", U32, "", "Thread woken.", field("tid")),
        col("pid", U32, "", "Process (tgid) of the thread woken.", field("pid")),
        col("comm", Str, "", "Command name of the thread woken.", cstr("comm")),
        col("prio", I32, "", "Kernel priority of the thread woken.", field("prio")),
        col(
            "waker_tid",
            U32,
            "",
            "Thread that did the wakeup (0 from interrupt or idle context).",
            field("waker_tid"),
        ),
        col("waker_pid", U32, "", "Process (tgid) of the waker.", field("waker_pid")),
        col(
            "new",
            Bool,
            "",
            "True for sched_wakeup_new (a new thread's first run).",
            field("is_new"),
        ),
    ]),
};
