//! Source `proc`: exec (syscall tracepoints, paired in BPF), fork and exit
//! (scheduler tracepoints) → tables `process_exec`, `process_fork`, `process_exit`.
//! The /proc snapshot (`process_snapshot`) is taken by the pipeline.

use std::mem::MaybeUninit;

use anyhow::{Context, Result};
use libbpf_rs::skel::{OpenSkel, Skel, SkelBuilder};
use libbpf_rs::OpenObject;
use retrace_recorder_bpf::proc::{ProcSkel, ProcSkelBuilder};
use retrace_schema::manifest::ProbeAttach;

use super::{comm_filter_bytes, load_preferred, loaded_object, Attach, Options, Running};
use crate::rings;

loaded_object!(ProcSkel<'static>);

fn load(attach: Attach, opts: &Options) -> Result<ProcSkel<'static>> {
    let storage: &'static mut MaybeUninit<OpenObject> = Box::leak(Box::new(MaybeUninit::uninit()));
    let mut open = ProcSkelBuilder::default()
        .open(storage)
        .context("opening the proc BPF object")?;
    let rodata = open.maps.rodata_data.as_deref_mut().expect("rodata");
    rodata.filter_tgid = opts.filter_pid.unwrap_or(0);
    if let Some(c) = &opts.filter_comm {
        rodata.filter_comm = comm_filter_bytes(c);
    }
    rodata.ring_wakeup_bytes = opts.ring_bytes / 2;
    open.maps.rings.set_max_entries(opts.cpus as u32)?;
    let tp_btf = attach == Attach::TpBtf;
    let p = &mut open.progs;
    p.tp_btf_sched_process_fork.set_autoload(tp_btf);
    p.tp_btf_sched_process_exit.set_autoload(tp_btf);
    p.raw_tp_sched_process_fork.set_autoload(!tp_btf);
    p.raw_tp_sched_process_exit.set_autoload(!tp_btf);
    Ok(open.load()?)
}

pub fn start(opts: &Options) -> Result<Running> {
    crate::tracefs::ensure_mounted()?;
    let (mut skel, attach) = load_preferred(|a| load(a, opts), "process tracepoints")?;
    let rings = rings::install(&skel.maps.rings, opts.cpus, opts.ring_bytes, "proc")?;
    skel.attach().context("attaching the process tracepoints")?;
    let mut probes: Vec<ProbeAttach> = [
        "sys_enter_execve",
        "sys_exit_execve",
        "sys_enter_execveat",
        "sys_exit_execveat",
    ]
    .iter()
    .map(|p| ProbeAttach {
        probe: format!("syscalls:{p}"),
        attach: "tracepoint".into(),
    })
    .collect();
    for p in ["sched_process_fork", "sched_process_exit"] {
        probes.push(ProbeAttach {
            probe: p.into(),
            attach: attach.name().into(),
        });
    }
    probes.push(ProbeAttach {
        probe: "/proc snapshot".into(),
        attach: "userspace".into(),
    });
    Ok(Running {
        name: "proc",
        probes,
        rings,
        object: Box::new(skel),
        stack_map: None,
    })
}
