//! The start of a recording: the manifest's first state, the sources started, the
//! capture created with what is taken once (kernel symbols, CPU frequencies, the
//! /proc snapshot), and the rings' records wired to the row decoders.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use libbpf_rs::{MapHandle, RingBuffer, RingBufferBuilder};
use retrace_schema::catalog::{cpufreq::CPU_FREQUENCY, proc::PROCESS_SNAPSHOT, stacks};
use retrace_schema::manifest::{Filters, Manifest, SourceState, SourceStatus};
use retrace_schema::rows::RowsBuilder;
use retrace_schema::tables;
use retrace_schema::writer::CaptureWriter;

use super::Config;
use crate::decode::layout::ObjectLayouts;
use crate::decode::Rows;
use crate::host;
use crate::sources::{self, Running};

/// The manifest as it stands before any source starts.
pub(super) fn base_manifest(cfg: &Config) -> Manifest {
    let mut m = Manifest {
        format_version: retrace_schema::FORMAT_VERSION,
        retrace_version: env!("CARGO_PKG_VERSION").to_string(),
        command_line: cfg.command_line.clone(),
        host: host::host_info(),
        clock_start: host::clock_pair(),
        clock_end: None,
        sources: Vec::new(),
        filters: Filters {
            pid: cfg.options.filter_pid,
            comm: cfg.options.filter_comm.clone(),
        },
        tables: Default::default(),
        command: None,
        ended_by: None,
        recording: Default::default(),
        complete: false,
    };
    let r = &mut m.recording;
    r.max_size_bytes = cfg.max_size;
    r.segment_max_age_ns = cfg.segment.max_age.map(|d| d.as_nanos() as u64);
    r.redacted = cfg.redact.names();
    r.max_cpu_percent = cfg.max_cpu;
    m
}

/// Start the requested sources. A source that cannot run is reported in the
/// manifest; it is fatal only when it was the only one asked for, or all failed.
pub(super) fn start_sources(cfg: &Config) -> Result<(Vec<Running>, Vec<SourceStatus>)> {
    let mut running = Vec::new();
    let mut statuses = Vec::new();
    let mut failures = Vec::new();
    for name in &cfg.sources {
        match sources::start(name, &cfg.options) {
            Ok(r) => {
                statuses.push(SourceStatus {
                    name: name.clone(),
                    status: SourceState::Attached {
                        probes: r.probes.clone(),
                    },
                    lost_events: 0,
                });
                running.push(r);
            }
            Err(e) => {
                let reason = format!("{e:#}");
                eprintln!("retrace-record: warning: source {name} unavailable: {reason}");
                failures.push(format!("{name}: {reason}"));
                statuses.push(SourceStatus {
                    name: name.clone(),
                    status: SourceState::Unavailable { reason },
                    lost_events: 0,
                });
            }
        }
    }
    if running.is_empty() {
        bail!("no source could start: {}", failures.join("; "));
    }
    Ok((running, statuses))
}

/// What opening the capture found out, for the rest of the recording.
pub(super) struct Opened {
    /// Some source records stacks: the stack and symbol tables are filled.
    pub records_stacks: bool,
    /// Kernel text symbols snapshotted.
    pub kernel_symbols: u64,
    /// Address ranges of the probe machinery, stripped from kernel stacks.
    pub probe_machinery: Vec<(u64, u64)>,
}

/// Create the capture's writer with a table for every running source, and write
/// what is taken once at the start: kernel symbols, each CPU's frequency, the
/// /proc snapshot.
pub(super) fn open_capture(
    cfg: &Config,
    manifest: Manifest,
    running: &[Running],
) -> Result<(CaptureWriter, Opened)> {
    let mut writer = CaptureWriter::create(&cfg.output, manifest, cfg.segment)
        .with_context(|| format!("creating the capture in {}", cfg.output.display()))?;
    if let Some(ring) = cfg.ring {
        writer.set_ring_limit(ring);
    }
    for r in running {
        for t in tables::tables_of_source(r.name) {
            writer.add_table(t)?;
        }
    }
    let records_stacks = running
        .iter()
        .any(|r| retrace_schema::sources::records_stacks(r.name));
    let mut kernel_symbols = 0;
    let mut probe_machinery = Vec::new();
    if records_stacks {
        for t in tables::tables_of_source(tables::STACKS_SOURCE) {
            writer.add_table(t)?;
        }
        let ksyms = crate::symbolize::KernelSymbols::read();
        kernel_symbols = ksyms.len() as u64;
        if kernel_symbols == 0 {
            eprintln!("retrace-record: warning: /proc/kallsyms shows no addresses (kptr_restrict?); kernel frames will stay unnamed");
        }
        writer.write(&stacks::KERNEL_SYMBOLS, &ksyms.batch())?;
        probe_machinery = ksyms.probe_machinery();
    }
    if running.iter().any(|r| r.name == "cpufreq") {
        writer.write(&CPU_FREQUENCY, &initial_frequencies()?)?;
    }
    if running.iter().any(|r| r.name == "proc") {
        let snap = crate::procfs::snapshot(host::monotonic_ns(), &cfg.redact);
        writer.write(&PROCESS_SNAPSHOT, &snap)?;
    }
    Ok((
        writer,
        Opened {
            records_stacks,
            kernel_symbols,
            probe_machinery,
        },
    ))
}

/// Each CPU's frequency at the start, read from sysfs (`initial` rows).
fn initial_frequencies() -> Result<arrow::array::RecordBatch> {
    let now = host::monotonic_ns();
    let mut b = RowsBuilder::new(&CPU_FREQUENCY);
    for (cpu, khz) in sources::cpufreq::initial_frequencies() {
        b.push(retrace_schema::row![
            ("ts_ns", now),
            ("cpu", cpu),
            ("freq_khz", khz),
            ("initial", true),
        ])?;
    }
    Ok(b.finish())
}

/// The row decoders of every running source (from its tables' declarations and
/// its BPF object's layout), with the stack maps handed to the stack collector.
pub(super) fn row_decoders(
    cfg: &Config,
    running: &mut [Running],
    probe_machinery: Vec<(u64, u64)>,
) -> Result<Rows> {
    let mut rows = Rows::new(cfg.redact.clone());
    rows.cx.pmc_counters = sources::pmc::counter_names(&cfg.options.pmc);
    rows.cx.stacks.set_probe_machinery(probe_machinery);
    for (i, r) in running.iter_mut().enumerate() {
        decode_source(&mut rows, i, r.name)?;
        if let Some(map) = r.stack_map.take() {
            rows.cx
                .stacks
                .add_map(i, map, takes_stacks_in_a_probe(r.name));
        }
    }
    Ok(rows)
}

/// Whether a stack source walks its stacks inside a tracepoint or kernel-function
/// probe (their kernel stacks start with the probe's own frames, to be stripped),
/// rather than from a perf event's interrupt (profile's samples).
fn takes_stacks_in_a_probe(source: &str) -> bool {
    use retrace_schema::sources::Attach;
    retrace_schema::sources::source(source).is_some_and(|d| {
        d.probes
            .iter()
            .flat_map(|p| p.alternatives)
            .all(|a| !matches!(a, Attach::PerfEvent(_)))
    })
}

/// Have `rows` decode the records of source `src`, from its tables' declarations
/// and the layout of its BPF object.
fn decode_source(rows: &mut Rows, src: usize, name: &str) -> Result<()> {
    let Some(object) = retrace_schema::sources::source(name).and_then(|d| d.object) else {
        return Ok(());
    };
    let bytes = retrace_recorder_bpf::object(object)
        .ok_or_else(|| anyhow!("no BPF object {object} was built"))?;
    let layouts = ObjectLayouts::of_object(object, bytes)?;
    let tables = tables::tables_of_source(name).map(|t| Arc::new(t.clone()));
    rows.add_source(src, tables, &layouts)
        .with_context(|| format!("decoding the records of source {name}"))
}

/// Every source's rings, tagged with the source's index. Taken out of the
/// sources because the ring poller borrows them for as long as it lives.
pub(super) fn take_rings(running: &mut [Running]) -> Vec<(usize, MapHandle)> {
    let mut rings = Vec::new();
    for (i, r) in running.iter_mut().enumerate() {
        rings.extend(r.rings.drain(..).map(|ring| (i, ring)));
    }
    rings
}

/// One poller over every ring: each record is decoded into `rows` and counted
/// in its source's `counts` entry (for the overhead guard).
pub(super) fn ring_poller<'a>(
    rings: &'a [(usize, MapHandle)],
    rows: &Rc<RefCell<Rows>>,
    counts: &[Rc<Cell<u64>>],
) -> Result<RingBuffer<'a>> {
    let mut builder = RingBufferBuilder::new();
    for (src, ring) in rings {
        let rows = rows.clone();
        let count = counts[*src].clone();
        let src = *src;
        builder.add(ring, move |data: &[u8]| {
            let n = rows.borrow_mut().push_record(src, data);
            count.set(count.get() + n);
            0
        })?;
    }
    Ok(builder.build()?)
}
