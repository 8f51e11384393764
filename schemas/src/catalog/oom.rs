//! Source `oom` and its table: the OOM killer's victims, for oomkill.

use std::borrow::Cow;

use crate::sources::{Attach::*, Loader, Probe, SourceDef};
use crate::tables::{col, opt, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "oom",
    about: "OOM kills: the victim, its size, and the task whose allocation triggered it",
    rate: "rare; default",
    default: true,
    object: Some("oom"),
    probes: &[Probe {
        name: "oom:mark_victim",
        // The tracepoint first (stable); the function where a kernel has no
        // tracepoint we can use (fentry, then kprobe: libbpf-tools' oomkill probe).
        alternatives: &[
            TpBtf("mark_victim"),
            RawTp("mark_victim"),
            Fentry("oom_kill_process"),
            Kprobe("oom_kill_process"),
        ],
        optional: false,
    }],
    needs: "oom:mark_victim with its task argument (5.x+), or fentry/kprobes on oom_kill_process",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&OOM_KILL];

pub static OOM_KILL: Table = Table {
    name: t("oom_kill"),
    source: t("oom"),
    record: Some(t("rt_oom_kill")),
    doc: t("One row per process the OOM killer chose to kill (system-wide or in a memory \
            cgroup), from the oom:mark_victim tracepoint (or oom_kill_process where only \
            that can be probed)."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the victim was chosen.", field("ts")),
        col("pid", U32, "", "Process (tgid) whose allocation triggered the OOM kill.", field("pid")),
        col("tid", U32, "", "Thread whose allocation triggered it.", field("tid")),
        col("comm", Str, "", "Command name of that thread.", cstr("comm")),
        col("victim_pid", U32, "", "Process (tgid) killed.", field("victim_pid")),
        col("victim_comm", Str, "", "Command name of the process killed.", cstr("victim_comm")),
        col("victim_uid", U32, "", "Real user id of the process killed.", field("victim_uid")),
        col("total_vm_pages", U64, "pages", "Virtual memory size of the victim (mm->total_vm).", field("total_vm_pages")),
        col("rss_pages", U64, "pages", "Resident pages of the victim (file + anon + shmem; the kernel's approximate per-CPU counters).", field("rss_pages")),
        opt("total_pages", U64, "pages", "Pages the OOM domain (system or cgroup) allows; null when recorded from mark_victim, which does not see it.", nonzero("total_pages")),
    ]),
};
