//! Source `disk`: block requests (insert, issue, complete) → table `block_io`.

use std::mem::MaybeUninit;

use anyhow::{Context, Result};
use libbpf_rs::skel::{OpenSkel, Skel, SkelBuilder};
use libbpf_rs::OpenObject;
use retrace_recorder_bpf::disk::{DiskSkel, DiskSkelBuilder};
use retrace_schema::manifest::ProbeAttach;

use super::{comm_filter_bytes, load_preferred, Attach, Options, Running};
use crate::rings;

const PROBES: &[&str] = &["block_rq_insert", "block_rq_issue", "block_rq_complete"];

/// Whether the kernel has the block_io_start tracepoint (Linux 6.5+).
fn has_io_start() -> bool {
    libbpf_rs::btf::Btf::from_vmlinux().is_ok_and(|btf| {
        btf.type_by_name::<libbpf_rs::btf::types::Typedef<'_>>("btf_trace_block_io_start")
            .is_some()
    })
}

/// Whether block_rq_issue/insert still take the request queue first (before 5.11).
fn rq_is_second_arg() -> bool {
    use libbpf_rs::btf::{types, ReferencesType};
    let Ok(btf) = libbpf_rs::btf::Btf::from_vmlinux() else {
        return false;
    };
    let Some(t) = btf.type_by_name::<types::Typedef<'_>>("btf_trace_block_rq_issue") else {
        return false;
    };
    let Ok(ptr) = types::Ptr::try_from(t.referenced_type()) else {
        return false;
    };
    // (void *__data, struct request_queue *q, struct request *rq)
    types::FuncProto::try_from(ptr.referenced_type()).is_ok_and(|proto| proto.len() == 3)
}

impl super::LoadedObject for DiskSkel<'static> {
    fn lost_events(&self) -> u64 {
        use libbpf_rs::skel::Skel;
        super::bss_counter!(self, lost_events) + super::recursion_misses(self.object())
    }
    fn detach(&mut self) {
        self.links = Default::default();
    }
    fn unfinished(&self) -> u64 {
        // Signed in the kernel so that a miscount could never wrap to a huge
        // loss; every decrement follows its increment, so it stays >= 0.
        super::bss_counter!(self, issued_in_flight).max(0) as u64
    }
}

fn load(attach: Attach, opts: &Options) -> Result<DiskSkel<'static>> {
    let storage: &'static mut MaybeUninit<OpenObject> = Box::leak(Box::new(MaybeUninit::uninit()));
    let mut open = DiskSkelBuilder::default()
        .open(storage)
        .context("opening the disk BPF object")?;
    let rodata = open.maps.rodata_data.as_deref_mut().expect("rodata");
    rodata.filter_tgid = opts.filter_pid.unwrap_or(0);
    if let Some(c) = &opts.filter_comm {
        rodata.filter_comm = comm_filter_bytes(c);
    }
    rodata.rq_arg_index = u32::from(rq_is_second_arg());
    rodata.ring_wakeup_bytes = opts.ring_bytes / 2;
    open.maps.rings.set_max_entries(opts.cpus as u32)?;
    let tp_btf = attach == Attach::TpBtf;
    let p = &mut open.progs;
    p.tp_btf_block_rq_insert.set_autoload(tp_btf);
    p.tp_btf_block_rq_issue.set_autoload(tp_btf);
    p.tp_btf_block_rq_complete.set_autoload(tp_btf);
    p.raw_tp_block_rq_insert.set_autoload(!tp_btf);
    p.raw_tp_block_rq_issue.set_autoload(!tp_btf);
    p.raw_tp_block_rq_complete.set_autoload(!tp_btf);
    let io_start = has_io_start();
    p.tp_btf_block_io_start.set_autoload(tp_btf && io_start);
    p.raw_tp_block_io_start.set_autoload(!tp_btf && io_start);
    Ok(open.load()?)
}

pub fn start(opts: &Options) -> Result<Running> {
    // tp_btf first; raw_tp where BTF-typed tracepoints are missing (kernels < 5.5).
    let (mut skel, attach) = load_preferred(|a| load(a, opts), "block tracepoints")?;
    let rings = rings::install(&skel.maps.rings, opts.cpus, opts.ring_bytes, "disk")?;
    skel.attach().context("attaching the block tracepoints")?;
    Ok(Running {
        name: "disk",
        probes: PROBES
            .iter()
            .copied()
            .chain(has_io_start().then_some("block_io_start"))
            .map(|p| ProbeAttach {
                probe: p.to_string(),
                attach: attach.name().to_string(),
            })
            .collect(),
        rings,
        object: Box::new(skel),
        stack_map: None,
    })
}
