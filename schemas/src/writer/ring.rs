//! Flight-recorder mode: a limit on the closed segments kept (oldest deleted first),
//! and snapshots of the current window into a separate capture without stopping.

use std::fs;
use std::path::Path;

use super::files::{create_capture_dir, fsync_dir, io_err, make_private_dir, write_manifest};
use super::CaptureWriter;
use crate::manifest::Manifest;
use crate::Error;

impl CaptureWriter {
    /// Flight-recorder mode: keep at most `bytes` of closed segments, deleting the
    /// oldest. The open segments come on top of it.
    pub fn set_ring_limit(&mut self, bytes: u64) {
        self.ring_bytes = Some(bytes);
        self.manifest.recording.ring = Some(crate::manifest::RingInfo {
            max_bytes: bytes,
            ..Default::default()
        });
    }

    pub(super) fn enforce_ring(&mut self) -> Result<(), Error> {
        let Some(limit) = self.ring_bytes else {
            return Ok(());
        };
        loop {
            let total: u64 = self.manifest.tables.values().map(|t| t.bytes).sum();
            if total <= limit {
                return Ok(());
            }
            // The globally oldest closed segment. Tables that describe the state
            // at the start (the /proc snapshot) are kept: later rows need them.
            let Some(name) = self
                .tables
                .iter()
                .filter(|(_, t)| !t.table.keep_in_ring)
                .filter_map(|(n, t)| t.closed.front().map(|c| (c.closed_order, n.clone())))
                .min()
                .map(|(_, n)| n)
            else {
                return Ok(());
            };
            let tw = self.tables.get_mut(&name).expect("known table");
            let old = tw.closed.pop_front().expect("has a closed segment");
            fs::remove_file(&old.path).map_err(|e| io_err(&old.path, e))?;
            let stats = self.manifest.tables.entry(name.to_string()).or_default();
            stats.rows -= old.rows;
            stats.segments -= 1;
            stats.bytes -= old.bytes;
            let ring = self
                .manifest
                .recording
                .ring
                .get_or_insert_with(Default::default);
            ring.dropped_segments += 1;
            ring.dropped_rows += old.rows;
            ring.data_since_monotonic_ns = ring.data_since_monotonic_ns.max(old.closed_at_ns);
        }
    }

    /// Bytes on disk now: closed segments plus what the open ones have flushed and
    /// buffer (an estimate of what they will take once closed).
    pub fn total_bytes(&self) -> u64 {
        let closed: u64 = self.manifest.tables.values().map(|t| t.bytes).sum();
        let open: u64 = self
            .tables
            .values()
            .filter_map(|t| t.open.as_ref())
            .map(|s| s.writer.bytes_written() as u64 + s.writer.in_progress_size() as u64)
            .sum();
        closed + open
    }

    /// Copy the current window into a separate, complete capture at `dest` without
    /// stopping: close the open segments, then hard-link (or copy, across file
    /// systems) every segment into `dest`. Segments never change once closed, so
    /// the snapshot shares their blocks safely.
    pub fn snapshot(&mut self, dest: &Path) -> Result<Manifest, Error> {
        self.rotate()?;
        create_capture_dir(dest, false)?;
        for (name, tw) in &self.tables {
            let tdir = dest.join(name);
            make_private_dir(&tdir)?;
            for seg in &tw.closed {
                let to = tdir.join(seg.path.file_name().expect("segment file name"));
                if fs::hard_link(&seg.path, &to).is_err() {
                    fs::copy(&seg.path, &to).map_err(|e| io_err(&to, e))?;
                }
            }
            fsync_dir(&tdir)?;
        }
        let mut m = self.manifest.clone();
        m.complete = true;
        m.ended_by = Some("snapshot".into());
        write_manifest(dest, &m)?;
        Ok(m)
    }
}
