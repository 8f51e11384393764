//! Writing a capture: the folder, whole Parquet segments (temp name + rename), rotation,
//! and atomic manifest rewrites. Shared by the recorder and the fixture generator so
//! that every capture on disk is made by the same code. (Feature `write`.)

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use arrow::array::{Array, AsArray, RecordBatch, UInt32Array};
use arrow::compute::{sort_to_indices, take_record_batch};
use arrow::datatypes::UInt64Type;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use crate::manifest::{Manifest, TableStats, MANIFEST_FILE};
use crate::tables::{ColType, Table};
use crate::Error;

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

/// Rows per Parquet row group: small enough that the writer's buffer stays bounded,
/// large enough for good compression and cheap statistics.
const ROW_GROUP_ROWS: usize = 256 * 1024;

/// Columns of the busiest tables whose values zstd compresses as well without a
/// dictionary as with one (measured on a context-switch storm: each within 0.003
/// B/row either way), where the dictionary would only cost hashing every value.
/// Thread ids stay dictionary-encoded in sched_wakeup (wakers and wakees of many
/// threads interleave: 0.06 B/row with a dictionary, 0.10 without) and in
/// sched_switch the state does (0.06 vs 0.09).
const PLAIN_COLUMNS: &[(&str, &[&str])] = &[
    (
        "sched_switch",
        &[
            "cpu",
            "prev_tid",
            "prev_pid",
            "prev_prio",
            "next_tid",
            "next_pid",
            "next_prio",
        ],
    ),
    ("sched_wakeup", &["cpu", "target_cpu", "prio"]),
];

/// Encodings chosen by measurement (BENCHMARKS.md): timestamps (`*_ns`) are
/// nearly all distinct, so a dictionary only costs hashing every value; rows are
/// sorted by time, so their deltas are small and DELTA_BINARY_PACKED stores them
/// in a few bits (a sched_switch row's ts_ns went from 3.2 to about 1.2 bytes).
/// Everything else repeats (pids, comms, CPUs) and stays dictionary-encoded,
/// except the [`PLAIN_COLUMNS`].
fn writer_properties(table: &Table) -> WriterProperties {
    let mut b = WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).expect("valid level"),
        ))
        .set_dictionary_enabled(true)
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_created_by(format!("retrace {}", env!("CARGO_PKG_VERSION")));
    let plain = PLAIN_COLUMNS
        .iter()
        .find(|(t, _)| *t == table.name)
        .map_or(&[][..], |(_, c)| *c);
    for c in table.columns {
        let path = ColumnPath::from(c.name);
        if c.name.ends_with("_ns") && matches!(c.ty, ColType::U64 | ColType::I64) {
            b = b
                .set_column_dictionary_enabled(path.clone(), false)
                .set_column_encoding(path, Encoding::DELTA_BINARY_PACKED);
        } else if plain.contains(&c.name) {
            b = b.set_column_dictionary_enabled(path, false);
        }
    }
    b.build()
}

fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

/// Create the capture folder with mode 0700. An existing folder must be empty unless
/// `overwrite` is set. A symlink at `dir` is refused: the recorder runs as root and
/// often writes under /tmp.
pub fn create_capture_dir(dir: &Path, overwrite: bool) -> Result<(), Error> {
    match fs::symlink_metadata(dir) {
        Ok(md) if md.file_type().is_symlink() => {
            return Err(Error::Capture {
                path: dir.to_path_buf(),
                problem: "is a symbolic link; refusing to write through it".into(),
            })
        }
        Ok(md) if md.is_dir() => {
            use std::os::unix::fs::MetadataExt;
            // SAFETY: geteuid has no preconditions.
            let me = unsafe { libc::geteuid() };
            if md.uid() != me {
                return Err(Error::Capture {
                    path: dir.to_path_buf(),
                    problem: format!(
                        "exists and belongs to uid {}, not to this user; refusing to write into it",
                        md.uid()
                    ),
                });
            }
            let non_empty = fs::read_dir(dir)
                .map_err(|e| io_err(dir, e))?
                .next()
                .is_some();
            if non_empty && !overwrite {
                return Err(Error::Capture {
                    path: dir.to_path_buf(),
                    problem: "exists and is not empty (use --force to overwrite)".into(),
                });
            }
            if non_empty {
                fs::remove_dir_all(dir).map_err(|e| io_err(dir, e))?;
            } else {
                return Ok(());
            }
        }
        Ok(_) => {
            return Err(Error::Capture {
                path: dir.to_path_buf(),
                problem: "exists and is not a directory".into(),
            })
        }
        Err(_) => {}
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| io_err(dir, e))
}

fn fsync_dir(dir: &Path) -> Result<(), Error> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_err(dir, e))
}

/// Write `manifest.json` atomically: temp file, fsync, rename, fsync the folder.
pub fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), Error> {
    let tmp = dir.join(format!("{MANIFEST_FILE}.tmp"));
    let dst = dir.join(MANIFEST_FILE);
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(libc_o_nofollow())
        .open(&tmp)
        .map_err(|e| io_err(&tmp, e))?;
    if let Err(e) = f
        .write_all(manifest.to_json().as_bytes())
        .and_then(|_| f.write_all(b"\n"))
        .and_then(|_| f.sync_all())
    {
        // The previous manifest stays in place, whole.
        let _ = fs::remove_file(&tmp);
        return Err(io_err(&tmp, e));
    }
    fs::rename(&tmp, &dst).map_err(|e| io_err(&dst, e))?;
    fsync_dir(dir)
}

fn libc_o_nofollow() -> i32 {
    libc::O_NOFOLLOW
}

/// CLOCK_MONOTONIC now, the clock of event timestamps.
fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid out pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Create a folder inside a capture; an existing entry must be a real folder
/// (never a symlink someone planted).
fn make_private_dir(dir: &Path) -> Result<(), Error> {
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let md = fs::symlink_metadata(dir).map_err(|e| io_err(dir, e))?;
            if md.is_dir() {
                Ok(())
            } else {
                Err(Error::Capture {
                    path: dir.to_path_buf(),
                    problem: "exists and is not a directory (a symlink?); refusing it".into(),
                })
            }
        }
        Err(e) => Err(io_err(dir, e)),
    }
}

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
    table: &'static Table,
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
    tables: BTreeMap<&'static str, TableWriter>,
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
    pub fn add_table(&mut self, table: &'static Table) -> Result<(), Error> {
        if self.tables.contains_key(table.name) {
            return Ok(());
        }
        let dir = self.dir.join(table.name);
        make_private_dir(&dir)?;
        self.manifest
            .tables
            .entry(table.name.to_string())
            .or_default();
        self.tables.insert(
            table.name,
            TableWriter {
                table,
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
    pub fn write(&mut self, table: &'static Table, batch: &RecordBatch) -> Result<(), Error> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        self.add_table(table)?;
        let sorted = sort_batch(table, batch)?;
        let tw = self.tables.get_mut(table.name).expect("added above");
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
            self.close_table_segment(table.name)?;
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
        let names: Vec<&'static str> = self.tables.keys().copied().collect();
        for name in names {
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

    /// Flight-recorder mode: keep at most `bytes` of closed segments, deleting the
    /// oldest. The open segments come on top of it.
    pub fn set_ring_limit(&mut self, bytes: u64) {
        self.ring_bytes = Some(bytes);
        self.manifest.recording.ring = Some(crate::manifest::RingInfo {
            max_bytes: bytes,
            ..Default::default()
        });
    }

    fn enforce_ring(&mut self) -> Result<(), Error> {
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
                .filter_map(|(n, t)| t.closed.front().map(|c| (c.closed_order, *n)))
                .min()
                .map(|(_, n)| n)
            else {
                return Ok(());
            };
            let tw = self.tables.get_mut(name).expect("known table");
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
        let names: Vec<&'static str> = self.tables.keys().copied().collect();
        for name in names {
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
    let writer = ArrowWriter::try_new(file, tw.table.schema(), Some(writer_properties(tw.table)))
        .map_err(|e| Error::Parquet(format!("{}: {e}", tmp_path.display())))?;
    Ok(OpenSegment {
        tmp_path,
        final_path,
        writer,
        rows: 0,
    })
}

fn sort_batch(table: &Table, batch: &RecordBatch) -> Result<RecordBatch, Error> {
    let key = batch
        .column_by_name(table.sort_key)
        .ok_or_else(|| Error::Parquet(format!("{}: no column {}", table.name, table.sort_key)))?;
    let idx = match key.as_primitive_opt::<UInt64Type>() {
        // Timestamps arrive in order per CPU ring: a batch is sorted already, or a
        // few sorted runs that a stable sort merges in about linear time.
        Some(ts) if ts.null_count() == 0 => {
            let ts = ts.values();
            if ts.is_sorted() {
                return Ok(batch.clone());
            }
            let mut keyed: Vec<(u64, u32)> = ts.iter().zip(0..).map(|(&t, i)| (t, i)).collect();
            keyed.sort_by_key(|&(t, _)| t);
            UInt32Array::from_iter_values(keyed.into_iter().map(|(_, i)| i))
        }
        _ => sort_to_indices(key, None, None).map_err(|e| Error::Parquet(e.to_string()))?,
    };
    take_record_batch(batch, &idx).map_err(|e| Error::Parquet(e.to_string()))
}
