//! The recording loop: ring buffers → decoded rows → bounded queue → writer thread
//! → Parquet segments and manifest.
//!
//! The poller (this thread) drains every ring on a 10 ms timer; the BPF side never
//! wakes it per event. Batches go to the writer through a bounded channel: when the
//! writer falls behind, the poller blocks, the rings fill, and the kernel counts
//! the drops, so memory stays bounded and loss is counted, never silent.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use libbpf_rs::RingBufferBuilder;
use retrace_schema::catalog::{cpufreq::CPU_FREQUENCY, proc::PROCESS_SNAPSHOT, stacks};
use retrace_schema::manifest::StacksInfo;
use retrace_schema::manifest::{
    ChildCommand, Filters, Manifest, ShedSource, SourceState, SourceStatus,
};
use retrace_schema::rows::RowsBuilder;
use retrace_schema::tables;
use retrace_schema::writer::{create_capture_dir, CaptureWriter, SegmentPolicy};

use crate::child::Launched;
use crate::decode::layout::ObjectLayouts;
use crate::decode::Rows;
use crate::guard::{self, CpuGuard};
use crate::host;
use crate::progress::Progress;
use crate::redact::Redact;
use crate::sources::{self, Running};
use crate::writer_thread::{self, Limits, Msg, Shared};

/// How often the rings are drained.
const DRAIN_EVERY: Duration = Duration::from_millis(10);
/// How often partial batches and lost counts go to the writer.
const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// Batches in flight between poller and writer.
const QUEUE_BATCHES: usize = 16;

pub struct Config {
    pub output: PathBuf,
    pub overwrite: bool,
    pub sources: Vec<String>,
    pub duration: Option<Duration>,
    pub segment: SegmentPolicy,
    pub options: sources::Options,
    pub command: Vec<String>,
    pub command_line: Vec<String>,
    pub progress: bool,
    /// Run the built-in disk workload (scratch file in this folder) while recording.
    pub workload_dir: Option<PathBuf>,
    /// `--max-size`: stop once the capture holds this many bytes.
    pub max_size: Option<u64>,
    /// `--ring`: flight-recorder mode, keep the newest segments within this size.
    pub ring: Option<u64>,
    /// `--max-cpu`: shed sources when the recorder uses more than this % of a CPU.
    pub max_cpu: Option<f64>,
    pub redact: Redact,
    /// Symbolize user frames with DWARF file:line too (`--line-info`).
    pub line_info: bool,
    /// Signal numbers that ask for a snapshot are counted here (SIGUSR1).
    pub snapshots: Arc<AtomicUsize>,
}

/// How a recording ended.
pub struct Outcome {
    pub manifest: Manifest,
    /// Exit status of the launched command, to pass on.
    pub child_status: Option<i32>,
}

fn base_manifest(cfg: &Config) -> Manifest {
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
fn start_sources(cfg: &Config) -> Result<(Vec<Running>, Vec<SourceStatus>)> {
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

/// Why the loop stopped.
fn stop_reason(
    signal: &AtomicUsize,
    started: Instant,
    cfg: &Config,
    child: Option<&Launched>,
    shared: &Shared,
) -> Option<String> {
    let sig = signal.load(Ordering::SeqCst);
    if sig != 0 {
        return Some(format!("signal {}", signal_name(sig as i32)));
    }
    if cfg.duration.is_some_and(|d| started.elapsed() >= d) {
        return Some("duration".into());
    }
    if child.is_some_and(|c| c.exited()) {
        return Some("command exited".into());
    }
    if shared.size_limit_hit.load(Ordering::SeqCst) {
        return Some("max-size".into());
    }
    None
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGHUP => "SIGHUP",
        _ => "other",
    }
}

fn send(tx: &SyncSender<Msg>, msg: Msg) -> Result<()> {
    tx.send(msg).map_err(|_| anyhow!("the writer stopped"))
}

/// Where the n-th SIGUSR1 snapshot goes: next to the capture.
fn snapshot_path(output: &Path, n: usize) -> PathBuf {
    let name = output
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "capture".into());
    output.with_file_name(format!("{name}.snapshot-{n}"))
}

/// The source with the most events since the last check, among those still on.
fn busiest(
    running: &[Running],
    counts: &[Rc<Cell<u64>>],
    last: &mut [u64],
    shed: &[bool],
) -> Option<usize> {
    let mut best: Option<(u64, usize)> = None;
    for (i, c) in counts.iter().enumerate() {
        let delta = c.get() - last[i];
        last[i] = c.get();
        if !shed[i] && best.is_none_or(|(d, _)| delta > d) {
            best = Some((delta, i));
        }
    }
    let _ = running;
    best.map(|(_, i)| i)
}

/// What opening the capture found out, for the rest of the recording.
struct Opened {
    /// Some source records stacks: the stack and symbol tables are filled.
    records_stacks: bool,
    /// Kernel text symbols snapshotted.
    kernel_symbols: u64,
    /// Address ranges of the probe machinery, stripped from kernel stacks.
    probe_machinery: Vec<(u64, u64)>,
}

/// Create the capture's writer with a table for every running source, and write
/// what is taken once at the start: kernel symbols, each CPU's frequency, the
/// /proc snapshot.
fn open_capture(
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

/// Detach every program, then take what the rings still hold and what the
/// programs held back in their per-CPU batches, so nothing recorded is left.
fn drain_after_detach(
    running: &mut [Running],
    rb: &libbpf_rs::RingBuffer<'_>,
    rows: &RefCell<Rows>,
) -> Result<()> {
    for r in running.iter_mut() {
        r.object.detach();
    }
    // A program that was running when we detached may still be writing its
    // record (reserved, not yet committed): drain until the rings stay empty.
    let mut quiet_rounds = 0;
    while quiet_rounds < 3 {
        if rb.consume_raw() > 0 {
            quiet_rounds = 0;
        } else {
            quiet_rounds += 1;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut first_error = None;
    for (i, r) in running.iter().enumerate() {
        match r.object.held_batches() {
            Ok(held) => {
                // Borrowed only here: the ring callbacks above borrow the rows too.
                let mut rows = rows.borrow_mut();
                for b in held {
                    rows.push_batch(i, b.rec_kind, b.cpu, &b.data);
                }
            }
            Err(e) if first_error.is_none() => {
                first_error = Some(e.context(format!("source {}", r.name)))
            }
            Err(_) => {}
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// Record until the duration passes, a signal arrives, the command exits, or the
/// size limit is reached.
pub fn record(cfg: Config, signal: Arc<AtomicUsize>) -> Result<Outcome> {
    for s in &cfg.sources {
        if retrace_schema::sources::source(s).is_none() {
            let known: Vec<&str> = retrace_schema::sources::sources()
                .iter()
                .map(|d| d.name)
                .collect();
            bail!("unknown source {s:?} (known: {})", known.join(", "));
        }
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        bail!("retrace-record must run as root (it loads BPF programs)");
    }
    create_capture_dir(&cfg.output, cfg.overwrite)?;
    let mut manifest = base_manifest(&cfg);
    let (mut running, statuses) = start_sources(&cfg)?;
    manifest.sources = statuses;
    let (writer, start) = open_capture(&cfg, manifest, &running)?;
    let Opened {
        records_stacks,
        kernel_symbols,
        mut probe_machinery,
    } = start;

    let shared = Arc::new(Shared::default());
    let (tx, rx) = sync_channel::<Msg>(QUEUE_BATCHES);
    let limits = Limits {
        max_size: cfg.max_size,
        delay_per_batch: std::env::var("RETRACE_DEBUG_WRITER_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_millis),
    };
    let writer_shared = shared.clone();
    let writer_thread = thread::Builder::new()
        .name("writer".into())
        .spawn(move || writer_thread::run(writer, rx, limits, writer_shared))?;

    let rows = Rc::new(RefCell::new(Rows::new(cfg.redact.clone())));
    {
        let mut rows = rows.borrow_mut();
        rows.cx.pmc_counters = sources::pmc::counter_names(&cfg.options.pmc);
        rows.cx
            .stacks
            .set_probe_machinery(std::mem::take(&mut probe_machinery));
        for (i, r) in running.iter_mut().enumerate() {
            decode_source(&mut rows, i, r.name)?;
            if let Some(map) = r.stack_map.take() {
                rows.cx.stacks.add_map(i, map, r.name == "offcpu");
            }
        }
    }

    // Events per source, for the overhead guard.
    let counts: Vec<Rc<Cell<u64>>> = running.iter().map(|_| Rc::new(Cell::new(0))).collect();
    let mut rings = Vec::new();
    for (i, r) in running.iter_mut().enumerate() {
        for ring in r.rings.drain(..) {
            rings.push((i, ring));
        }
    }
    let mut builder = RingBufferBuilder::new();
    for (i, ring) in &rings {
        let rows = rows.clone();
        let count = counts[*i].clone();
        let src = *i;
        builder.add(ring, move |data: &[u8]| {
            let n = rows.borrow_mut().push_record(src, data);
            count.set(count.get() + n);
            0
        })?;
    }
    let rb = builder.build()?;

    // Workload and command start only now, with every probe attached.
    let _workload = match &cfg.workload_dir {
        Some(dir) => {
            Some(crate::workload::Workload::start(dir).context("starting the disk workload")?)
        }
        None => None,
    };
    let child = if cfg.command.is_empty() {
        None
    } else {
        Some(Launched::spawn(&cfg.command)?)
    };
    let mut progress = Progress::new(cfg.progress);
    let started = Instant::now();
    let mut last_flush = Instant::now();
    let lost_of = |running: &[Running]| -> Vec<(String, u64)> {
        running
            .iter()
            .map(|r| (r.name.to_string(), r.object.lost_events()))
            .collect()
    };
    let mut guard = cfg.max_cpu.map(CpuGuard::new);
    let mut shed = vec![false; running.len()];
    let mut shed_log: Vec<ShedSource> = Vec::new();
    let mut last_counts = vec![0u64; running.len()];
    let mut snapshots_taken = 0usize;

    let mut result: Result<()> = Ok(());
    let ended_by = loop {
        if let Some(why) = stop_reason(&signal, started, &cfg, child.as_ref(), &shared) {
            break why;
        }
        // Wakes early only when a ring is past half full (BPF_RB_FORCE_WAKEUP).
        let _ = rb.poll(DRAIN_EVERY);
        if let Err(e) = rb.consume() {
            result = Err(anyhow!("reading the ring buffers: {e}"));
            break "error".into();
        }
        let mut due = rows.borrow_mut().take_full();
        let flush = last_flush.elapsed() >= FLUSH_EVERY;
        if flush {
            due.extend(rows.borrow_mut().take_all());
        }
        let mut msgs: Vec<Msg> = due.into_iter().map(|(t, b)| Msg::Batch(t, b)).collect();
        let wanted = cfg.snapshots.load(Ordering::SeqCst);
        if flush || wanted > snapshots_taken {
            // Batches held in the kernel arrive at the next drains.
            for r in &mut running {
                r.object.request_flush();
            }
        }
        if wanted > snapshots_taken {
            snapshots_taken = wanted;
            msgs.extend(
                rows.borrow_mut()
                    .take_all()
                    .into_iter()
                    .map(|(t, b)| Msg::Batch(t, b)),
            );
            msgs.push(Msg::Snapshot(snapshot_path(&cfg.output, wanted)));
        }
        if flush {
            last_flush = Instant::now();
            let lost = lost_of(&running);
            let total: u64 = lost.iter().map(|l| l.1).sum();
            msgs.push(Msg::Lost(lost));
            progress.update(
                started.elapsed(),
                rows.borrow().events,
                shared.bytes.load(Ordering::Relaxed),
                total,
            );
            if let Some(pct) = guard.as_mut().and_then(CpuGuard::check) {
                if let Some(i) = busiest(&running, &counts, &mut last_counts, &shed) {
                    shed[i] = true;
                    shed_log.push(shed_source(&mut running[i], pct, cfg.max_cpu));
                }
            }
        }
        if let Err(e) = msgs.into_iter().try_for_each(|m| send(&tx, m)) {
            result = Err(e);
            break "error".into();
        }
        if shed.iter().all(|s| *s) {
            break "max-cpu: every source shed".into();
        }
    };

    if let Err(e) = drain_after_detach(&mut running, &rb, &rows) {
        if result.is_ok() {
            result = Err(e);
        }
    }
    let final_lost = lost_of(&running);
    let malformed = rows.borrow().malformed;
    if malformed > 0 {
        // Never expected (the records' layout comes from the same BTF), but
        // never silent either.
        eprintln!("retrace-record: warning: {malformed} ring-buffer records could not be decoded");
    }
    let mut stacks_info = None;
    if records_stacks {
        let (info, batch) = stacks_summary(&running, &rows.borrow(), cfg.line_info, kernel_symbols);
        stacks_info = Some(info);
        if result.is_ok() && batch.num_rows() > 0 {
            let table = Arc::new(stacks::USER_SYMBOLS.clone());
            if let Err(e) = send(&tx, Msg::Batch(table, batch)) {
                result = Err(e);
            }
        }
    }
    if result.is_ok() {
        for (t, b) in rows.borrow_mut().take_all() {
            if let Err(e) = send(&tx, Msg::Batch(t, b)) {
                result = Err(e);
                break;
            }
        }
        let _ = send(&tx, Msg::Lost(final_lost.clone()));
    }
    drop(tx);
    progress.finish();
    let writer = writer_thread
        .join()
        .map_err(|_| anyhow!("the writer thread panicked"))?;
    let writer = match (writer, result) {
        (Ok(w), Ok(())) => w,
        (Err(e), _) => return Err(e.context("writing the capture")),
        (Ok(_), Err(e)) => return Err(e),
    };
    let child_status = child.as_ref().and_then(|c| c.status());
    let manifest = writer_thread::finish(writer, |m| {
        for (name, n) in final_lost {
            if let Some(s) = m.sources.iter_mut().find(|s| s.name == name) {
                s.lost_events = n;
            }
        }
        m.clock_end = Some(host::clock_pair());
        m.ended_by = Some(ended_by);
        m.command = child.as_ref().map(|c| ChildCommand {
            argv: c.argv.clone(),
            pid: c.pid,
            exit_status: c.status(),
        });
        m.recording.shed = shed_log;
        m.recording.peak_rss_bytes = guard::peak_rss_bytes();
        m.recording.cpu_ns = Some(guard::process_cpu().as_nanos() as u64);
        m.recording.stacks = stacks_info;
    })?;
    Ok(Outcome {
        manifest,
        child_status,
    })
}

/// Detach a source the CPU guard sheds, say so, and return the manifest's entry.
fn shed_source(r: &mut Running, pct: f64, max_cpu: Option<f64>) -> ShedSource {
    r.object.detach();
    let reason = format!(
        "recorder used {pct:.1}% CPU, over --max-cpu {:.1}%",
        max_cpu.unwrap_or(0.0)
    );
    eprintln!(
        "retrace-record: warning: shedding source {}: {reason}",
        r.name
    );
    ShedSource {
        source: r.name.to_string(),
        at_monotonic_ns: host::monotonic_ns(),
        reason,
    }
}

/// The manifest's stacks summary, and the user_symbols rows of the stacks seen.
fn stacks_summary(
    running: &[Running],
    rows: &Rows,
    line_info: bool,
    kernel_symbols: u64,
) -> (StacksInfo, arrow::array::RecordBatch) {
    let stack_errors = running.iter().map(|r| r.object.stack_errors()).sum();
    let stacks = &rows.cx.stacks;
    let (batch, frames, named) = crate::symbolize::user_symbols(stacks, line_info);
    let info = StacksInfo {
        stacks: stacks.count() as u64,
        stack_errors,
        processes: stacks.mappings.len() as u64 + stacks.unmapped.len() as u64,
        processes_without_mappings: stacks.unmapped.len() as u64,
        user_frames: frames,
        user_frames_named: named,
        kernel_symbols,
    };
    (info, batch)
}
