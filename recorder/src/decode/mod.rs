//! Ring-buffer records → rows of the catalog's tables. Nothing here knows a table:
//! each source's tables are compiled into [`plan::TableRows`] from their declarations
//! (`schemas/src/catalog/`) and the layout of their records in the source's BPF
//! object ([`layout`]); a record's first u32 (its kind, also from the object's BTF)
//! picks the table. Hot sources hand records over in per-CPU batches (`struct
//! rt_batch`: a header, then records of one kind without kind or CPU of their own).

pub mod buffers;
pub mod context;
pub mod layout;
pub mod plan;

use std::sync::Arc;

use anyhow::Result;
use arrow::array::RecordBatch;
use retrace_schema::tables::Table;

use self::context::Context;
use self::layout::{FieldLayout, ObjectLayouts};
use self::plan::TableRows;
use crate::redact::Redact;

/// A batch is handed to the writer once its rows take about this many bytes.
const BATCH_BYTES: usize = 4 << 20;
/// ... or once it holds this many rows.
const BATCH_ROWS: usize = 64 * 1024;

/// The `struct rt_batch` header of a source, as its BTF lays it out.
#[derive(Debug, Clone, Copy)]
struct BatchHeader {
    kind: u32,
    size: usize,
    rec_kind: FieldLayout,
    cpu: FieldLayout,
    count: FieldLayout,
}

/// How one source's records are decoded.
#[derive(Default)]
struct SourceKinds {
    /// Kind → index into `Rows::tables`.
    tables: Vec<Option<usize>>,
    batch: Option<BatchHeader>,
}

/// Rows decoded so far, per table.
pub struct Rows {
    tables: Vec<TableRows>,
    sources: Vec<SourceKinds>,
    pub cx: Context,
    /// Rows per batch (BATCH_ROWS unless a test asks for small batches).
    batch_rows: usize,
    /// Records decoded since the start, all tables.
    pub events: u64,
    /// Records that could not be decoded (wrong size or kind); should stay 0.
    pub malformed: u64,
}

fn u32_at(data: &[u8], f: FieldLayout) -> Option<u32> {
    let b = data.get(f.offset..f.offset + 4)?;
    Some(u32::from_ne_bytes(b.try_into().ok()?))
}

impl Rows {
    pub fn new(redact: Redact) -> Self {
        // Test hook: small batches fill the writer queue quickly, to prove that a
        // writer falling behind costs counted drops, not memory.
        let batch_rows = std::env::var("RETRACE_DEBUG_BATCH_ROWS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(BATCH_ROWS);
        Rows {
            tables: Vec::new(),
            sources: Vec::new(),
            cx: Context::new(redact),
            batch_rows,
            events: 0,
            malformed: 0,
        }
    }

    /// Decode the records of source `src` into these tables, laid out as in its
    /// object. Tables that user space fills (no record) are skipped.
    pub fn add_source(
        &mut self,
        src: usize,
        tables: impl IntoIterator<Item = Arc<Table>>,
        layouts: &ObjectLayouts,
    ) -> Result<()> {
        if self.sources.len() <= src {
            self.sources.resize_with(src + 1, Default::default);
        }
        for table in tables {
            let Some(record) = table.record.clone() else {
                continue;
            };
            let kind = layouts.kind(&record)? as usize;
            let rows = TableRows::new(table, layouts)?;
            let kinds = &mut self.sources[src].tables;
            if kinds.len() <= kind {
                kinds.resize(kind + 1, None);
            }
            kinds[kind] = Some(self.tables.len());
            self.tables.push(rows);
        }
        if let (Ok(kind), Ok(h)) = (layouts.kind("rt_batch"), layouts.record("rt_batch")) {
            self.sources[src].batch = Some(BatchHeader {
                kind,
                size: h.size,
                rec_kind: h.field("rec_kind")?,
                cpu: h.field("cpu")?,
                count: h.field("count")?,
            });
        }
        Ok(())
    }

    fn table_of(&self, src: usize, kind: u32) -> Option<usize> {
        *self.sources.get(src)?.tables.get(kind as usize)?
    }

    /// Decode one ring-buffer record of source `src` (its first u32 says which
    /// kind). Returns the number of rows it held: a batch holds many.
    pub fn push_record(&mut self, src: usize, data: &[u8]) -> u64 {
        let Some(kind) = data
            .get(..4)
            .map(|k| u32::from_ne_bytes(k.try_into().unwrap()))
        else {
            self.malformed += 1;
            return 0;
        };
        if let Some(h) = self.sources.get(src).and_then(|s| s.batch) {
            if kind == h.kind {
                return self.push_batch_record(src, h, data);
            }
        }
        let Some(t) = self.table_of(src, kind) else {
            self.malformed += 1;
            return 0;
        };
        self.cx.src = src;
        if self.tables[t].push(data, 0, &mut self.cx) {
            self.events += 1;
            1
        } else {
            self.malformed += 1;
            0
        }
    }

    /// A batch record: its header, then its records.
    fn push_batch_record(&mut self, src: usize, h: BatchHeader, data: &[u8]) -> u64 {
        let fields = (
            u32_at(data, h.rec_kind),
            u32_at(data, h.cpu),
            u32_at(data, h.count),
        );
        let (Some(rec_kind), Some(cpu), Some(count)) = fields else {
            self.malformed += 1;
            return 0;
        };
        let Some(t) = self.table_of(src, rec_kind) else {
            self.malformed += 1;
            return 0;
        };
        let len = count as usize * self.tables[t].record_size();
        match data.get(h.size..).and_then(|d| d.get(..len)) {
            Some(body) => self.push_batch(src, rec_kind, cpu, body),
            None => {
                self.malformed += 1;
                0
            }
        }
    }

    /// Decode the records of a batch: `data` holds records of `rec_kind`, back to
    /// back, all recorded on `cpu`. Returns the number of rows.
    pub fn push_batch(&mut self, src: usize, rec_kind: u32, cpu: u32, data: &[u8]) -> u64 {
        let Some(t) = self.table_of(src, rec_kind) else {
            self.malformed += 1;
            return 0;
        };
        let size = self.tables[t].record_size();
        if size == 0 || !data.len().is_multiple_of(size) {
            self.malformed += 1;
            return 0;
        }
        self.cx.src = src;
        self.tables[t].push_batch(data, cpu, &mut self.cx);
        let n = (data.len() / size) as u64;
        self.events += n;
        n
    }

    /// Batches of the tables that reached the batch size.
    pub fn take_full(&mut self) -> Vec<(Arc<Table>, RecordBatch)> {
        self.take(false)
    }

    /// Batches of every table that holds rows.
    pub fn take_all(&mut self) -> Vec<(Arc<Table>, RecordBatch)> {
        self.take(true)
    }

    fn take(&mut self, all: bool) -> Vec<(Arc<Table>, RecordBatch)> {
        let batch_rows = self.batch_rows;
        let mut out = Vec::new();
        for t in &mut self.tables {
            if t.rows > 0 && (all || t.rows >= batch_rows || t.bytes >= BATCH_BYTES) {
                out.push((t.table.clone(), t.finish()));
            }
        }
        // Stacks and mappings go out with every flush, so that a capture cut
        // short still names what its closed segments reference.
        let stacks = &mut self.cx.stacks;
        if let Some(cols) = stacks.take_stack_rows(all, batch_rows) {
            out.push(batch(&retrace_schema::catalog::stacks::STACKS, cols));
        }
        if let Some(cols) = stacks.take_mapping_rows(all, batch_rows) {
            out.push(batch(&retrace_schema::catalog::stacks::USER_MAPPINGS, cols));
        }
        out
    }
}

fn batch(table: &Table, cols: Vec<arrow::array::ArrayRef>) -> (Arc<Table>, RecordBatch) {
    let b = RecordBatch::try_new(table.schema(), cols).expect("builders match the table schema");
    (Arc::new(table.clone()), b)
}

#[cfg(test)]
mod tests;
