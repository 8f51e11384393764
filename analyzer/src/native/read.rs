//! Reading a few columns of a table straight from its Parquet segments, one row group
//! per task on every core, in file order. The native tools use this instead of a
//! DataFusion scan: they need the columns as plain slices, not a plan.

use std::fs::File;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, UInt32Array};
use arrow::compute::{cast, take};
use arrow::datatypes::{ArrowPrimitiveType, DataType, Field, Int32Type, Schema};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use parquet::file::statistics::Statistics;
use retrace_schema::Table;

use crate::capture::Capture;
use crate::error::{Error, Result};

/// Some columns of a table, every row of its segments whose time column is below
/// `end_ns` (whole row groups are skipped by their statistics; rows at or past the end
/// may remain and are the caller's to filter).
pub struct Columns {
    names: Vec<String>,
    batches: Vec<RecordBatch>,
}

impl Columns {
    pub fn rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }

    /// A numeric column as one array (the batches concatenated).
    pub fn primitive<T: ArrowPrimitiveType>(&self, name: &str) -> Result<Vec<T::Native>> {
        let i = self.index(name)?;
        let mut out = Vec::with_capacity(self.rows());
        for b in &self.batches {
            let col = b.column(i);
            if col.null_count() > 0 {
                return Err(Error::Data(format!("column {name} has nulls")));
            }
            let arr = col
                .as_primitive_opt::<T>()
                .ok_or_else(|| Error::Data(format!("column {name}: unexpected type")))?;
            out.extend_from_slice(arr.values());
        }
        Ok(out)
    }

    /// Keep only the columns `keep` (the others were copied out), to free their memory.
    pub fn retain(&mut self, keep: &[&str]) -> Result<()> {
        let idx: Vec<usize> = self
            .names
            .iter()
            .enumerate()
            .filter(|(_, n)| keep.contains(&n.as_str()))
            .map(|(i, _)| i)
            .collect();
        for b in &mut self.batches {
            *b = b.project(&idx)?;
        }
        self.names = idx.iter().map(|i| self.names[*i].clone()).collect();
        Ok(())
    }

    /// A string column at some rows (indexes over all batches, in order): only the
    /// batches holding them are touched.
    pub fn strings_at(&self, name: &str, rows: &[u32]) -> Result<Vec<Option<String>>> {
        let i = self.index(name)?;
        let mut starts = Vec::with_capacity(self.batches.len());
        let mut total = 0u64;
        for b in &self.batches {
            starts.push(total);
            total += b.num_rows() as u64;
        }
        // (batch, row in batch, position in the answer), by batch.
        let mut wanted: Vec<(usize, u32, usize)> = Vec::with_capacity(rows.len());
        for (pos, &r) in rows.iter().enumerate() {
            if u64::from(r) >= total {
                return Err(Error::Internal(format!("row {r} of {name} out of range")));
            }
            let b = starts.partition_point(|s| *s <= u64::from(r)) - 1;
            wanted.push((b, (u64::from(r) - starts[b]) as u32, pos));
        }
        wanted.sort_unstable();
        let mut out = vec![None; rows.len()];
        for group in wanted.chunk_by(|a, b| a.0 == b.0) {
            let col = self.batches[group[0].0].column(i);
            let idx = UInt32Array::from_iter_values(group.iter().map(|w| w.1));
            let picked = cast(&take(col.as_ref(), &idx, None)?, &DataType::Utf8)?;
            let picked = picked.as_string::<i32>();
            for (w, v) in group.iter().zip(picked.iter()) {
                out[w.2] = v.map(str::to_string);
            }
        }
        Ok(out)
    }

    fn index(&self, name: &str) -> Result<usize> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| Error::Internal(format!("column {name} was not read")))
    }
}

/// Distinct strings and their ids.
#[derive(Default)]
pub struct Interner {
    ids: std::collections::HashMap<String, u32>,
    pub names: Vec<String>,
}

impl Interner {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(s.to_string(), id);
        self.names.push(s.to_string());
        id
    }

    /// The id of `s` if it was seen.
    pub fn find(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }
}

/// One row group of one segment: the unit of parallel work.
struct Task {
    meta: ArrowReaderMetadata,
    path: std::path::PathBuf,
    row_group: usize,
}

/// The row groups of `table` to read: all but those whose smallest time is at or past
/// `end_ns`. String columns will come back as dictionaries (the files store them so),
/// which keeps reading them cheap.
fn plan(capture: &Capture, table: &Table, end_ns: u64) -> Result<Vec<Task>> {
    let mut tasks = Vec::new();
    for seg in capture.segments(table) {
        let file = File::open(&seg.path)?;
        let plain = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())?;
        // Strings as dictionaries: far cheaper to decode than one string per row.
        let hinted = Schema::new(
            plain
                .schema()
                .fields()
                .iter()
                .map(|f| match f.data_type() {
                    DataType::Utf8 => Arc::new(Field::new(
                        f.name(),
                        DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                        f.is_nullable(),
                    )),
                    _ => f.clone(),
                })
                .collect::<Vec<_>>(),
        );
        let meta = ArrowReaderMetadata::try_new(
            plain.metadata().clone(),
            ArrowReaderOptions::new().with_schema(Arc::new(hinted)),
        )?;
        let pq = meta.metadata();
        let time_leaf = table.time_column.as_deref().and_then(|t| {
            pq.file_metadata()
                .schema_descr()
                .columns()
                .iter()
                .position(|c| c.name() == t)
        });
        for rg in 0..pq.num_row_groups() {
            let min = time_leaf.and_then(|i| match pq.row_group(rg).column(i).statistics() {
                Some(Statistics::Int64(s)) => s.min_opt().map(|v| *v as u64),
                _ => None,
            });
            if min.is_some_and(|m| m >= end_ns) {
                continue;
            }
            tasks.push(Task {
                meta: meta.clone(),
                path: seg.path.clone(),
                row_group: rg,
            });
        }
    }
    Ok(tasks)
}

/// Read `names` of `table` in `capture` whole, in file order, skipping row groups whose
/// smallest time is at or past `end_ns`.
pub fn read(capture: &Capture, table: &Table, names: &[&str], end_ns: u64) -> Result<Columns> {
    let tasks = plan(capture, table, end_ns)?;
    let batches = run_tasks(&tasks, names)?;
    Ok(Columns {
        names: names.iter().map(|s| s.to_string()).collect(),
        batches,
    })
}

/// Batches of this size stay in the cache while a tool goes through them.
const STREAM_BATCH_ROWS: usize = 64 * 1024;

/// Stream `names` of `table` through `f`, on all cores, without keeping the rows: each
/// core folds the batches it decodes into its own accumulator (made by `init`), and the
/// accumulators come back for the caller to merge. Columns are in `names` order.
pub fn map_batches<A: Send>(
    capture: &Capture,
    table: &Table,
    names: &[&str],
    end_ns: u64,
    init: impl Fn() -> A + Sync,
    f: impl Fn(&mut A, &RecordBatch) -> Result<()> + Sync,
) -> Result<Vec<A>> {
    let tasks = plan(capture, table, end_ns)?;
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(tasks.len().max(1));
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (tasks, next, init, f) = (&tasks, &next, &init, &f);
                s.spawn(move || -> Result<A> {
                    let mut acc = init();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(task) = tasks.get(i) else { break };
                        for batch in decode(task, names, STREAM_BATCH_ROWS)? {
                            f(&mut acc, &batch?)?;
                        }
                    }
                    Ok(acc)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::Internal("a reader thread panicked".into())))
            })
            .collect()
    })
}

/// Decode every task on all cores; the batches come back in task order.
fn run_tasks(tasks: &[Task], names: &[&str]) -> Result<Vec<RecordBatch>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Vec<RecordBatch>>>>> =
        Mutex::new((0..tasks.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(tasks.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(task) = tasks.get(i) else { break };
                let r = read_task(task, names);
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
            });
        }
    });
    let mut out = Vec::new();
    for r in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        out.extend(r.unwrap_or_else(|| Ok(Vec::new()))?);
    }
    Ok(out)
}

fn read_task(task: &Task, names: &[&str]) -> Result<Vec<RecordBatch>> {
    let rows = task.meta.metadata().row_group(task.row_group).num_rows() as usize;
    decode(task, names, rows.max(1))?.collect()
}

/// The batches of one row group, with the columns in `names` order.
fn decode<'a>(
    task: &Task,
    names: &'a [&'a str],
    batch_rows: usize,
) -> Result<impl Iterator<Item = Result<RecordBatch>> + 'a> {
    let file = File::open(&task.path)?;
    let descr = task.meta.metadata().file_metadata().schema_descr_ptr();
    let mask = ProjectionMask::columns(&descr, names.iter().copied());
    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, task.meta.clone())
        .with_projection(mask)
        .with_row_groups(vec![task.row_group])
        .with_batch_size(batch_rows)
        .build()?;
    Ok(reader.map(move |b| {
        let b = b?;
        let schema = b.schema();
        let cols = names
            .iter()
            .map(|n| {
                schema
                    .index_of(n)
                    .map(|i| b.column(i).clone())
                    .map_err(Error::from)
            })
            .collect::<Result<Vec<_>>>()?;
        let fields: Vec<_> = names
            .iter()
            .map(|n| schema.field_with_name(n).cloned())
            .collect::<std::result::Result<_, _>>()?;
        Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)?)
    }))
}

/// A non-null numeric column of one batch as a slice.
pub fn values<T: ArrowPrimitiveType>(col: &ArrayRef) -> Result<&[T::Native]> {
    let arr = col
        .as_primitive_opt::<T>()
        .ok_or_else(|| Error::Data("unexpected column type".into()))?;
    if arr.null_count() > 0 {
        return Err(Error::Data("unexpected nulls".into()));
    }
    Ok(arr.values())
}

/// A string column of one batch as ids (u32::MAX for null): `id` is asked once per
/// distinct value of the batch's dictionary, then every row is one index.
pub fn dict_ids(col: &ArrayRef, mut id: impl FnMut(&str) -> u32) -> Result<Vec<u32>> {
    let Some(dict) = col.as_dictionary_opt::<Int32Type>() else {
        return Err(Error::Data("a string column is not a dictionary".into()));
    };
    let values = cast(dict.values(), &DataType::Utf8)?;
    let map: Vec<u32> = values
        .as_string::<i32>()
        .iter()
        .map(|v| v.map_or(u32::MAX, &mut id))
        .collect();
    let keys = dict.keys();
    Ok(match keys.nulls() {
        None => keys.values().iter().map(|k| map[*k as usize]).collect(),
        Some(n) => keys
            .values()
            .iter()
            .zip(n.iter())
            .map(|(k, ok)| if ok { map[*k as usize] } else { u32::MAX })
            .collect(),
    })
}
