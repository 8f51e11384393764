//! Source `profile` and its tables: timed CPU samples with stacks.

use std::borrow::Cow;

use crate::sources::{Attach::*, Loader, Probe, SourceDef};
use crate::tables::{origin::*, t, ColType::*, Table, MONO, col};

pub static SOURCE: SourceDef = SourceDef {
    name: "profile",
    about: "CPU samples at -F Hz per CPU with kernel+user stacks and run-queue length",
    rate: "Hz x CPUs; default",
    default: true,
    object: Some("profile"),
    probes: &[Probe { name: "cpu-clock", alternatives: &[PerfEvent("cpu-clock")], optional: false }],
    needs: "perf_event software cpu-clock, bpf_get_stack",
    loader: Loader::Custom,
    records_stacks: true,
};

pub static TABLES: &[&Table] = &[&PROFILE];

pub static PROFILE: Table = Table {
    name: t("profile"),
    source: t("profile"),
    record: Some(t("rt_profile")),
    doc: t("Timed CPU samples: on every CPU, `-F` times a second (perf_event cpu-clock), the \
          task on the CPU with its kernel and user stacks and the CPU's run-queue length. \
          The recorder's own process is left out (its cost is in the manifest)."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the sample was taken.", field("ts")),
        col("cpu", U32, "", "CPU sampled.", field("cpu")),
        col("tid", U32, "", "Thread on the CPU (0 when idle).", field("tid")),
        col("pid", U32, "", "Process (tgid) on the CPU (0 when idle).", field("pid")),
        col("comm", Str, "", "Command name of the thread on the CPU.", cstr("comm")),
        col("kstack_id", U32, "", "Kernel stack, in `stacks`; 0 when the sample hit user mode or no stack could be taken.", trailing_stack("kframes", false)),
        col("ustack_id", U32, "", "User stack, in `stacks`; 0 for kernel threads or when none could be taken.", trailing_stack("uframes", true)),
        col("runq_len", U32, "", "Tasks runnable on this CPU's run queue at the sample, the running one included (rq->nr_running).", field("runq_len")),
    ]),
};
