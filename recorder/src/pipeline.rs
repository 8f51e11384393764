//! The recording loop: ring buffers → decoded rows → bounded queue → writer thread
//! → Parquet segments and manifest.
//!
//! The poller (this thread) drains every ring on a 10 ms timer; the BPF side never
//! wakes it per event. Batches go to the writer through a bounded channel: when the
//! writer falls behind, the poller blocks, the rings fill, and the kernel counts
//! the drops, so memory stays bounded and loss is counted, never silent.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use arrow::array::RecordBatch;
use libbpf_rs::RingBufferBuilder;
use retrace_schema::manifest::{ChildCommand, Filters, Manifest, SourceState, SourceStatus};
use retrace_schema::tables::{self, Table, PROCESS_SNAPSHOT};
use retrace_schema::writer::{create_capture_dir, CaptureWriter, SegmentPolicy};

use crate::child::Launched;
use crate::host;
use crate::progress::Progress;
use crate::rows::Rows;
use crate::sources::{self, Running};

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
}

/// How a recording ended.
pub struct Outcome {
    pub manifest: Manifest,
    /// Exit status of the launched command, to pass on.
    pub child_status: Option<i32>,
}

enum Msg {
    Batch(&'static Table, RecordBatch),
    Lost(Vec<(String, u64)>),
}

fn base_manifest(cfg: &Config) -> Manifest {
    Manifest {
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
        complete: false,
    }
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

/// The writer thread: owns the capture, writes batches, rotates segments.
fn writer_loop(
    mut writer: CaptureWriter,
    rx: Receiver<Msg>,
    bytes: Arc<AtomicU64>,
) -> Result<CaptureWriter> {
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Msg::Batch(table, batch)) => writer.write(table, &batch)?,
            Ok(Msg::Lost(counts)) => {
                for (name, n) in counts {
                    if let Some(s) = writer
                        .manifest_mut()
                        .sources
                        .iter_mut()
                        .find(|s| s.name == name)
                    {
                        s.lost_events = n;
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(writer),
        }
        // An incomplete capture's manifest says up to when its segments reach.
        writer.manifest_mut().clock_end = Some(host::clock_pair());
        writer.tick()?;
        bytes.store(writer.bytes_written(), Ordering::Relaxed);
    }
}

/// Why the loop stopped.
fn stop_reason(
    signal: &AtomicUsize,
    started: Instant,
    duration: Option<Duration>,
    child: Option<&Launched>,
) -> Option<String> {
    let sig = signal.load(Ordering::SeqCst);
    if sig != 0 {
        return Some(format!("signal {}", signal_name(sig as i32)));
    }
    if duration.is_some_and(|d| started.elapsed() >= d) {
        return Some("duration".into());
    }
    if child.is_some_and(|c| c.exited()) {
        return Some("command exited".into());
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

/// Record until the duration passes, a signal arrives, or the command exits.
pub fn record(cfg: Config, signal: Arc<AtomicUsize>) -> Result<Outcome> {
    for s in &cfg.sources {
        if !sources::KNOWN.iter().any(|(k, _)| k == s) {
            let known: Vec<&str> = sources::KNOWN.iter().map(|(k, _)| *k).collect();
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
    let mut writer = CaptureWriter::create(&cfg.output, manifest, cfg.segment)
        .with_context(|| format!("creating the capture in {}", cfg.output.display()))?;
    for r in &running {
        for t in tables::tables_of_source(r.name) {
            writer.add_table(t)?;
        }
    }
    if running.iter().any(|r| r.name == "proc") {
        writer.write(
            &PROCESS_SNAPSHOT,
            &crate::procfs::snapshot(host::monotonic_ns()),
        )?;
    }

    let bytes = Arc::new(AtomicU64::new(0));
    let (tx, rx) = sync_channel::<Msg>(QUEUE_BATCHES);
    let writer_bytes = bytes.clone();
    let writer_thread = thread::Builder::new()
        .name("writer".into())
        .spawn(move || writer_loop(writer, rx, writer_bytes))?;

    let rows = Rc::new(RefCell::new(Rows::default()));
    let mut rings = Vec::new();
    for r in &mut running {
        rings.append(&mut r.rings);
    }
    let mut builder = RingBufferBuilder::new();
    for ring in &rings {
        let rows = rows.clone();
        builder.add(ring, move |data: &[u8]| {
            rows.borrow_mut().push_record(data);
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

    let mut result: Result<()> = Ok(());
    let ended_by = loop {
        if let Some(why) = stop_reason(&signal, started, cfg.duration, child.as_ref()) {
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
        if let Err(e) = due
            .into_iter()
            .try_for_each(|(t, b)| send(&tx, Msg::Batch(t, b)))
        {
            result = Err(e);
            break "error".into();
        }
        if flush {
            last_flush = Instant::now();
            let lost = lost_of(&running);
            let total: u64 = lost.iter().map(|l| l.1).sum();
            if send(&tx, Msg::Lost(lost)).is_err() {
                result = Err(anyhow!("the writer stopped"));
                break "error".into();
            }
            progress.update(
                started.elapsed(),
                rows.borrow().events,
                bytes.load(Ordering::Relaxed),
                total,
            );
        }
    };

    // Detach first, then drain what the rings still hold, so nothing that was
    // recorded is left behind.
    for r in &mut running {
        r.object.detach();
    }
    let _ = rb.consume();
    let final_lost = lost_of(&running);
    let mut tail = rows.borrow_mut().take_all();
    if result.is_ok() {
        for (t, b) in tail.drain(..) {
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
    let mut writer = match (writer, result) {
        (Ok(w), Ok(())) => w,
        (Err(e), _) => return Err(e.context("writing the capture")),
        (Ok(_), Err(e)) => return Err(e),
    };
    let child_status = child.as_ref().and_then(|c| c.status());
    let m = writer.manifest_mut();
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
    let manifest = writer.finish()?;
    Ok(Outcome {
        manifest,
        child_status,
    })
}
