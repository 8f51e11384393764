//! Source `sched`: every context switch and wakeup → tables `sched_switch`,
//! `sched_wakeup`. High rate (every context switch), but each event is one small
//! record and nothing is paired in the kernel. The records reach the rings in
//! per-CPU batches (batch.bpf.h): partial ones are handed over on request
//! (every flush) and read from the buffers at the end.

use std::mem::{size_of, MaybeUninit};

use anyhow::{Context, Result};
use libbpf_rs::skel::{OpenSkel, Skel, SkelBuilder};
use libbpf_rs::{MapCore, MapFlags, OpenObject};
use retrace_recorder_bpf::sched::types::{
    rt_batch_head, rt_kind, rt_sched_switch, rt_sched_wakeup,
};
use retrace_recorder_bpf::sched::{SchedSkel, SchedSkelBuilder};

use super::{
    bss_counter, configure_common, load_preferred, probes, recursion_misses, Attach, HeldBatch,
    LoadedObject, Options, Running,
};
use crate::rings;

/// Bytes after which a CPU hands its batch to its ring: at most an eighth of
/// the ring, so that a batch always fits beside unread ones, and at most the
/// buffer's size (`largest`: the object's own default, RT_BATCH_BYTES).
fn batch_bytes(ring_bytes: u64, largest: u32) -> u32 {
    (ring_bytes / 8).min(u64::from(largest)) as u32
}

impl LoadedObject for SchedSkel<'static> {
    fn lost_events(&self) -> u64 {
        bss_counter!(self, lost_events) + recursion_misses(self.object())
    }

    fn detach(&mut self) {
        self.links = Default::default();
    }

    fn request_flush(&mut self) {
        let bss = self
            .maps
            .bss_data
            .as_deref_mut()
            .expect("object has a .bss");
        // SAFETY: the skeleton's live mmapped .bss; the programs read it
        // concurrently, hence the volatile accesses.
        unsafe {
            let gen = std::ptr::read_volatile(&bss.flush_gen);
            std::ptr::write_volatile(&mut bss.flush_gen, gen.wrapping_add(1));
        }
    }

    fn held_batches(&self) -> Result<Vec<HeldBatch>> {
        let mut out = held(
            &self.maps.switch_batch,
            rt_kind::RT_KIND_SCHED_SWITCH.0,
            size_of::<rt_sched_switch>(),
        )?;
        out.extend(held(
            &self.maps.wakeup_batch,
            rt_kind::RT_KIND_SCHED_WAKEUP.0,
            size_of::<rt_sched_wakeup>(),
        )?);
        Ok(out)
    }
}

/// What each CPU's buffer of `map` holds: records of `rec_kind`, `rec_size` bytes each.
fn held(map: &dyn MapCore, rec_kind: u32, rec_size: usize) -> Result<Vec<HeldBatch>> {
    let head = size_of::<rt_batch_head>();
    let mut out = Vec::new();
    for cpu in 0..map.max_entries() {
        let value = map
            .lookup(&cpu.to_ne_bytes(), MapFlags::ANY)
            .with_context(|| format!("reading the sched batch of CPU {cpu}"))?;
        let Some(value) = value else { continue };
        let mut h = rt_batch_head::default();
        if plain::copy_from_bytes(&mut h, &value).is_err() {
            anyhow::bail!("sched batch of CPU {cpu}: {} bytes", value.len());
        }
        let len = (h.len as usize).min(value.len() - head);
        let len = len - len % rec_size;
        if len > 0 {
            out.push(HeldBatch {
                rec_kind,
                cpu,
                data: value[head..head + len].to_vec(),
            });
        }
    }
    Ok(out)
}

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
    rodata.batch_bytes = batch_bytes(opts.ring_bytes, rodata.batch_bytes);
    open.maps.rings.set_max_entries(opts.cpus as u32)?;
    open.maps.switch_batch.set_max_entries(opts.cpus as u32)?;
    open.maps.wakeup_batch.set_max_entries(opts.cpus as u32)?;
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
