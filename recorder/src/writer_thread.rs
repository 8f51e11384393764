//! The writer thread: owns the capture, writes batches, rotates segments, enforces
//! `--max-size` and the flight-recorder ring, takes SIGUSR1 snapshots, and on an
//! error (a full disk) keeps what is already written and says why.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use arrow::array::RecordBatch;
use retrace_schema::manifest::Manifest;
use retrace_schema::tables::Table;
use retrace_schema::writer::CaptureWriter;

use crate::host;

pub enum Msg {
    Batch(std::sync::Arc<Table>, RecordBatch),
    /// Kernel-side lost-event counts per source (cumulative).
    Lost(Vec<(String, u64)>),
    /// Snapshot the current window into a new capture folder.
    Snapshot(PathBuf),
}

/// What the poller and the writer share.
#[derive(Default)]
pub struct Shared {
    /// Bytes on disk, for the progress line.
    pub bytes: AtomicU64,
    /// Set when `--max-size` is reached: the poller stops.
    pub size_limit_hit: AtomicBool,
}

pub struct Limits {
    pub max_size: Option<u64>,
    /// Test hook (RETRACE_DEBUG_WRITER_DELAY_MS): a slow writer, to prove that a
    /// writer falling behind costs counted drops, not memory.
    pub delay_per_batch: Option<Duration>,
}

fn apply(writer: &mut CaptureWriter, msg: Msg, limits: &Limits) -> Result<()> {
    match msg {
        Msg::Batch(table, batch) => {
            if let Some(d) = limits.delay_per_batch {
                std::thread::sleep(d);
            }
            writer.write(&table, &batch)?;
        }
        Msg::Lost(counts) => {
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
        Msg::Snapshot(dest) => {
            writer.manifest_mut().clock_end = Some(host::clock_pair());
            let m = writer
                .snapshot(&dest)
                .with_context(|| format!("snapshot to {}", dest.display()))?;
            let rows: u64 = m.tables.values().map(|t| t.rows).sum();
            eprintln!(
                "retrace-record: snapshot written to {} ({rows} rows); still recording",
                dest.display()
            );
        }
    }
    Ok(())
}

fn step(
    writer: &mut CaptureWriter,
    rx: &Receiver<Msg>,
    limits: &Limits,
    shared: &Shared,
) -> Result<bool> {
    match rx.recv_timeout(Duration::from_millis(200)) {
        Ok(msg) => apply(writer, msg, limits)?,
        Err(RecvTimeoutError::Timeout) => {}
        Err(RecvTimeoutError::Disconnected) => return Ok(false),
    }
    // An incomplete capture's manifest says up to when its segments reach.
    writer.manifest_mut().clock_end = Some(host::clock_pair());
    writer.tick()?;
    let total = writer.total_bytes();
    shared.bytes.store(total, Ordering::Relaxed);
    if limits.max_size.is_some_and(|max| total >= max) {
        shared.size_limit_hit.store(true, Ordering::SeqCst);
    }
    Ok(true)
}

/// Run until the poller hangs up; then the caller finalizes. On an error, abort the
/// capture (closed segments stay valid, the manifest says why) and return it.
pub fn run(
    mut writer: CaptureWriter,
    rx: Receiver<Msg>,
    limits: Limits,
    shared: Arc<Shared>,
) -> Result<CaptureWriter> {
    loop {
        match step(&mut writer, &rx, &limits, &shared) {
            Ok(true) => {}
            Ok(false) => return Ok(writer),
            Err(e) => {
                let reason = format!("{e:#}");
                // Stop the poller, then keep what is whole.
                shared.size_limit_hit.store(true, Ordering::SeqCst);
                drop(rx);
                return Err(match writer.abort(&reason) {
                    Ok(m) => {
                        let kept: u64 = m.tables.values().map(|t| t.segments).sum();
                        anyhow::anyhow!("{reason}; recording stopped, {kept} closed segments kept")
                    }
                    Err(e2) => anyhow::anyhow!(
                        "{reason}; recording stopped, and the manifest could not be updated ({e2})"
                    ),
                });
            }
        }
    }
}

/// Final manifest fields the poller knows, applied after the last batch.
pub fn finish(mut writer: CaptureWriter, update: impl FnOnce(&mut Manifest)) -> Result<Manifest> {
    update(writer.manifest_mut());
    Ok(writer.finish()?)
}
