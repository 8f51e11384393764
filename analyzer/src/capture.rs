//! Opening a capture folder: read and check its manifest, find the Parquet segments of
//! each table and check each one's footer and schema ([`crate::segment`]), and register
//! every table in a DataFusion session as a listing table over its good segments (an
//! empty table of the same schema when it has none).
//!
//! A damaged capture is still analyzed: a corrupt or foreign segment is skipped with a
//! warning that names it, and rows the manifest lists but no readable segment holds are
//! reported; with [`OpenOptions::strict`] either is an error instead. An incomplete
//! capture (the recorder was killed) is read with a warning that bounds what is missing.
//!
//! Several captures form one dataset with [`register_many`]: each table is the UNION
//! ALL of the captures' tables, with two extra columns, `capture` (a name per capture)
//! and `host` (the manifest's host name).

use std::collections::BTreeMap;
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

use crate::error::{printable, Error, Result};
use crate::segment::{self, Segment};
use crate::window::fmt_secs;

/// How to treat a damaged capture.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenOptions {
    /// Refuse a capture with a corrupt, foreign or missing segment instead of
    /// analyzing the rest with a warning.
    pub strict: bool,
}

/// An opened capture: its folder, its manifest, and the segments of each table that
/// passed [`segment::check`].
#[derive(Debug, Clone)]
pub struct Capture {
    dir: PathBuf,
    manifest: Manifest,
    segments: BTreeMap<String, Vec<Segment>>,
    /// The catalog's tables, then any other table folder the capture holds.
    tables: Vec<Arc<Table>>,
    /// What was skipped or found missing, one line each.
    damage: Vec<String>,
    options: OpenOptions,
}

impl Capture {
    /// Open a capture, skipping damaged segments with a warning.
    pub fn open(dir: &Path) -> Result<Capture> {
        Capture::open_with(dir, OpenOptions::default())
    }

    /// Open a capture folder: read its manifest and check every segment's footer.
    /// Errors name the folder or file and say whether it is missing, not a capture,
    /// malformed, of a newer format, or (with `strict`) damaged.
    pub fn open_with(dir: &Path, options: OpenOptions) -> Result<Capture> {
        let manifest = read_manifest(dir)?;
        let mut capture = Capture {
            dir: dir.to_path_buf(),
            manifest,
            segments: BTreeMap::new(),
            tables: TABLES.iter().map(|t| Arc::new((*t).clone())).collect(),
            damage: Vec::new(),
            options,
        };
        capture.tables.extend(undeclared_tables(dir));
        for table in capture.tables.clone() {
            capture.load_table(&table, options)?;
        }
        Ok(capture)
    }

    /// Decode every segment in full and drop those whose data is corrupt (the footer
    /// check passed, but a query failed). Returns a warning per segment dropped; with
    /// `strict`, the first one is an error instead.
    pub fn drop_undecodable(&mut self) -> Result<Vec<String>> {
        let mut warnings = Vec::new();
        for segments in self.segments.values_mut() {
            let mut kept = Vec::new();
            for seg in segments.drain(..) {
                match segment::decode(&seg.path) {
                    Ok(()) => kept.push(seg),
                    Err(problem) if self.options.strict => {
                        return Err(Error::Capture {
                            path: seg.path,
                            problem: format!("{problem} (--strict refuses damaged segments)"),
                        })
                    }
                    Err(problem) => warnings.push(printable(&format!(
                        "warning: skipping segment {} ({} rows): {problem}",
                        seg.path.display(),
                        seg.rows
                    ))),
                }
            }
            *segments = kept;
        }
        self.damage.extend(warnings.iter().cloned());
        Ok(warnings)
    }

    /// Check the segments of one table; keep the good ones, report the others.
    fn load_table(&mut self, table: &Table, options: OpenOptions) -> Result<()> {
        let mut good = Vec::new();
        let found = segment_paths(&self.dir, table)?;
        for (path, problem) in found.refused {
            if options.strict {
                return Err(Error::Capture {
                    path,
                    problem: format!("{problem} (--strict refuses damaged segments)"),
                });
            }
            let what = if path.ends_with(table.name.as_ref()) {
                "table folder"
            } else {
                "segment"
            };
            self.damage.push(format!(
                "warning: skipping {what} {}: {problem}",
                path.display()
            ));
        }
        for path in found.files {
            match segment::check(&path, table) {
                Ok(seg) => good.push(seg),
                Err(problem) if options.strict => {
                    return Err(Error::Capture {
                        path,
                        problem: format!("{problem} (--strict refuses damaged segments)"),
                    })
                }
                Err(problem) => self.damage.push(format!(
                    "warning: skipping segment {}: {problem}",
                    path.display()
                )),
            }
        }
        self.null_fill(table, &good);
        let rows: u64 = good.iter().map(|s| s.rows).sum();
        if let Some(listed) = self.manifest.tables.get(table.name.as_ref()) {
            if rows < listed.rows {
                let problem = format!(
                    "table {}: the manifest lists {} rows in {} segments, the readable segments hold {rows} in {}; {} rows are missing from every result",
                    table.name,
                    listed.rows,
                    listed.segments,
                    good.len(),
                    listed.rows - rows
                );
                if options.strict {
                    return Err(Error::Capture {
                        path: self.dir.join(table.name.as_ref()),
                        problem: format!("{problem} (--strict)"),
                    });
                }
                self.damage.push(format!("warning: {problem}"));
            }
        }
        self.segments.insert(table.name.to_string(), good);
        Ok(())
    }

    /// Columns some segments of `table` lack (an older recorder wrote them) read as
    /// null there: the table's columns become nullable, and the capture says which.
    fn null_fill(&mut self, table: &Table, segments: &[Segment]) {
        let mut missing: Vec<&str> = Vec::new();
        for m in segments.iter().flat_map(|s| &s.missing) {
            if !missing.contains(&m.as_str()) {
                missing.push(m);
            }
        }
        if missing.is_empty() {
            return;
        }
        let older = segments.iter().filter(|s| !s.missing.is_empty()).count();
        self.damage.push(format!(
            "note: table {}: {older} of {} segments were written before column(s) {} existed; they read as null there",
            table.name,
            segments.len(),
            missing.join(", ")
        ));
        let mut widened = table.clone();
        widened.columns = widened
            .columns
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c.nullable |= missing.contains(&c.name.as_ref());
                c
            })
            .collect::<Vec<_>>()
            .into();
        if let Some(t) = self.tables.iter_mut().find(|t| t.name == table.name) {
            *t = Arc::new(widened);
        }
    }

    /// Make a capture from a manifest already in hand (tests, future multi-capture);
    /// it has no segments.
    pub fn from_parts(dir: PathBuf, manifest: Manifest) -> Capture {
        Capture {
            dir,
            manifest,
            segments: BTreeMap::new(),
            tables: TABLES.iter().map(|t| Arc::new((*t).clone())).collect(),
            damage: Vec::new(),
            options: OpenOptions::default(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Things a user should know before reading any output of this capture: that it
    /// is incomplete and how much may be missing, and every segment skipped.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.manifest.complete {
            w.push(self.incomplete_warning());
        }
        w.extend(self.damage.iter().cloned());
        w.iter().map(|line| printable(line)).collect()
    }

    fn incomplete_warning(&self) -> String {
        let m = &self.manifest;
        let segment = segment_option(&m.command_line);
        let after = match m.span_ns() {
            Some(ns) => format!("events after {} (its last segment rotation)", fmt_secs(ns)),
            None => "events after its last closed segment".to_string(),
        };
        format!(
            "warning: capture {} is incomplete (the recorder was killed, or is still recording): \
             {after} may be missing, at most one segment per table (--segment {segment})",
            self.dir.display()
        )
    }

    /// CLOCK_MONOTONIC ns when recording started.
    pub fn start_ns(&self) -> u64 {
        self.manifest.clock_start.monotonic_ns
    }

    /// CLOCK_MONOTONIC ns when recording ended, if the manifest knows it.
    pub fn end_ns(&self) -> Option<u64> {
        self.manifest.clock_end.map(|c| c.monotonic_ns)
    }

    /// Every table of the capture: the catalog's, then those it holds that this
    /// retrace does not declare (read as their files describe them).
    pub fn tables(&self) -> &[Arc<Table>] {
        &self.tables
    }

    /// The readable segments of a table, in sequence order.
    pub fn segments(&self, table: &Table) -> &[Segment] {
        self.segments
            .get(table.name.as_ref())
            .map_or(&[], Vec::as_slice)
    }

    /// Why a source's tables cannot be trusted in this capture, or None when the source
    /// attached (its tables are meaningful even when empty).
    pub fn source_problem(&self, source: &str) -> Option<String> {
        match self.manifest.source(source).map(|s| &s.status) {
            Some(SourceState::Attached { .. }) => None,
            // The recorder's "this kernel" is the recording host's.
            Some(SourceState::Unavailable { reason }) => Some(format!(
                "source `{source}` could not run when this capture was recorded: {}",
                reason.replace("this kernel", "this capture's kernel")
            )),
            None => Some(format!(
                "this capture was recorded without source `{source}` (record with --sources {source})"
            )),
        }
    }

    /// Why a probe recorded nothing in this capture: its source attached, but the
    /// kernel offered no way to attach this probe. None when it attached (or its
    /// source did not run, which [`Self::source_problem`] reports).
    /// Only the given sources are looked in (probe names such as
    /// `block:block_rq_insert` are shared by several).
    pub fn probe_problem(&self, probe: &str, sources: &[&str]) -> Option<String> {
        let attached = self
            .manifest
            .sources
            .iter()
            .filter(|s| sources.contains(&s.name.as_str()))
            .find_map(|s| match &s.status {
                SourceState::Attached { probes } => probes.iter().find(|p| p.probe == probe),
                SourceState::Unavailable { .. } => None,
            })?;
        let reason = attached.attach.strip_prefix("unavailable")?;
        let reason = reason.trim_start_matches([':', ' ']);
        Some(format!(
            "this capture's kernel offered no probe for {probe} ({reason})"
        ))
    }

    /// Events the kernel side of a source dropped (ring buffer full).
    pub fn lost_events(&self, source: &str) -> u64 {
        self.manifest.source(source).map_or(0, |s| s.lost_events)
    }

    /// Register every table of the format in `ctx`.
    pub async fn register(&self, ctx: &SessionContext) -> Result<()> {
        for table in &self.tables {
            self.register_table(ctx, table).await?;
        }
        Ok(())
    }

    async fn register_table(&self, ctx: &SessionContext, table: &Table) -> Result<()> {
        ctx.deregister_table(table.name.as_ref())?;
        ctx.register_table(table.name.as_ref(), self.provider(table)?)?;
        Ok(())
    }

    /// The table as a DataFusion provider over exactly its checked segments.
    fn provider(&self, table: &Table) -> Result<Arc<dyn datafusion::catalog::TableProvider>> {
        let schema = table.schema();
        let segments = self.segments(table);
        let provider: Arc<dyn datafusion::catalog::TableProvider> = if segments.is_empty() {
            Arc::new(MemTable::try_new(schema, vec![vec![]])?)
        } else {
            // Exactly the checked segments, each by its own URL.
            let urls = segments
                .iter()
                .map(|s| segment_url(&s.path))
                .collect::<Result<Vec<_>>>()?;
            let options = ListingOptions::new(Arc::new(ParquetFormat::default()))
                .with_file_extension(".parquet");
            let config = ListingTableConfig::new_with_multi_paths(urls)
                .with_listing_options(options)
                .with_schema(schema);
            Arc::new(ListingTable::try_new(config)?)
        };
        Ok(provider)
    }
}

/// Register several captures in `ctx` as one dataset: every table is the UNION ALL of
/// each capture's table, plus `capture` (its name in `captures`) and `host` (the
/// manifest's host name), both strings. The per-capture tables are not registered.
pub async fn register_many(ctx: &SessionContext, captures: &[(String, Capture)]) -> Result<()> {
    use datafusion::logical_expr::{col, lit};
    let Some((_, first)) = captures.first() else {
        return Ok(());
    };
    for table in first.tables() {
        ctx.deregister_table(table.name.as_ref())?;
        // A column some capture's older segments lack is nullable in every part of
        // the union, so that the parts agree.
        let mut table = (**table).clone();
        table.columns = table
            .columns
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c.nullable |= captures.iter().any(|(_, cap)| {
                    cap.tables()
                        .iter()
                        .find(|t| t.name == table.name)
                        .and_then(|t| t.column(&c.name))
                        .is_some_and(|other| other.nullable)
                });
                c
            })
            .collect::<Vec<_>>()
            .into();
        let table = &table;
        let mut union: Option<datafusion::dataframe::DataFrame> = None;
        for (name, capture) in captures {
            let df = ctx.read_table(capture.provider(table)?)?;
            let mut columns: Vec<_> = table
                .schema()
                .fields()
                .iter()
                .map(|f| col(datafusion::common::Column::from_name(f.name())))
                .collect();
            columns.push(lit(name.as_str()).alias("capture"));
            columns.push(lit(capture.manifest().host.hostname.as_str()).alias("host"));
            let df = df.select(columns)?;
            union = Some(match union {
                None => df,
                Some(u) => u.union(df)?,
            });
        }
        if let Some(df) = union {
            ctx.register_table(table.name.as_ref(), df.into_view())?;
        }
    }
    Ok(())
}

/// Table folders of a capture that the catalog does not declare, described by the
/// schema of their first segment that can be read.
fn undeclared_tables(dir: &Path) -> Vec<Arc<Table>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    // Folders (not links to them) with a table's name: the rest is not a table.
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| retrace_schema::manifest::is_plain_name(n))
        .filter(|n| retrace_schema::table(n).is_none())
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|name| {
            let folder = dir.join(&name);
            let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
                .ok()?
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
                .collect();
            files.sort();
            let schema = files.iter().find_map(|p| segment::schema(p))?;
            Table::from_arrow(&name, &schema).map(Arc::new)
        })
        .collect()
}

/// Read and check `manifest.json`; errors name the folder or the manifest file.
fn read_manifest(dir: &Path) -> Result<Manifest> {
    let problem = |path: &Path, p: &str| Error::Capture {
        path: path.to_path_buf(),
        problem: p.to_string(),
    };
    let md = std::fs::metadata(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => problem(dir, "no such capture folder"),
        _ => problem(dir, &e.to_string()),
    })?;
    if !md.is_dir() {
        return Err(problem(dir, "not a capture (not a folder)"));
    }
    let manifest_path = dir.join(MANIFEST_FILE);
    if !manifest_path.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        return Err(problem(
            dir,
            &if empty {
                format!("not a capture (an empty folder, no {MANIFEST_FILE})")
            } else {
                format!("not a capture (no {MANIFEST_FILE})")
            },
        ));
    }
    Manifest::read(dir).map_err(|e| match e {
        retrace_schema::Error::Io { source, .. } => problem(&manifest_path, &source.to_string()),
        other => problem(&manifest_path, &other.to_string()),
    })
}

/// The closed segments of a table, in sequence order. Temp files (a leading '.', ending
/// in `.tmp`) and anything not ending in `.parquet` are skipped.
fn segment_paths(dir: &Path, table: &Table) -> Result<Segments> {
    let dir = dir.join(table.name.as_ref());
    let read_error = |e: std::io::Error| Error::Capture {
        path: dir.clone(),
        problem: e.to_string(),
    };
    let mut found = Segments::default();
    // The table's folder itself must be one: a link could lead out of the capture.
    match std::fs::symlink_metadata(&dir) {
        Ok(md) if md.file_type().is_dir() => {}
        Ok(md) => {
            found.refused.push((
                dir.clone(),
                format!(
                    "not a table folder ({})",
                    retrace_schema::file_kind(&md.file_type())
                ),
            ));
            return Ok(found);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(read_error(e)),
    }
    let entries = std::fs::read_dir(&dir).map_err(read_error)?;
    for entry in entries {
        let entry = entry.map_err(read_error)?;
        let name = entry.file_name();
        if !is_segment_name(&name.to_string_lossy()) {
            continue;
        }
        // Only regular files: a FIFO would block the reader forever, a link could
        // lead out of the capture, a device read anything. (The entry's own type:
        // links are not followed.)
        let kind = entry.file_type().map_err(read_error)?;
        if kind.is_file() {
            found.files.push(entry.path());
        } else {
            found.refused.push((
                entry.path(),
                format!(
                    "not a regular file ({}), not read",
                    retrace_schema::file_kind(&kind)
                ),
            ));
        }
    }
    found.files.sort();
    found.refused.sort();
    Ok(found)
}

/// A table folder's segment files, and what in it looked like one but is not read.
#[derive(Default)]
struct Segments {
    files: Vec<PathBuf>,
    refused: Vec<(PathBuf, String)>,
}

/// A segment as a URL for DataFusion. Canonical: the object store refuses `..`, and
/// resolving symlinks keeps every segment under one root.
fn segment_url(path: &Path) -> Result<ListingTableUrl> {
    let canonical = path.canonicalize().map_err(|e| Error::Capture {
        path: path.to_path_buf(),
        problem: e.to_string(),
    })?;
    let url = url::Url::from_file_path(&canonical).map_err(|()| Error::Capture {
        path: canonical.clone(),
        problem: "cannot be expressed as a file URL".into(),
    })?;
    // try_new with no glob: a path holding '*' or '[' is taken literally.
    Ok(ListingTableUrl::try_new(url, None)?)
}

/// The recorder's `--segment` value from its command line (its default when absent).
fn segment_option(command_line: &[String]) -> String {
    let mut args = command_line.iter();
    while let Some(a) = args.next() {
        if a == "--" {
            break;
        }
        if a == "--segment" {
            if let Some(v) = args.next() {
                return v.clone();
            }
        }
        if let Some(v) = a.strip_prefix("--segment=") {
            return v.to_string();
        }
    }
    "60s, the default".to_string()
}

/// Whether a file name in a table folder is a closed segment.
fn is_segment_name(name: &str) -> bool {
    !name.starts_with('.') && name.ends_with(".parquet")
}

#[cfg(test)]
mod tests {
    use super::{is_segment_name, segment_option};

    #[test]
    fn temp_segments_are_not_segments() {
        assert!(is_segment_name("000001.parquet"));
        assert!(!is_segment_name(".000002.parquet.tmp"));
        assert!(!is_segment_name(".000002.parquet"));
        assert!(!is_segment_name("notes.txt"));
    }

    #[test]
    fn segment_interval_from_the_command_line() {
        let cl = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            segment_option(&cl(&["retrace-record", "--segment", "5s"])),
            "5s"
        );
        assert_eq!(
            segment_option(&cl(&["retrace-record", "--segment=1G"])),
            "1G"
        );
        assert_eq!(
            segment_option(&cl(&["retrace-record", "--", "x", "--segment", "1s"])),
            "60s, the default"
        );
    }
}
