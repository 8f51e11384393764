//! Source `cpufreq`: CPU frequency changes (power:cpu_frequency) → table
//! `cpu_frequency`; the pipeline adds each CPU's frequency read from sysfs at the
//! start. Low rate. Virtual machines often have no cpufreq driver: the source is
//! then reported unavailable (not fatal unless it was the only one asked for).

use std::mem::MaybeUninit;

use anyhow::{Context, Result};
use libbpf_rs::skel::{OpenSkel, Skel, SkelBuilder};
use libbpf_rs::OpenObject;
use retrace_recorder_bpf::cpufreq::{CpufreqSkel, CpufreqSkelBuilder};

use super::{configure_common, load_preferred, loaded_object, probes, Attach, Options, Running};
use crate::rings;

loaded_object!(CpufreqSkel<'static>);

fn load(attach: Attach, opts: &Options) -> Result<CpufreqSkel<'static>> {
    let storage: &'static mut MaybeUninit<OpenObject> = Box::leak(Box::new(MaybeUninit::uninit()));
    let mut open = CpufreqSkelBuilder::default()
        .open(storage)
        .context("opening the cpufreq BPF object")?;
    let rodata = open.maps.rodata_data.as_deref_mut().expect("rodata");
    configure_common!(rodata, opts);
    open.maps.rings.set_max_entries(opts.cpus as u32)?;
    let tp_btf = attach == Attach::TpBtf;
    open.progs.tp_btf_cpu_frequency.set_autoload(tp_btf);
    open.progs.raw_tp_cpu_frequency.set_autoload(!tp_btf);
    Ok(open.load()?)
}

pub fn start(opts: &Options) -> Result<Running> {
    // Without a cpufreq driver (most VMs) the kernel neither reports a
    // frequency nor ever changes one: say so instead of recording nothing.
    if initial_frequencies().is_empty() {
        anyhow::bail!(
            "no cpufreq driver (no /sys/devices/system/cpu/cpu*/cpufreq/scaling_cur_freq)"
        );
    }
    let (mut skel, attach) =
        load_preferred(|a| load(a, opts), "the power:cpu_frequency tracepoint")?;
    let rings = rings::install(&skel.maps.rings, opts.cpus, opts.ring_bytes, "cpufreq")?;
    skel.attach().context("attaching power:cpu_frequency")?;
    let mut probes = probes(&["cpu_frequency"], attach.name());
    probes.push(retrace_schema::manifest::ProbeAttach {
        probe: "sysfs scaling_cur_freq".into(),
        attach: "userspace".into(),
    });
    Ok(Running::new("cpufreq", probes, rings, Box::new(skel)))
}

/// Each CPU's current frequency from sysfs: (cpu, kHz). Empty without cpufreq.
pub fn initial_frequencies() -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/sys/devices/system/cpu") else {
        return out;
    };
    for entry in dir.flatten() {
        let name = entry.file_name();
        let Some(cpu) = name
            .to_str()
            .and_then(|n| n.strip_prefix("cpu"))
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let khz = std::fs::read_to_string(entry.path().join("cpufreq/scaling_cur_freq"))
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok());
        if let Some(khz) = khz {
            out.push((cpu, khz));
        }
    }
    out.sort_unstable();
    out
}
