//! Source `offcpu`: where threads block and for how long, with kernel and user
//! stacks → table `offcpu` (+ the shared stack tables). Opt-in: a stack walk at
//! every blocking context switch is the costliest thing retrace records.

use std::mem::MaybeUninit;

use anyhow::{Context, Result};
use libbpf_rs::skel::{OpenSkel, Skel, SkelBuilder};
use libbpf_rs::{MapHandle, OpenObject};
use retrace_recorder_bpf::offcpu::{OffcpuSkel, OffcpuSkelBuilder};

use super::{configure_common, loaded_object, probes, Options, Running};
use crate::rings;

loaded_object!(OffcpuSkel<'static>, stacks);

pub fn start(opts: &Options) -> Result<Running> {
    let storage: &'static mut MaybeUninit<OpenObject> = Box::leak(Box::new(MaybeUninit::uninit()));
    let mut open = OffcpuSkelBuilder::default()
        .open(storage)
        .context("opening the offcpu BPF object")?;
    let rodata = open.maps.rodata_data.as_deref_mut().expect("rodata");
    configure_common!(rodata, opts);
    rodata.exclude_tgid = std::process::id();
    rodata.min_block_ns = opts.min_block_ns;
    open.maps.rings.set_max_entries(opts.cpus as u32)?;
    open.maps
        .stack_map
        .set_max_entries(opts.stack_map_entries)?;
    // Per-task storage needs BTF-typed task pointers: tp_btf only (Linux 5.11+).
    let mut skel = open
        .load()
        .context("loading the offcpu programs (needs tp_btf and task storage, Linux 5.11+)")?;
    let rings = rings::install(&skel.maps.rings, opts.cpus, opts.ring_bytes, "offcpu")?;
    let stack_map = MapHandle::try_from(&skel.maps.stack_map)?;
    skel.attach().context("attaching sched_switch")?;
    let mut r = Running::new(
        "offcpu",
        probes(&["sched_switch"], "tp_btf"),
        rings,
        Box::new(skel),
    );
    r.stack_map = Some(stack_map);
    Ok(r)
}
