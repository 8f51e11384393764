//! Source `pmc` and its tables: hardware counter samples.

use std::borrow::Cow;

use crate::sources::{Attach::*, Loader, Probe, SourceDef};
use crate::tables::{origin::*, t, ColType::*, Table, MONO, col};

pub static SOURCE: SourceDef = SourceDef {
    name: "pmc",
    about: "hardware counter samples: cycles, instructions, LLC references/misses",
    rate: "needs a PMU; opt-in",
    default: false,
    object: Some("pmc"),
    probes: &[Probe { name: "hardware counters", alternatives: &[PerfEvent("cycles, instructions, LLC references, LLC misses")], optional: false }],
    needs: "hardware PMCs (none in most VMs); --pmc-events software for tests",
    loader: Loader::Custom,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&PMC];

pub static PMC: Table = Table {
    name: t("pmc"),
    source: t("pmc"),
    record: Some(t("rt_pmc")),
    doc: t("Hardware counter samples: each row stands for `period` events of one counter \
          (cycles, instructions, LLC references or misses) that overflowed on a CPU \
          while a task ran. Sums of `period` per task estimate its counts (llcstat, IPC)."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the counter overflowed.", field("ts")),
        col("cpu", U32, "", "CPU.", field("cpu")),
        col("tid", U32, "", "Thread running (0 when idle).", field("tid")),
        col("pid", U32, "", "Process (tgid) running.", field("pid")),
        col("comm", Str, "", "Command name of the thread running.", cstr("comm")),
        col("counter", Str, "", "Which counter: `cycles`, `instructions`, `llc_references`, `llc_misses` (or a software event's name when recorded for tests).", pmc_counter("counter")),
        col("period", U64, "events", "Counter events this sample stands for (the sample period).", field("period")),
    ]),
};
