//! Source `syscalls`: every system call that returns → table `syscalls`, paired in
//! the kernel in per-task storage. Opt-in: a busy host makes millions of calls a
//! second, and recording each costs the caller a few hundred ns.

use std::mem::MaybeUninit;

use anyhow::{Context, Result};
use libbpf_rs::skel::{OpenSkel, Skel, SkelBuilder};
use libbpf_rs::OpenObject;
use retrace_recorder_bpf::syscalls::{SyscallsSkel, SyscallsSkelBuilder};

use super::{configure_common, load_preferred, loaded_object, probes, Attach, Options, Running};
use crate::rings;

loaded_object!(SyscallsSkel<'static>);

fn load(attach: Attach, opts: &Options) -> Result<SyscallsSkel<'static>> {
    let storage: &'static mut MaybeUninit<OpenObject> = Box::leak(Box::new(MaybeUninit::uninit()));
    let mut open = SyscallsSkelBuilder::default()
        .open(storage)
        .context("opening the syscalls BPF object")?;
    let rodata = open.maps.rodata_data.as_deref_mut().expect("rodata");
    configure_common!(rodata, opts);
    open.maps.rings.set_max_entries(opts.cpus as u32)?;
    let tp_btf = attach == Attach::TpBtf;
    let p = &mut open.progs;
    p.tp_btf_sys_enter.set_autoload(tp_btf);
    p.tp_btf_sys_exit.set_autoload(tp_btf);
    p.raw_tp_sys_enter.set_autoload(!tp_btf);
    p.raw_tp_sys_exit.set_autoload(!tp_btf);
    Ok(open.load()?)
}

pub fn start(opts: &Options) -> Result<Running> {
    let (mut skel, attach) = load_preferred(|a| load(a, opts), "raw_syscalls tracepoints")?;
    let rings = rings::install(&skel.maps.rings, opts.cpus, opts.ring_bytes, "syscalls")?;
    skel.attach()
        .context("attaching the raw_syscalls tracepoints")?;
    Ok(Running::new(
        "syscalls",
        probes(&["sys_enter", "sys_exit"], attach.name()),
        rings,
        Box::new(skel),
    ))
}
