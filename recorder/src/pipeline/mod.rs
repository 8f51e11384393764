//! The recording loop: ring buffers → decoded rows → bounded queue → writer thread
//! → Parquet segments and manifest.
//!
//! The poller (this thread) drains every ring on a 10 ms timer; the BPF side never
//! wakes it per event. Batches go to the writer through a bounded channel: when the
//! writer falls behind, the poller blocks, the rings fill, and the kernel counts
//! the drops, so memory stays bounded and loss is counted, never silent.
//!
//! [`open`] starts the sources and the capture, [`poll`] is one turn of the loop,
//! [`finish`] drains and closes; [`record`] strings them together.

mod finish;
mod open;
mod poll;

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use retrace_schema::manifest::Manifest;
use retrace_schema::writer::{create_capture_dir, SegmentPolicy};

use crate::child::Launched;
use crate::redact::Redact;
use crate::sources;
use crate::writer_thread::{self, Limits, Msg, Shared};

/// How often the rings are drained.
const DRAIN_EVERY: Duration = Duration::from_millis(10);
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

fn send(tx: &SyncSender<Msg>, msg: Msg) -> Result<()> {
    tx.send(msg).map_err(|_| anyhow!("the writer stopped"))
}

fn send_all(tx: &SyncSender<Msg>, msgs: Vec<Msg>) -> Result<()> {
    msgs.into_iter().try_for_each(|m| send(tx, m))
}

fn check_source_names(names: &[String]) -> Result<()> {
    for s in names {
        if retrace_schema::sources::source(s).is_none() {
            let known: Vec<&str> = retrace_schema::sources::sources()
                .iter()
                .map(|d| d.name)
                .collect();
            bail!("unknown source {s:?} (known: {})", known.join(", "));
        }
    }
    Ok(())
}

/// Record until the duration passes, a signal arrives, the command exits, or the
/// size limit is reached.
pub fn record(cfg: Config, signal: Arc<AtomicUsize>) -> Result<Outcome> {
    check_source_names(&cfg.sources)?;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        bail!("retrace-record must run as root (it loads BPF programs)");
    }
    create_capture_dir(&cfg.output, cfg.overwrite)?;
    let mut manifest = open::base_manifest(&cfg);
    let (mut running, statuses) = open::start_sources(&cfg)?;
    manifest.sources = statuses;
    let (writer, mut opened) = open::open_capture(&cfg, manifest, &running)?;

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

    let machinery = std::mem::take(&mut opened.probe_machinery);
    let rows = Rc::new(RefCell::new(open::row_decoders(
        &cfg,
        &mut running,
        machinery,
    )?));
    let counts: Vec<Rc<Cell<u64>>> = running.iter().map(|_| Rc::new(Cell::new(0))).collect();
    let rings = open::take_rings(&mut running);
    let rb = open::ring_poller(&rings, &rows, &counts)?;

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

    let mut poller = poll::Poller::new(&cfg, counts);
    let mut result: Result<()> = Ok(());
    let ended_by = loop {
        if let Some(why) = poller.stop_reason(&signal, child.as_ref(), &shared) {
            break why;
        }
        // Wakes early only when a ring is past half full (BPF_RB_FORCE_WAKEUP).
        let _ = rb.poll(DRAIN_EVERY);
        if let Err(e) = rb.consume() {
            result = Err(anyhow!("reading the ring buffers: {e}"));
            break "error".into();
        }
        let msgs = poller.turn(&mut running, &rows, &shared);
        if let Err(e) = send_all(&tx, msgs) {
            result = Err(e);
            break "error".into();
        }
    };

    if let Err(e) = finish::drain_after_detach(&mut running, &rb, &rows) {
        result = result.and(Err(e));
    }
    let final_lost = poll::final_lost_events(&running);
    let (last, stacks) =
        finish::last_messages(&running, &rows, &opened, cfg.line_info, &final_lost);
    if result.is_ok() {
        result = send_all(&tx, last);
    }
    drop(tx);
    poller.finish();
    let writer = writer_thread
        .join()
        .map_err(|_| anyhow!("the writer thread panicked"))?;
    let writer = match (writer, result) {
        (Ok(w), Ok(())) => w,
        (Err(e), _) => return Err(e.context("writing the capture")),
        (Ok(_), Err(e)) => return Err(e),
    };
    let ending = finish::Ending {
        ended_by,
        final_lost,
        shed: std::mem::take(&mut poller.shed_log),
        stacks,
    };
    let child_status = child.as_ref().and_then(|c| c.status());
    let manifest = writer_thread::finish(writer, |m| ending.apply(m, child.as_ref()))?;
    Ok(Outcome {
        manifest,
        child_status,
    })
}
