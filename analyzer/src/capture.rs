//! Opening a capture folder: read and check its manifest, find the Parquet segments of
//! each table, and register every table in a DataFusion session as a listing table over
//! its segments (an empty table of the same schema when it has none).
//!
//! One capture per session for now; several captures as one dataset with a `capture`
//! column (issue 4) will register each capture's segments under one table name.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;
use retrace_schema::manifest::{SourceState, MANIFEST_FILE};
use retrace_schema::{Manifest, Table, TABLES};

use crate::error::{Error, Result};

/// An opened capture: its folder and its manifest.
#[derive(Debug, Clone)]
pub struct Capture {
    dir: PathBuf,
    manifest: Manifest,
}

impl Capture {
    /// Open a capture folder and read its manifest. Errors name the folder and say
    /// whether it is missing, not a capture, malformed, or of a newer format.
    pub fn open(dir: &Path) -> Result<Capture> {
        let problem = |p: &str| Error::Capture {
            path: dir.to_path_buf(),
            problem: p.to_string(),
        };
        let md = std::fs::metadata(dir).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => problem("no such capture folder"),
            _ => problem(&e.to_string()),
        })?;
        if !md.is_dir() {
            return Err(problem("not a capture (not a folder)"));
        }
        if !dir.join(MANIFEST_FILE).exists() {
            return Err(problem(&format!("not a capture (no {MANIFEST_FILE})")));
        }
        let manifest = Manifest::read(dir).map_err(|e| match e {
            retrace_schema::Error::Io { source, .. } => {
                problem(&format!("{MANIFEST_FILE}: {source}"))
            }
            other => problem(&other.to_string()),
        })?;
        Ok(Capture {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    /// Make a capture from a manifest already in hand (tests, future multi-capture).
    pub fn from_parts(dir: PathBuf, manifest: Manifest) -> Capture {
        Capture { dir, manifest }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Things a user should know before reading any output of this capture.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.manifest.complete {
            w.push(format!(
                "warning: capture {} is not complete (recording still running, or the recorder was killed); \
                 rows of unclosed segments are missing",
                self.dir.display()
            ));
        }
        w
    }

    /// CLOCK_MONOTONIC ns when recording started.
    pub fn start_ns(&self) -> u64 {
        self.manifest.clock_start.monotonic_ns
    }

    /// CLOCK_MONOTONIC ns when recording ended, if the manifest knows it.
    pub fn end_ns(&self) -> Option<u64> {
        self.manifest.clock_end.map(|c| c.monotonic_ns)
    }

    /// The closed Parquet segments of a table, in sequence order. Temp files (a leading
    /// '.', ending in `.tmp`) and anything not ending in `.parquet` are skipped.
    pub fn segments(&self, table: &Table) -> Result<Vec<PathBuf>> {
        let dir = self.dir.join(table.name);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(Error::Capture {
                    path: dir,
                    problem: e.to_string(),
                })
            }
        };
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::Capture {
                path: dir.clone(),
                problem: e.to_string(),
            })?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if is_segment_name(&name) {
                files.push(entry.path());
            }
        }
        files.sort();
        Ok(files)
    }

    /// Why a source's tables cannot be trusted in this capture, or None when the source
    /// attached (its tables are meaningful even when empty).
    pub fn source_problem(&self, source: &str) -> Option<String> {
        match self.manifest.source(source).map(|s| &s.status) {
            Some(SourceState::Attached { .. }) => None,
            Some(SourceState::Unavailable { reason }) => Some(format!(
                "source `{source}` could not run when this capture was recorded: {reason}"
            )),
            None => Some(format!(
                "this capture was recorded without source `{source}` (record with --sources {source})"
            )),
        }
    }

    /// Events the kernel side of a source dropped (ring buffer full).
    pub fn lost_events(&self, source: &str) -> u64 {
        self.manifest.source(source).map_or(0, |s| s.lost_events)
    }

    /// Register every table of the format in `ctx`.
    pub async fn register(&self, ctx: &SessionContext) -> Result<()> {
        for table in TABLES {
            self.register_table(ctx, table).await?;
        }
        Ok(())
    }

    async fn register_table(&self, ctx: &SessionContext, table: &Table) -> Result<()> {
        let schema = table.schema();
        let provider: Arc<dyn datafusion::catalog::TableProvider> =
            if self.segments(table)?.is_empty() {
                Arc::new(MemTable::try_new(schema, vec![vec![]])?)
            } else {
                // Canonical: the object store refuses `..` segments, and resolving
                // symlinks here keeps every segment under one root.
                let dir = self.dir.join(table.name);
                let dir = dir.canonicalize().map_err(|e| Error::Capture {
                    path: dir.clone(),
                    problem: e.to_string(),
                })?;
                let url = url::Url::from_directory_path(&dir).map_err(|()| Error::Capture {
                    path: dir.clone(),
                    problem: "cannot be expressed as a file URL".into(),
                })?;
                // try_new with no glob: a path holding '*' or '[' is taken literally.
                let url = ListingTableUrl::try_new(url, None)?;
                let options = ListingOptions::new(Arc::new(ParquetFormat::default()))
                    .with_file_extension(".parquet");
                let config = ListingTableConfig::new(url)
                    .with_listing_options(options)
                    .with_schema(schema);
                Arc::new(ListingTable::try_new(config)?)
            };
        ctx.register_table(table.name, provider)?;
        Ok(())
    }
}

/// Whether a file name in a table folder is a closed segment.
fn is_segment_name(name: &str) -> bool {
    !name.starts_with('.') && name.ends_with(".parquet")
}

#[cfg(test)]
mod tests {
    use super::is_segment_name;

    #[test]
    fn temp_segments_are_not_segments() {
        assert!(is_segment_name("000001.parquet"));
        assert!(!is_segment_name(".000002.parquet.tmp"));
        assert!(!is_segment_name(".000002.parquet"));
        assert!(!is_segment_name("notes.txt"));
    }
}
