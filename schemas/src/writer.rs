//! Writing a capture: the folder, whole Parquet segments (temp name + rename), rotation,
//! and atomic manifest rewrites. Shared by the recorder and the fixture generator so
//! that every capture on disk is made by the same code. (Feature `write`.)

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use arrow::array::RecordBatch;
use arrow::compute::{sort_to_indices, take_record_batch};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};

use crate::manifest::{Manifest, TableStats, MANIFEST_FILE};
use crate::tables::Table;
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

/// Rows per Parquet row group: small enough that the writer's buffer stays bounded,
/// large enough for good compression and cheap statistics.
const ROW_GROUP_ROWS: usize = 256 * 1024;

fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).expect("valid level"),
        ))
        .set_dictionary_enabled(true)
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_created_by(format!("retrace {}", env!("CARGO_PKG_VERSION")))
        .build()
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
    f.write_all(manifest.to_json().as_bytes())
        .and_then(|_| f.write_all(b"\n"))
        .and_then(|_| f.sync_all())
        .map_err(|e| io_err(&tmp, e))?;
    fs::rename(&tmp, &dst).map_err(|e| io_err(&dst, e))?;
    fsync_dir(dir)
}

fn libc_o_nofollow() -> i32 {
    // O_NOFOLLOW on Linux (all architectures retrace records on).
    0o400000
}

/// The segment of one table being written.
struct OpenSegment {
    tmp_path: PathBuf,
    final_path: PathBuf,
    writer: ArrowWriter<File>,
    rows: u64,
}

struct TableWriter {
    table: &'static Table,
    dir: PathBuf,
    next_seq: u64,
    open: Option<OpenSegment>,
}

/// Writes the tables of one capture as rotating Parquet segments and keeps its manifest.
pub struct CaptureWriter {
    dir: PathBuf,
    manifest: Manifest,
    policy: SegmentPolicy,
    tables: BTreeMap<&'static str, TableWriter>,
    segment_started: Instant,
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
        };
        write_manifest(&w.dir, &w.manifest)?;
        Ok(w)
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
        fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .or_else(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    Ok(())
                } else {
                    Err(e)
                }
            })
            .map_err(|e| io_err(&dir, e))?;
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
        let file = seg
            .writer
            .into_inner()
            .map_err(|e| Error::Parquet(format!("{}: {e}", seg.tmp_path.display())))?;
        file.sync_all().map_err(|e| io_err(&seg.tmp_path, e))?;
        let bytes = file.metadata().map_err(|e| io_err(&seg.tmp_path, e))?.len();
        drop(file);
        fs::rename(&seg.tmp_path, &seg.final_path).map_err(|e| io_err(&seg.final_path, e))?;
        fsync_dir(&tw.dir)?;
        let stats: &mut TableStats = self.manifest.tables.entry(name.to_string()).or_default();
        stats.rows += seg.rows;
        stats.segments += 1;
        stats.bytes += bytes;
        Ok(())
    }

    /// Close all segments and write the final manifest with `complete: true`.
    pub fn finish(mut self) -> Result<Manifest, Error> {
        let names: Vec<&'static str> = self.tables.keys().copied().collect();
        for name in names {
            self.close_table_segment(name)?;
        }
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
    let writer = ArrowWriter::try_new(file, tw.table.schema(), Some(writer_properties()))
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
    let idx = sort_to_indices(key, None, None).map_err(|e| Error::Parquet(e.to_string()))?;
    take_record_batch(batch, &idx).map_err(|e| Error::Parquet(e.to_string()))
}
