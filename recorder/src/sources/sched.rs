//! Source `sched`: every context switch and wakeup → tables `sched_switch`,
//! `sched_wakeup`. High rate (every context switch), but each event is one small
//! record and nothing is paired in the kernel.

use std::mem::MaybeUninit;

use anyhow::{Context, Result};
use libbpf_rs::skel::{OpenSkel, Skel, SkelBuilder};
use libbpf_rs::OpenObject;
use retrace_recorder_bpf::sched::{SchedSkel, SchedSkelBuilder};

use super::{configure_common, load_preferred, loaded_object, probes, Attach, Options, Running};
use crate::rings;

loaded_object!(SchedSkel<'static>);

/// Whether sched_switch passes prev_state as an argument (Linux 5.18+).
fn switch_has_state_arg() -> bool {
    use libbpf_rs::btf::{types, ReferencesType};
    let Ok(btf) = libbpf_rs::btf::Btf::from_vmlinux() else {
        return true;
    };
    let Some(t) = btf.type_by_name::<types::Typedef<'_>>("btf_trace_sched_switch") else {
        return true;
    };
    let Ok(ptr) = types::Ptr::try_from(t.referenced_type()) else {
        return true;
    };
    // (void *__data, bool preempt, prev, next, unsigned int prev_state)
    types::FuncProto::try_from(ptr.referenced_type()).is_ok_and(|proto| proto.len() == 5)
}

fn load(attach: Attach, opts: &Options) -> Result<SchedSkel<'static>> {
    let storage: &'static mut MaybeUninit<OpenObject> = Box::leak(Box::new(MaybeUninit::uninit()));
    let mut open = SchedSkelBuilder::default()
        .open(storage)
        .context("opening the sched BPF object")?;
    let rodata = open.maps.rodata_data.as_deref_mut().expect("rodata");
    configure_common!(rodata, opts);
    rodata.switch_has_state_arg = switch_has_state_arg();
    open.maps.rings.set_max_entries(opts.cpus as u32)?;
    let tp_btf = attach == Attach::TpBtf;
    let p = &mut open.progs;
    p.tp_btf_sched_switch.set_autoload(tp_btf);
    p.tp_btf_sched_wakeup.set_autoload(tp_btf);
    p.tp_btf_sched_wakeup_new.set_autoload(tp_btf);
    p.raw_tp_sched_switch.set_autoload(!tp_btf);
    p.raw_tp_sched_wakeup.set_autoload(!tp_btf);
    p.raw_tp_sched_wakeup_new.set_autoload(!tp_btf);
    Ok(open.load()?)
}

pub fn start(opts: &Options) -> Result<Running> {
    let (mut skel, attach) = load_preferred(|a| load(a, opts), "scheduler tracepoints")?;
    let rings = rings::install(&skel.maps.rings, opts.cpus, opts.ring_bytes, "sched")?;
    skel.attach()
        .context("attaching the scheduler tracepoints")?;
    Ok(Running::new(
        "sched",
        probes(
            &["sched_switch", "sched_wakeup", "sched_wakeup_new"],
            attach.name(),
        ),
        rings,
        Box::new(skel),
    ))
}
