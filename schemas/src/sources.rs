//! What a source is (`retrace-record --sources NAME`): its BPF object, its probes with
//! their attach alternatives in order of preference, the tables it fills, what it
//! costs and what it needs from the kernel. Declared once each, beside its tables, in
//! `schemas/src/catalog/<source>.rs`; the recorder's `--sources` list, its `--help`,
//! the choice among attach alternatives and the manifest's attach report come from
//! these declarations, and so does the analyzer's "record with --sources X".

use crate::tables::Table;

/// One source and the tables it fills.
#[derive(Debug)]
pub struct SourceDef {
    pub name: &'static str,
    /// One line for `--help`: what it records.
    pub about: &'static str,
    /// The event rate to expect, quoted by `--help` (why a source is opt-in).
    pub rate: &'static str,
    /// Whether it is in the default set: only low-rate, production-safe sources are.
    pub default: bool,
    /// The BPF object (`recorder-bpf/src/bpf/<object>.bpf.c`), None for pseudo-sources.
    pub object: Option<&'static str>,
    /// Its probes, each with the ways it can attach.
    pub probes: &'static [Probe],
    /// What the kernel must offer, for `--help` and the docs.
    pub needs: &'static str,
    /// How the recorder starts it.
    pub loader: Loader,
    /// Whether its rows carry stack ids into the shared `stacks` tables.
    pub records_stacks: bool,
}

/// How the recorder starts a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loader {
    /// The generic loader: open the object, pick each probe's attach alternative,
    /// set the common filters, load, attach. No source-specific code.
    Generic,
    /// Code of its own in `recorder/src/sources/<name>.rs` (samplers, kernel-version
    /// shims, user-space parts); the declaration still drives help and docs.
    Custom,
    /// Not recorded by itself: the stack tables, filled by whichever stack source ran.
    Shared,
}

/// A [`Probe`] with one alternative, a classic tracepoint (the syscalls ones, and
/// others read through their tracefs format): `tracepoint_probe!("filemap:mm_filemap_fault",
/// true)`, the second argument saying whether the probe is optional.
macro_rules! tracepoint_probe {
    ($name:literal, $optional:expr) => {
        $crate::sources::Probe {
            name: $name,
            alternatives: &[$crate::sources::Attach::Tracepoint($name)],
            optional: $optional,
        }
    };
}
pub(crate) use tracepoint_probe;

/// A [`Probe`] on a tracepoint through its BTF-typed raw form, else its raw form
/// (`tp_btf_probe!("sock:inet_sock_set_state", "inet_sock_set_state", false)`: the
/// probe's name, the tracepoint, whether it is optional); the programs are written
/// with RT_TRACEPOINT (recorder-bpf/src/bpf/probe.bpf.h).
macro_rules! tp_btf_probe {
    ($name:literal, $tp:literal, $optional:expr) => {
        $crate::sources::Probe {
            name: $name,
            alternatives: &[
                $crate::sources::Attach::TpBtf($tp),
                $crate::sources::Attach::RawTp($tp),
            ],
            optional: $optional,
        }
    };
}
pub(crate) use tp_btf_probe;

/// A [`Probe`] on a kernel function, optional: fentry, else kprobe
/// (`kfunc_probe!("lookup_fast", "lookup_fast")`, the probe's name first); its
/// return with `kfunc_probe!(return "d_lookup:return", "d_lookup")`: fexit, else
/// kretprobe.
macro_rules! kfunc_probe {
    ($name:literal, $func:literal) => {
        $crate::sources::Probe {
            name: $name,
            alternatives: &[
                $crate::sources::Attach::Fentry($func),
                $crate::sources::Attach::Kprobe($func),
            ],
            optional: true,
        }
    };
    (return $name:literal, $func:literal) => {
        $crate::sources::Probe {
            name: $name,
            alternatives: &[
                $crate::sources::Attach::Fexit($func),
                $crate::sources::Attach::Kretprobe($func),
            ],
            optional: true,
        }
    };
}
pub(crate) use kfunc_probe;

/// One probe of a source.
#[derive(Debug)]
pub struct Probe {
    /// What it observes, as users name it (`signal:signal_generate`).
    pub name: &'static str,
    /// The ways to attach it, best first. The recorder takes the first one this
    /// kernel supports; the BPF object has one program per alternative, named
    /// [`Attach::program`].
    pub alternatives: &'static [Attach],
    /// The source still runs when no alternative of this probe can attach.
    pub optional: bool,
}

/// One way to attach a probe. The string is the kernel's name of the event or function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attach {
    /// A BTF-typed raw tracepoint (Linux 5.5+): arguments are typed, plain loads.
    TpBtf(&'static str),
    /// A raw tracepoint (4.17+): the tracepoint's raw arguments.
    RawTp(&'static str),
    /// A classic tracepoint, `group:name`: the fields of its tracefs format.
    Tracepoint(&'static str),
    /// fentry on a kernel function (5.5+, needs BTF and trampolines).
    Fentry(&'static str),
    /// fexit on a kernel function: its return (5.5+, as fentry).
    Fexit(&'static str),
    /// kprobe on a kernel function (needs CONFIG_KPROBES).
    Kprobe(&'static str),
    /// kretprobe on a kernel function: its return (as kprobe).
    Kretprobe(&'static str),
    /// A perf event (software or hardware) sampled by a program, opened by the recorder.
    PerfEvent(&'static str),
    /// Done by the recorder in user space (a /proc or sysfs read).
    Userspace(&'static str),
}

impl Attach {
    /// The attach type's name, as the manifest reports it.
    pub fn kind(self) -> &'static str {
        match self {
            Attach::TpBtf(_) => "tp_btf",
            Attach::RawTp(_) => "raw_tp",
            Attach::Tracepoint(_) => "tracepoint",
            Attach::Fentry(_) => "fentry",
            Attach::Fexit(_) => "fexit",
            Attach::Kprobe(_) => "kprobe",
            Attach::Kretprobe(_) => "kretprobe",
            Attach::PerfEvent(_) => "perf_event",
            Attach::Userspace(_) => "userspace",
        }
    }

    /// The event or function attached to.
    pub fn target(self) -> &'static str {
        match self {
            Attach::TpBtf(t)
            | Attach::RawTp(t)
            | Attach::Tracepoint(t)
            | Attach::Fentry(t)
            | Attach::Fexit(t)
            | Attach::Kprobe(t)
            | Attach::Kretprobe(t)
            | Attach::PerfEvent(t)
            | Attach::Userspace(t) => t,
        }
    }

    /// The BPF program that implements this alternative: `<kind>__<target>` with
    /// `:` as `__` (`tp_btf__signal_generate`, `kprobe__oom_kill_process`,
    /// `tracepoint__syscalls__sys_enter_kill`); `probe.bpf.h`'s macros name them so.
    pub fn program(self) -> String {
        format!("{}__{}", self.kind(), self.target().replace(':', "__"))
    }
}

/// A source's declaration with its tables: one file of `schemas/src/catalog/`.
#[derive(Debug)]
pub struct Chapter {
    pub source: &'static SourceDef,
    pub tables: &'static [&'static Table],
}

/// Every source of the catalog: the default ones first, then by name.
pub fn sources() -> Vec<&'static SourceDef> {
    let mut v: Vec<&'static SourceDef> = crate::catalog::CHAPTERS
        .iter()
        .map(|c| c.source)
        .filter(|s| s.loader != Loader::Shared)
        .collect();
    v.sort_by_key(|s| (!s.default, s.name));
    v
}

/// Look a recordable source up by name.
pub fn source(name: &str) -> Option<&'static SourceDef> {
    sources().into_iter().find(|s| s.name == name)
}

/// The default `--sources` list, comma-separated.
pub fn default_list() -> String {
    sources()
        .iter()
        .filter(|s| s.default)
        .map(|s| s.name)
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether a source's rows reference the `stacks` tables.
pub fn records_stacks(name: &str) -> bool {
    source(name).is_some_and(|s| s.records_stacks)
}
