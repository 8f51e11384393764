//! Source `irq` and its tables: hard and soft interrupt runs.

use std::borrow::Cow;

use crate::sources::{Attach::*, Loader, Probe, SourceDef};
use crate::tables::{origin::*, t, ColType::*, Table, MONO, col};

pub static SOURCE: SourceDef = SourceDef {
    name: "irq",
    about: "hard and soft interrupt handler runs, paired per CPU in the kernel",
    rate: "softirqs reach 100 k/s+ on network hosts; opt-in",
    default: false,
    object: Some("irq"),
    probes: &[
        Probe { name: "irq:irq_handler_entry", alternatives: &[TpBtf("irq_handler_entry"), RawTp("irq_handler_entry")], optional: false },
        Probe { name: "irq:irq_handler_exit", alternatives: &[TpBtf("irq_handler_exit"), RawTp("irq_handler_exit")], optional: false },
        Probe { name: "irq:softirq_entry", alternatives: &[TpBtf("softirq_entry"), RawTp("softirq_entry")], optional: false },
        Probe { name: "irq:softirq_exit", alternatives: &[TpBtf("softirq_exit"), RawTp("softirq_exit")], optional: false },
    ],
    needs: "irq tracepoints",
    loader: Loader::Custom,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&HARDIRQ, &SOFTIRQ];

pub static HARDIRQ: Table = Table {
    name: t("hardirq"),
    source: t("irq"),
    record: Some(t("rt_hardirq")),
    doc: t("One row per hard interrupt handler run, paired per CPU from irq_handler_entry \
          and irq_handler_exit."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the handler returned.", field("ts_exit")),
        col("ts_entry_ns", U64, MONO, "When the handler was entered.", field("ts_entry")),
        col("cpu", U32, "", "CPU that ran the handler.", field("cpu")),
        col("irq", U32, "", "Interrupt number.", field("irq")),
        col(
            "name",
            Str,
            "",
            "Handler (action) name, e.g. `virtio0-requests`.",
            cstr("name"),
        ),
        col(
            "handled",
            Bool,
            "",
            "True when the handler returned IRQ_HANDLED.",
            field("handled"),
        ),
    ]),
};

pub static SOFTIRQ: Table = Table {
    name: t("softirq"),
    source: t("irq"),
    record: Some(t("rt_softirq")),
    doc: t("One row per soft interrupt run, paired per CPU from softirq_entry and softirq_exit."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the softirq handler returned.", field("ts_exit")),
        col("ts_entry_ns", U64, MONO, "When it was entered.", field("ts_entry")),
        col("cpu", U32, "", "CPU that ran it.", field("cpu")),
        col("vec", U32, "", "Softirq vector number.", field("vec")),
        col("name", Str, "", "Vector name: hi, timer, net_tx, net_rx, block, irq_poll, tasklet, sched, hrtimer, rcu.", softirq_name("vec")),
    ]),
};
