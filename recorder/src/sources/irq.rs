//! Source `irq`: hard and soft interrupt handler runs → tables `hardirq`, `softirq`,
//! paired per CPU in the kernel. Opt-in: network-heavy hosts run softirqs at
//! hundreds of thousands per second.

use std::mem::MaybeUninit;

use anyhow::{Context, Result};
use libbpf_rs::skel::{OpenSkel, Skel, SkelBuilder};
use libbpf_rs::OpenObject;
use retrace_recorder_bpf::irq::{IrqSkel, IrqSkelBuilder};

use super::{configure_common, load_preferred, loaded_object, probes, Attach, Options, Running};
use crate::rings;

loaded_object!(IrqSkel<'static>);

fn load(attach: Attach, opts: &Options) -> Result<IrqSkel<'static>> {
    let storage: &'static mut MaybeUninit<OpenObject> = Box::leak(Box::new(MaybeUninit::uninit()));
    let mut open = IrqSkelBuilder::default()
        .open(storage)
        .context("opening the irq BPF object")?;
    let rodata = open.maps.rodata_data.as_deref_mut().expect("rodata");
    configure_common!(rodata, opts);
    open.maps.rings.set_max_entries(opts.cpus as u32)?;
    let tp_btf = attach == Attach::TpBtf;
    let p = &mut open.progs;
    p.tp_btf_irq_handler_entry.set_autoload(tp_btf);
    p.tp_btf_irq_handler_exit.set_autoload(tp_btf);
    p.tp_btf_softirq_entry.set_autoload(tp_btf);
    p.tp_btf_softirq_exit.set_autoload(tp_btf);
    p.raw_tp_irq_handler_entry.set_autoload(!tp_btf);
    p.raw_tp_irq_handler_exit.set_autoload(!tp_btf);
    p.raw_tp_softirq_entry.set_autoload(!tp_btf);
    p.raw_tp_softirq_exit.set_autoload(!tp_btf);
    Ok(open.load()?)
}

pub fn start(opts: &Options) -> Result<Running> {
    let (mut skel, attach) = load_preferred(|a| load(a, opts), "irq tracepoints")?;
    let rings = rings::install(&skel.maps.rings, opts.cpus, opts.ring_bytes, "irq")?;
    skel.attach().context("attaching the irq tracepoints")?;
    Ok(Running::new(
        "irq",
        probes(
            &[
                "irq_handler_entry",
                "irq_handler_exit",
                "softirq_entry",
                "softirq_exit",
            ],
            attach.name(),
        ),
        rings,
        Box::new(skel),
    ))
}
