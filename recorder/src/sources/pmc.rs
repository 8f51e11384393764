//! Source `pmc`: hardware counter overflows → table `pmc`. Each counter is opened
//! per CPU with a sample period, and the BPF program records the task running at
//! each overflow; the counter's index rides along as the attach cookie.
//!
//! Machines without a PMU (most VMs) cannot open hardware counters: the source is
//! then reported unavailable with the kernel's reason. `--pmc-events software`
//! drives the same code with software events, to test it on such machines.

use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, IntoRawFd};

use anyhow::{bail, Context, Result};
use libbpf_rs::skel::{OpenSkel, SkelBuilder};
use libbpf_rs::{Link, OpenObject, PerfEventOpts};
use perf_event_open_sys::bindings as pe;
use retrace_recorder_bpf::pmc::{PmcSkel, PmcSkelBuilder};
use retrace_schema::manifest::ProbeAttach;

use super::{configure_common, loaded_sampler, Options, Running, Sampler};
use crate::perf::{self, Rate};
use crate::rings;

loaded_sampler!(PmcSkel<'static>);

/// One counter to sample.
#[derive(Debug, Clone)]
pub struct Counter {
    /// The name rows carry in `pmc.counter`.
    pub name: &'static str,
    pub type_: u32,
    pub config: u64,
    /// Events per sample.
    pub period: u64,
}

/// Which counters `pmc` samples.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub counters: Vec<Counter>,
}

impl Config {
    /// The hardware counters of llcstat and IPC. Periods keep the sample rate
    /// near a few thousand per second per CPU on a busy CPU; `period` overrides.
    pub fn hardware(period: Option<u64>) -> Config {
        let c = |name, config, default| Counter {
            name,
            type_: pe::PERF_TYPE_HARDWARE,
            config: config as u64,
            period: period.unwrap_or(default),
        };
        Config {
            counters: vec![
                c("cycles", pe::PERF_COUNT_HW_CPU_CYCLES, 10_000_000),
                c("instructions", pe::PERF_COUNT_HW_INSTRUCTIONS, 10_000_000),
                c("llc_references", pe::PERF_COUNT_HW_CACHE_REFERENCES, 10_000),
                c("llc_misses", pe::PERF_COUNT_HW_CACHE_MISSES, 10_000),
            ],
        }
    }

    /// Software events through the same sampler: page faults and context
    /// switches, for machines without a PMU.
    pub fn software(period: Option<u64>) -> Config {
        let c = |name, config| Counter {
            name,
            type_: pe::PERF_TYPE_SOFTWARE,
            config: config as u64,
            period: period.unwrap_or(1),
        };
        Config {
            counters: vec![
                c("page_faults", pe::PERF_COUNT_SW_PAGE_FAULTS),
                c("context_switches", pe::PERF_COUNT_SW_CONTEXT_SWITCHES),
            ],
        }
    }
}

pub fn start(opts: &Options) -> Result<Running> {
    let storage: &'static mut MaybeUninit<OpenObject> = Box::leak(Box::new(MaybeUninit::uninit()));
    let mut open = PmcSkelBuilder::default()
        .open(storage)
        .context("opening the pmc BPF object")?;
    let rodata = open.maps.rodata_data.as_deref_mut().expect("rodata");
    configure_common!(rodata, opts);
    open.maps.rings.set_max_entries(opts.cpus as u32)?;
    let skel = open.load().context("loading the pmc program")?;
    let rings = rings::install(&skel.maps.rings, opts.cpus, opts.ring_bytes, "pmc")?;
    let cpus = perf::online_cpus()?;
    let mut links: Vec<Link> = Vec::new();
    let mut probes = Vec::new();
    let mut failures = Vec::new();
    for (index, counter) in opts.pmc.counters.iter().enumerate() {
        let opened: Result<Vec<Link>> = cpus
            .iter()
            .map(|&cpu| {
                let fd = perf::open_sampler(
                    counter.type_,
                    counter.config,
                    Rate::Period(counter.period),
                    cpu,
                )
                .with_context(|| format!("perf_event_open({}) on CPU {cpu}", counter.name))?;
                let link = skel
                    .progs
                    .pmc_sample
                    .attach_perf_event_with_opts(
                        fd.as_raw_fd(),
                        PerfEventOpts {
                            cookie: index as u64,
                            ..Default::default()
                        },
                    )
                    .with_context(|| format!("attaching to {} on CPU {cpu}", counter.name))?;
                // The link owns the descriptor now.
                let _ = fd.into_raw_fd();
                Ok(link)
            })
            .collect();
        match opened {
            Ok(opened) => {
                links.extend(opened);
                probes.push(ProbeAttach {
                    probe: format!("{} every {} events", counter.name, counter.period),
                    attach: "perf_event".into(),
                });
            }
            Err(e) => {
                let reason = format!("{e:#}");
                failures.push(reason.clone());
                probes.push(ProbeAttach {
                    probe: counter.name.to_string(),
                    attach: format!("unavailable: {reason}"),
                });
            }
        }
    }
    if links.is_empty() {
        bail!(
            "no hardware counter could be opened (no PMU on this machine?): {}",
            failures
                .first()
                .map(String::as_str)
                .unwrap_or("no counters")
        );
    }
    Ok(Running::new(
        "pmc",
        probes,
        rings,
        Box::new(Sampler { skel, links }),
    ))
}

/// The counter names in attach-cookie order, for decoding rows.
pub fn counter_names(cfg: &Config) -> Vec<&'static str> {
    cfg.counters.iter().map(|c| c.name).collect()
}
