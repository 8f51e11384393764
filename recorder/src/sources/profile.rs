//! Source `profile`: timed samples of every CPU (perf_event cpu-clock at `-F` Hz)
//! with kernel and user stacks and the run-queue length → table `profile` (+ the
//! shared stack tables). Low rate (Hz × CPUs): on by default. The stacks come in
//! the records (no stack map; see profile.bpf.c).

use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, IntoRawFd};

use anyhow::{Context, Result};
use libbpf_rs::skel::{OpenSkel, SkelBuilder};
use libbpf_rs::{Link, OpenObject};
use retrace_recorder_bpf::profile::{ProfileSkel, ProfileSkelBuilder};
use retrace_schema::manifest::ProbeAttach;

use super::{configure_common, loaded_sampler, Options, Running, Sampler};
use crate::perf::{self, Rate};
use crate::rings;

loaded_sampler!(ProfileSkel<'static>);

pub fn start(opts: &Options) -> Result<Running> {
    let storage: &'static mut MaybeUninit<OpenObject> = Box::leak(Box::new(MaybeUninit::uninit()));
    let mut open = ProfileSkelBuilder::default()
        .open(storage)
        .context("opening the profile BPF object")?;
    let rodata = open.maps.rodata_data.as_deref_mut().expect("rodata");
    configure_common!(rodata, opts);
    rodata.exclude_tgid = std::process::id();
    open.maps.rings.set_max_entries(opts.cpus as u32)?;
    let skel = open.load().context("loading the profile program")?;
    let rings = rings::install(&skel.maps.rings, opts.cpus, opts.ring_bytes, "profile")?;
    let mut links: Vec<Link> = Vec::new();
    for cpu in perf::online_cpus()? {
        let fd = perf::open_sampler(
            perf_event_open_sys::bindings::PERF_TYPE_SOFTWARE,
            perf_event_open_sys::bindings::PERF_COUNT_SW_CPU_CLOCK as u64,
            Rate::Hz(opts.profile_hz),
            cpu,
        )
        .with_context(|| format!("opening the cpu-clock perf event on CPU {cpu}"))?;
        links.push(
            skel.progs
                .profile_sample
                .attach_perf_event(fd.as_raw_fd())
                .with_context(|| format!("attaching to the cpu-clock event of CPU {cpu}"))?,
        );
        // The link owns the descriptor now.
        let _ = fd.into_raw_fd();
    }
    let object = Sampler { skel, links };
    Ok(Running::new(
        "profile",
        vec![ProbeAttach {
            probe: format!("cpu-clock {} Hz", opts.profile_hz),
            attach: "perf_event".into(),
        }],
        rings,
        Box::new(object),
    ))
}
