//! Source `cpufreq` and its tables: CPU frequency changes.

use std::borrow::Cow;

use crate::sources::{Attach::*, Loader, Probe, SourceDef};
use crate::tables::{origin::*, t, ColType::*, Table, MONO, col};

pub static SOURCE: SourceDef = SourceDef {
    name: "cpufreq",
    about: "CPU frequency changes and each CPU's frequency at start",
    rate: "low rate; default",
    default: true,
    object: Some("cpufreq"),
    probes: &[
        Probe { name: "power:cpu_frequency", alternatives: &[TpBtf("cpu_frequency"), RawTp("cpu_frequency")], optional: false },
        Probe { name: "sysfs scaling_cur_freq", alternatives: &[Userspace("sysfs")], optional: false },
    ],
    needs: "a cpufreq driver (most VMs have none: the source is then reported unavailable)",
    loader: Loader::Custom,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&CPU_FREQUENCY];

pub static CPU_FREQUENCY: Table = Table {
    name: t("cpu_frequency"),
    source: t("cpufreq"),
    record: Some(t("rt_cpufreq")),
    doc: t("CPU frequency changes (power:cpu_frequency), plus one row per CPU read from \
          sysfs when the recording started, so every CPU's frequency is known throughout."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col(
            "ts_ns",
            U64,
            MONO,
            "When the frequency changed (or was read, for the initial rows).",
            field("ts"),
        ),
        col("cpu", U32, "", "CPU.", field("cpu")),
        col("freq_khz", U32, "kHz", "New frequency.", field("freq_khz")),
        col(
            "initial",
            Bool,
            "",
            "True for the rows read from sysfs at the start.",
            host("false for tracepoint rows; true for the rows read from sysfs at the start"),
        ),
    ]),
};
