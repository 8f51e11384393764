//! Choosing how each probe attaches: the first of its declared alternatives that
//! this kernel offers. What the kernel offers is asked once ([`LiveKernel`]); the
//! choice itself is a pure function of that answer, so it is tested for kernels we
//! do not run on (with kprobes and fentry, without BTF, without tracefs).

use std::collections::HashSet;
use std::path::Path;

use anyhow::{bail, Result};
use retrace_schema::sources::{Attach, Probe};

/// What a kernel offers, as far as attaching is concerned.
pub trait KernelCaps {
    /// Whether this alternative can be tried here.
    fn offers(&self, a: Attach) -> bool;
}

/// One probe's choice: None when an optional probe has no alternative here.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    pub probe: &'static Probe,
    pub attach: Option<Attach>,
}

/// Pick each probe's first alternative the kernel offers and that is not excluded
/// (an alternative that failed to load). Fails, naming what was tried, when a
/// probe that is not optional has none.
pub fn choose(
    probes: &'static [Probe],
    caps: &dyn KernelCaps,
    excluded: &HashSet<Attach>,
) -> Result<Vec<Choice>> {
    let mut out = Vec::new();
    for p in probes {
        let attach = p
            .alternatives
            .iter()
            .copied()
            .find(|a| !excluded.contains(a) && caps.offers(*a));
        if attach.is_none() && !p.optional {
            let tried: Vec<String> = p
                .alternatives
                .iter()
                .map(|a| {
                    let why = if excluded.contains(a) {
                        "failed to load"
                    } else {
                        "not offered by this kernel"
                    };
                    format!("{} {} ({why})", a.kind(), a.target())
                })
                .collect();
            bail!("no way to attach {}: {}", p.name, tried.join(", "));
        }
        out.push(Choice { probe: p, attach });
    }
    Ok(out)
}

/// The alternatives of a choice that may be offered and still fail to load (fentry
/// refused by a lockdown or a missing trampoline; tp_btf on a changed signature):
/// excluded for the next attempt.
pub fn fallible(choices: &[Choice]) -> Vec<Attach> {
    choices
        .iter()
        .filter_map(|c| c.attach)
        .filter(|a| matches!(a, Attach::Fentry(_) | Attach::Fexit(_) | Attach::TpBtf(_)))
        .collect()
}

/// The running kernel, asked through BTF, tracefs, the PMU list and kallsyms.
pub struct LiveKernel {
    btf_types: HashSet<String>,
    tracepoints: HashSet<String>,
    kprobes: bool,
    functions: HashSet<String>,
}

impl LiveKernel {
    pub fn probe() -> Self {
        let mut btf_types = HashSet::new();
        if let Ok(btf) = libbpf_rs::btf::Btf::from_vmlinux() {
            use libbpf_rs::btf::types::{Func, Typedef};
            for t in btf.type_by_kind::<Typedef<'_>>() {
                if let Some(n) = t.name().and_then(|n| n.to_str()) {
                    if n.starts_with("btf_trace_") {
                        btf_types.insert(n.to_string());
                    }
                }
            }
            for f in btf.type_by_kind::<Func<'_>>() {
                if let Some(n) = f.name().and_then(|n| n.to_str()) {
                    btf_types.insert(format!("func:{n}"));
                }
            }
        }
        let _ = crate::tracefs::ensure_mounted();
        let tracepoints = std::fs::read_to_string(crate::tracefs::path().join("available_events"))
            .map(|s| s.lines().map(str::to_string).collect())
            .unwrap_or_default();
        let kprobes = Path::new("/sys/bus/event_source/devices/kprobe").exists();
        let functions = if kprobes {
            std::fs::read_to_string("/proc/kallsyms")
                .map(|s| {
                    s.lines()
                        .filter_map(|l| {
                            let mut w = l.split_whitespace();
                            let (_, ty, name) = (w.next()?, w.next()?, w.next()?);
                            matches!(ty, "t" | "T").then(|| name.to_string())
                        })
                        .collect()
                })
                .unwrap_or_default()
        } else {
            HashSet::new()
        };
        LiveKernel {
            btf_types,
            tracepoints,
            kprobes,
            functions,
        }
    }

    fn has_tracepoint_named(&self, name: &str) -> bool {
        self.btf_types.contains(&format!("btf_trace_{name}"))
            || self
                .tracepoints
                .iter()
                .any(|t| t.rsplit(':').next() == Some(name))
    }
}

impl KernelCaps for LiveKernel {
    fn offers(&self, a: Attach) -> bool {
        match a {
            Attach::TpBtf(t) => self.btf_types.contains(&format!("btf_trace_{t}")),
            Attach::RawTp(t) => self.has_tracepoint_named(t),
            Attach::Tracepoint(t) => self.tracepoints.contains(t),
            Attach::Fentry(f) | Attach::Fexit(f) => self.btf_types.contains(&format!("func:{f}")),
            Attach::Kprobe(f) | Attach::Kretprobe(f) => self.kprobes && self.functions.contains(f),
            Attach::PerfEvent(_) | Attach::Userspace(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use retrace_schema::sources::source;

    /// A kernel offering exactly these attach kinds.
    struct Fake(&'static [&'static str]);

    impl KernelCaps for Fake {
        fn offers(&self, a: Attach) -> bool {
            self.0.contains(&a.kind())
        }
    }

    fn oom() -> &'static [Probe] {
        source("oom").expect("the oom source").probes
    }

    #[test]
    fn the_tracepoint_wins_where_the_kernel_has_it() {
        let c = choose(
            oom(),
            &Fake(&["tp_btf", "raw_tp", "fentry", "kprobe"]),
            &HashSet::new(),
        );
        assert_eq!(c.unwrap()[0].attach, Some(Attach::TpBtf("mark_victim")));
        let c = choose(oom(), &Fake(&["raw_tp", "kprobe"]), &HashSet::new()).unwrap();
        assert_eq!(c[0].attach, Some(Attach::RawTp("mark_victim")));
    }

    #[test]
    fn kernels_without_the_tracepoint_use_fentry_then_kprobe() {
        let c = choose(oom(), &Fake(&["fentry", "kprobe"]), &HashSet::new()).unwrap();
        assert_eq!(c[0].attach, Some(Attach::Fentry("oom_kill_process")));
        // fentry offered but refused at load (as on this project's CI VM): kprobe next.
        let failed: HashSet<Attach> = fallible(&c).into_iter().collect();
        let c = choose(oom(), &Fake(&["fentry", "kprobe"]), &failed).unwrap();
        assert_eq!(c[0].attach, Some(Attach::Kprobe("oom_kill_process")));
        assert_eq!(c[0].attach.unwrap().program(), "kprobe__oom_kill_process");
    }

    #[test]
    fn function_returns_use_fexit_then_kretprobe() {
        let probes = source("vfscache").unwrap().probes;
        let ret = |caps: &Fake, excluded: &HashSet<Attach>| {
            choose(probes, caps, excluded)
                .unwrap()
                .into_iter()
                .find(|c| c.probe.name == "d_lookup:return")
                .unwrap()
                .attach
        };
        let both = Fake(&["fentry", "fexit", "kprobe", "kretprobe"]);
        assert_eq!(ret(&both, &HashSet::new()), Some(Attach::Fexit("d_lookup")));
        // fexit refused at load like fentry: the kretprobe next.
        let c = choose(probes, &both, &HashSet::new()).unwrap();
        let failed: HashSet<Attach> = fallible(&c).into_iter().collect();
        assert_eq!(ret(&both, &failed), Some(Attach::Kretprobe("d_lookup")));
        assert_eq!(
            Attach::Kretprobe("d_lookup").program(),
            "kretprobe__d_lookup"
        );
        // Neither (this project's VM): every probe optional, none chosen.
        let none = choose(probes, &Fake(&["tracepoint"]), &HashSet::new()).unwrap();
        assert!(none.iter().all(|c| c.attach.is_none()));
    }

    #[test]
    fn no_alternative_is_an_error_that_says_what_was_tried() {
        let e = choose(oom(), &Fake(&[]), &HashSet::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains("no way to attach oom:mark_victim"), "{e}");
        assert!(e.contains("kprobe oom_kill_process (not offered"), "{e}");
    }

    #[test]
    fn an_optional_probe_may_stay_unattached() {
        let disk = source("disk").unwrap().probes;
        let c = choose(disk, &Fake(&["raw_tp"]), &HashSet::new()).unwrap();
        assert!(c
            .iter()
            .all(|c| c.attach.is_some_and(|a| a.kind() == "raw_tp")));
        struct NoIoStart;
        impl KernelCaps for NoIoStart {
            fn offers(&self, a: Attach) -> bool {
                a.target() != "block_io_start"
            }
        }
        let c = choose(disk, &NoIoStart, &HashSet::new()).unwrap();
        let start = c
            .iter()
            .find(|c| c.probe.name.ends_with("block_io_start"))
            .unwrap();
        assert_eq!(start.attach, None);
    }
}
