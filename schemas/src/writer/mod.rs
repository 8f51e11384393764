//! Writing a capture: whole Parquet segments (temp name + rename), rotation, and the
//! manifest kept with them. Shared by the recorder and the fixture generator so that
//! every capture on disk is made by the same code. (Feature `write`.) The folder and
//! manifest files are [`files`], how a table is encoded [`encoding`], the flight
//! recorder's limit and snapshots [`ring`].

mod encoding;
mod files;
mod ring;

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::RecordBatch;
use parquet::arrow::ArrowWriter;

use crate::manifest::{Manifest, TableStats};
use crate::tables::Table;
use crate::Error;

use self::encoding::{sort_batch, writer_properties};
pub use self::files::{create_capture_dir, write_manifest};
use self::files::{fsync_dir, io_err, libc_o_nofollow, make_private_dir, monotonic_ns};

/// When to close the current segments and start new ones.
#[derive(Debug, Clone, Copy)]
pub struct SegmentPolicy {
    /// Close every table's segment after this much time (None: never by time).
    pub max_age: Option<Duration>,
    /// Close a table's segment once it holds about this many bytes (None: never by size).
    pub max_bytes: Option<u64>,
}

impl Default for SegmentPolicy {
    fn default() -> Self {
        SegmentPolicy {
            max_age: Some(Duration::from_secs(60)),
            max_bytes: Some(256 << 20),
        }
    }
}

/// The reserve file (see `CaptureWriter::make_reserve`); a dot file, so readers skip it.
const RESERVE_FILE: &str = ".reserve";
const RESERVE_BYTES: usize = 64 * 1024;

/// The segment of one table being written.
struct OpenSegment {
    tmp_path: PathBuf,
    final_path: PathBuf,
    writer: ArrowWriter<File>,
    rows: u64,
}

/// A closed segment still on disk.
struct ClosedSegment {
    path: PathBuf,
    rows: u64,
    bytes: u64,
    /// Order in which segments were closed, across tables.
    closed_order: u64,
    closed_at_ns: u64,
}

struct TableWriter {
    table: Arc<Table>,
    dir: PathBuf,
    next_seq: u64,
    open: Option<OpenSegment>,
    closed: std::collections::VecDeque<ClosedSegment>,
}

/// Writes the tables of one capture as rotating Parquet segments and keeps its manifest.
pub struct CaptureWriter {
    dir: PathBuf,
    manifest: Manifest,
    policy: SegmentPolicy,
    tables: BTreeMap<String, TableWriter>,
    segment_started: Instant,
    closed_count: u64,
    /// Flight-recorder limit: closed segments beyond it are deleted, oldest first.
    ring_bytes: Option<u64>,
}
impl CaptureWriter {
    /// Start a capture in `dir` (already made by [`create_capture_dir`]) and write its
    /// first manifest (`complete: false`).
    pub fn create(dir: &Path, manifest: Manifest, policy: SegmentPolicy) -> Result<Self, Error> {
        let w = CaptureWriter {
            dir: dir.to_path_buf(),
            manifest,
            policy,
            tables: BTreeMap::new(),
            segment_started: Instant::now(),
            closed_count: 0,
            ring_bytes: None,
        };
        write_manifest(&w.dir, &w.manifest)?;
        w.make_reserve()?;
        Ok(w)
    }

    /// Space kept aside so that the final manifest can still be written when the
    /// file system fills up: the file is deleted just before that last write.
    fn make_reserve(&self) -> Result<(), Error> {
        let path = self.dir.join(RESERVE_FILE);
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc_o_nofollow())
            .open(&path)
            .map_err(|e| io_err(&path, e))?;
        f.write_all(&[0u8; RESERVE_BYTES])
            .and_then(|_| f.sync_all())
            .map_err(|e| io_err(&path, e))
    }

    fn release_reserve(&self) {
        let _ = fs::remove_file(self.dir.join(RESERVE_FILE));
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The manifest, to update lost-event counts or sources; saved at the next rotation.
    pub fn manifest_mut(&mut self) -> &mut Manifest {
        &mut self.manifest
    }

    /// Declare a table so that its folder and manifest entry exist even if no row comes.
    pub fn add_table(&mut self, table: &Table) -> Result<(), Error> {
        if self.tables.contains_key(table.name.as_ref()) {
            return Ok(());
        }
        let dir = self.dir.join(table.name.as_ref());
        make_private_dir(&dir)?;
        self.manifest
            .tables
            .entry(table.name.to_string())
            .or_default();
        self.tables.insert(
            table.name.to_string(),
            TableWriter {
                table: Arc::new(table.clone()),
                dir,
                next_seq: 0,
                open: None,
                closed: Default::default(),
            },
        );
        Ok(())
    }

    /// Append a batch of rows to a table. The batch is sorted by the table's sort key
    /// first, so that row groups are (mostly) in time order.
    pub fn write(&mut self, table: &Table, batch: &RecordBatch) -> Result<(), Error> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        self.add_table(table)?;
        let sorted = sort_batch(table, batch)?;
        let tw = self
            .tables
            .get_mut(table.name.as_ref())
            .expect("added above");
        if tw.open.is_none() {
            tw.open = Some(open_segment(tw)?);
        }
        let seg = tw.open.as_mut().expect("opened above");
        seg.writer
            .write(&sorted)
            .map_err(|e| Error::Parquet(format!("{}: {e}", seg.tmp_path.display())))?;
        seg.rows += sorted.num_rows() as u64;
        let size = seg.writer.bytes_written() as u64 + seg.writer.in_progress_size() as u64;
        if self.policy.max_bytes.is_some_and(|max| size >= max) {
            self.close_table_segment(&table.name)?;
            write_manifest(&self.dir, &self.manifest)?;
        }
        Ok(())
    }

    /// Rotate every open segment when the time policy says so. Call this regularly.
    /// Returns true when a rotation happened.
    pub fn tick(&mut self) -> Result<bool, Error> {
        match self.policy.max_age {
            Some(age) if self.segment_started.elapsed() >= age => {
                self.rotate()?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Close every open segment and rewrite the manifest.
    pub fn rotate(&mut self) -> Result<(), Error> {
        let names: Vec<String> = self.tables.keys().cloned().collect();
        for name in &names {
            self.close_table_segment(name)?;
        }
        self.segment_started = Instant::now();
        write_manifest(&self.dir, &self.manifest)
    }

    /// Bytes written so far (closed segments plus what open writers have flushed).
    pub fn bytes_written(&self) -> u64 {
        let closed: u64 = self.manifest.tables.values().map(|t| t.bytes).sum();
        let open: u64 = self
            .tables
            .values()
            .filter_map(|t| t.open.as_ref())
            .map(|s| s.writer.bytes_written() as u64)
            .sum();
        closed + open
    }

    fn close_table_segment(&mut self, name: &str) -> Result<(), Error> {
        let tw = self.tables.get_mut(name).expect("known table");
        let Some(seg) = tw.open.take() else {
            return Ok(());
        };
        // On failure (e.g. a full disk) the partial temp file is removed, which
        // also gives its space back for the manifest.
        let fail = |e: Error| {
            let _ = fs::remove_file(&seg.tmp_path);
            e
        };
        let file = seg
            .writer
            .into_inner()
            .map_err(|e| fail(Error::Parquet(format!("{}: {e}", seg.tmp_path.display()))))?;
        file.sync_all()
            .map_err(|e| fail(io_err(&seg.tmp_path, e)))?;
        let bytes = file.metadata().map_err(|e| io_err(&seg.tmp_path, e))?.len();
        drop(file);
        fs::rename(&seg.tmp_path, &seg.final_path).map_err(|e| io_err(&seg.final_path, e))?;
        fsync_dir(&tw.dir)?;
        self.closed_count += 1;
        tw.closed.push_back(ClosedSegment {
            path: seg.final_path,
            rows: seg.rows,
            bytes,
            closed_order: self.closed_count,
            closed_at_ns: monotonic_ns(),
        });
        let stats: &mut TableStats = self.manifest.tables.entry(name.to_string()).or_default();
        stats.rows += seg.rows;
        stats.segments += 1;
        stats.bytes += bytes;
        self.enforce_ring()
    }

    /// Give up after an error (e.g. the file system is full): drop the open
    /// segments' temp files (which frees their space), keep every closed segment,
    /// and try to write the manifest, incomplete, saying why.
    pub fn abort(mut self, reason: &str) -> Result<Manifest, Error> {
        for tw in self.tables.values_mut() {
            if let Some(seg) = tw.open.take() {
                drop(seg.writer);
                let _ = fs::remove_file(&seg.tmp_path);
            }
        }
        self.manifest.complete = false;
        self.manifest.ended_by = Some(format!("error: {reason}"));
        self.release_reserve();
        write_manifest(&self.dir, &self.manifest)?;
        Ok(self.manifest)
    }

    /// Close all segments and write the final manifest with `complete: true`.
    pub fn finish(mut self) -> Result<Manifest, Error> {
        let names: Vec<String> = self.tables.keys().cloned().collect();
        for name in &names {
            self.close_table_segment(name)?;
        }
        self.release_reserve();
        self.manifest.complete = true;
        write_manifest(&self.dir, &self.manifest)?;
        Ok(self.manifest)
    }
}

fn open_segment(tw: &mut TableWriter) -> Result<OpenSegment, Error> {
    let seq = tw.next_seq;
    tw.next_seq += 1;
    let final_path = tw.dir.join(format!("{seq:06}.parquet"));
    // The temp name does not end in ".parquet", so readers never list a partial file.
    let tmp_path = tw.dir.join(format!(".{seq:06}.parquet.tmp"));
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc_o_nofollow())
        .open(&tmp_path)
        .map_err(|e| io_err(&tmp_path, e))?;
    let writer = ArrowWriter::try_new(file, tw.table.schema(), Some(writer_properties(&tw.table)))
        .map_err(|e| Error::Parquet(format!("{}: {e}", tmp_path.display())))?;
    Ok(OpenSegment {
        tmp_path,
        final_path,
        writer,
        rows: 0,
    })
}
