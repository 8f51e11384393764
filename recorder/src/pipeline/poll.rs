//! One turn of the recording loop after the rings are drained: which batches are
//! due for the writer, the lost counts and progress once a second, SIGUSR1
//! snapshots, and the CPU guard's shedding. Also why the loop stops.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use retrace_schema::manifest::ShedSource;

use super::Config;
use crate::child::Launched;
use crate::cpu_guard::CpuGuard;
use crate::decode::Rows;
use crate::host;
use crate::progress::Progress;
use crate::sources::Running;
use crate::writer_thread::{Msg, Shared};

/// How often partial batches and lost counts go to the writer.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// The loop's state between turns.
pub(super) struct Poller<'a> {
    cfg: &'a Config,
    started: Instant,
    last_flush: Instant,
    progress: Progress,
    guard: Option<CpuGuard>,
    /// Events per source so far (counted by the ring callbacks) and at the last
    /// guard check: the busiest source since then is shed first.
    counts: Vec<Rc<Cell<u64>>>,
    last_counts: Vec<u64>,
    shed: Vec<bool>,
    /// What the manifest says of the sources shed.
    pub shed_log: Vec<ShedSource>,
    snapshots_taken: usize,
}

impl<'a> Poller<'a> {
    pub fn new(cfg: &'a Config, counts: Vec<Rc<Cell<u64>>>) -> Self {
        let sources = counts.len();
        Poller {
            cfg,
            started: Instant::now(),
            last_flush: Instant::now(),
            progress: Progress::new(cfg.progress),
            guard: cfg.max_cpu.map(CpuGuard::new),
            counts,
            last_counts: vec![0; sources],
            shed: vec![false; sources],
            shed_log: Vec::new(),
            snapshots_taken: 0,
        }
    }

    /// Why the loop should stop now, if it should.
    pub fn stop_reason(
        &self,
        signal: &AtomicUsize,
        child: Option<&Launched>,
        shared: &Shared,
    ) -> Option<String> {
        let sig = signal.load(Ordering::SeqCst);
        if sig != 0 {
            return Some(format!("signal {}", signal_name(sig as i32)));
        }
        if self
            .cfg
            .duration
            .is_some_and(|d| self.started.elapsed() >= d)
        {
            return Some("duration".into());
        }
        if child.is_some_and(|c| c.exited()) {
            return Some("command exited".into());
        }
        if shared.size_limit_hit.load(Ordering::SeqCst) {
            return Some("max-size".into());
        }
        if self.shed.iter().all(|s| *s) {
            return Some("max-cpu: every source shed".into());
        }
        None
    }

    /// The messages for the writer after a drain of the rings: full batches
    /// always; every second also the partial ones, the lost counts and a
    /// progress update, and the CPU guard's check; all batches and a snapshot
    /// when SIGUSR1 asked for one.
    pub fn turn(
        &mut self,
        running: &mut [Running],
        rows: &RefCell<Rows>,
        shared: &Shared,
    ) -> Vec<Msg> {
        let mut due = rows.borrow_mut().take_full();
        let flush = self.last_flush.elapsed() >= FLUSH_EVERY;
        if flush {
            due.extend(rows.borrow_mut().take_all());
        }
        let mut msgs: Vec<Msg> = due.into_iter().map(|(t, b)| Msg::Batch(t, b)).collect();
        let wanted = self.cfg.snapshots.load(Ordering::SeqCst);
        if flush || wanted > self.snapshots_taken {
            // Batches held in the kernel arrive at the next drains.
            for r in running.iter_mut() {
                r.object.request_flush();
            }
        }
        if wanted > self.snapshots_taken {
            self.snapshots_taken = wanted;
            let all = rows.borrow_mut().take_all();
            msgs.extend(all.into_iter().map(|(t, b)| Msg::Batch(t, b)));
            msgs.push(Msg::Snapshot(snapshot_path(&self.cfg.output, wanted)));
        }
        if flush {
            self.last_flush = Instant::now();
            let lost = lost_events(running);
            let total: u64 = lost.iter().map(|l| l.1).sum();
            msgs.push(Msg::Lost(lost));
            self.progress.update(
                self.started.elapsed(),
                rows.borrow().events,
                shared.bytes.load(Ordering::Relaxed),
                total,
            );
            self.check_cpu(running);
        }
        msgs
    }

    /// Over `--max-cpu`: shed the busiest source still on.
    fn check_cpu(&mut self, running: &mut [Running]) {
        let Some(pct) = self.guard.as_mut().and_then(CpuGuard::check) else {
            return;
        };
        if let Some(i) = self.busiest() {
            self.shed[i] = true;
            let entry = shed_source(&mut running[i], pct, self.cfg.max_cpu);
            self.shed_log.push(entry);
        }
    }

    /// The source with the most events since the last check, among those still on.
    fn busiest(&mut self) -> Option<usize> {
        let mut best: Option<(u64, usize)> = None;
        for (i, c) in self.counts.iter().enumerate() {
            let delta = c.get() - self.last_counts[i];
            self.last_counts[i] = c.get();
            if !self.shed[i] && best.is_none_or(|(d, _)| delta > d) {
                best = Some((delta, i));
            }
        }
        best.map(|(_, i)| i)
    }

    pub fn finish(&mut self) {
        self.progress.finish();
    }
}

/// Each source's kernel-side lost-event count (cumulative).
pub(super) fn lost_events(running: &[Running]) -> Vec<(String, u64)> {
    running
        .iter()
        .map(|r| (r.name.to_string(), r.object.lost_events()))
        .collect()
}

/// Each source's lost events once its programs are detached: what the kernel
/// side counted, plus what it began and never finished.
pub(super) fn final_lost_events(running: &[Running]) -> Vec<(String, u64)> {
    running
        .iter()
        .map(|r| {
            let (lost, unfinished) = (r.object.lost_events(), r.object.unfinished());
            (r.name.to_string(), lost + unfinished)
        })
        .collect()
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGHUP => "SIGHUP",
        _ => "other",
    }
}

/// Where the n-th SIGUSR1 snapshot goes: next to the capture.
fn snapshot_path(output: &Path, n: usize) -> PathBuf {
    let name = output
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "capture".into());
    output.with_file_name(format!("{name}.snapshot-{n}"))
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
