//! Source `offcpu` and its tables: blocked time with stacks.

use std::borrow::Cow;

use crate::sources::{Attach::*, Loader, Probe, SourceDef};
use crate::tables::{origin::*, t, ColType::*, Table, MONO, col};

pub static SOURCE: SourceDef = SourceDef {
    name: "offcpu",
    about: "blocked time >= --min-block with kernel+user stacks",
    rate: "a stack walk per blocking switch; opt-in",
    default: false,
    object: Some("offcpu"),
    probes: &[Probe { name: "sched:sched_switch", alternatives: &[TpBtf("sched_switch")], optional: false }],
    needs: "tp_btf and task storage (5.11+), stack maps",
    loader: Loader::Custom,
    records_stacks: true,
};

pub static TABLES: &[&Table] = &[&OFFCPU];

pub static OFFCPU: Table = Table {
    name: t("offcpu"),
    source: t("offcpu"),
    record: Some(t("rt_offcpu")),
    doc: t("One row per time a thread was off the CPU for at least `--min-block` (kept in \
          the kernel: shorter blocks are not recorded), with the kernel and user stacks \
          it blocked in, taken when it was switched out (sched_switch). Preemptions \
          (the thread stayed runnable) are not recorded, nor is the recorder's own process."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the thread was switched back in.", field("ts")),
        col("ts_off_ns", U64, MONO, "When the thread was switched out; ts_ns - ts_off_ns is the time it was blocked.", field("ts_off")),
        col("cpu", U32, "", "CPU the thread was switched back in on.", field("cpu")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("state", U32, "", "prev_state when it was switched out (1 interruptible sleep, 2 uninterruptible, ...).", field("state")),
        col("kstack_id", U32, "", "Kernel stack where it blocked, in `stacks`; 0 when none could be taken.", stack_id("kstack_id", false)),
        col("ustack_id", U32, "", "User stack where it blocked, in `stacks`; 0 for kernel threads or when none could be taken.", stack_id("ustack_id", true)),
    ]),
};
