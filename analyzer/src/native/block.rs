//! biolatency and bitesize without a query engine: one pass over the few columns they
//! read, counting log2 slots per (interval, key). Same parameters, rows and order as
//! `queries/{biolatency,bitesize}.sql` (a test runs both and compares).

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray, UInt64Array};
use arrow::datatypes::{DataType, Field, Schema, UInt32Type, UInt64Type};

use super::read::{read, Columns, Interner};
use crate::capture::Capture;
use crate::error::{Error, Result};
use crate::names::bio_flags_label;
use crate::session::{Params, QueryResult};
use crate::udf::log2_bucket;

/// No key (the SQL's NULL).
const NONE: u32 = u32::MAX;

/// The rows of block_io completing in the window, with the columns asked for.
fn block_io(capture: &Capture, end_ns: u64, names: &[&str]) -> Result<Columns> {
    let table = retrace_schema::table("block_io")
        .ok_or_else(|| Error::Usage("no block_io table".into()))?;
    read(capture, table, names, end_ns)
}

/// Log2 histograms per (interval, key 1, key 2); keys are interned ids or NONE.
#[derive(Default)]
struct KeyedHists {
    slots: HashMap<(u64, u32, u32), [u64; 64]>,
    /// The key being counted and its slots: neighbouring rows mostly share a key.
    cur: Option<((u64, u32, u32), [u64; 64])>,
}

impl KeyedHists {
    fn add(&mut self, k: (u64, u32, u32), slot: usize) {
        if self.cur.as_ref().is_none_or(|c| c.0 != k) {
            self.flush();
            self.cur = Some((k, [0; 64]));
        }
        if let Some(c) = &mut self.cur {
            c.1[slot] += 1;
        }
    }

    fn flush(&mut self) {
        if let Some((k, counts)) = self.cur.take() {
            let e = self.slots.entry(k).or_insert([0; 64]);
            for (a, b) in e.iter_mut().zip(counts) {
                *a += b;
            }
        }
    }

    /// Rows ordered by interval, key 1, key 2 (by name, nulls last), slot; `names1`,
    /// `names2` turn ids back into strings.
    #[allow(clippy::type_complexity)]
    fn rows<'a>(
        mut self,
        names1: &'a [String],
        names2: &'a [String],
    ) -> Vec<(u64, Option<&'a str>, Option<&'a str>, i64, i64)> {
        self.flush();
        let name = |names: &'_ [String], id: u32| -> Option<String> {
            (id != NONE).then(|| names[id as usize].clone())
        };
        let mut keys: Vec<_> = self.slots.keys().copied().collect();
        keys.sort_by_key(|k| {
            let (a, b) = (name(names1, k.1), name(names2, k.2));
            (k.0, a.is_none(), a, b.is_none(), b)
        });
        let mut out = Vec::new();
        for k in keys {
            let a = (k.1 != NONE).then(|| names1[k.1 as usize].as_str());
            let b = (k.2 != NONE).then(|| names2[k.2 as usize].as_str());
            for (slot, n) in self.slots[&k].iter().enumerate() {
                if *n > 0 {
                    out.push((k.0, a, b, slot as i64, *n as i64));
                }
            }
        }
        out
    }
}

fn result(fields: Vec<Field>, cols: Vec<ArrayRef>) -> Result<QueryResult> {
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), cols)?;
    Ok(QueryResult {
        schema,
        batches: vec![batch],
    })
}

/// The id of a filter value ('' = no filter): None when no row can match.
fn filter_id(value: &str, names: &Interner) -> Option<Option<u32>> {
    if value.is_empty() {
        Some(None)
    } else {
        names.find(value).map(Some)
    }
}

/// `queries/biolatency.sql`.
pub fn biolatency(capture: &Capture, p: &Params) -> Result<QueryResult> {
    let (start, end) = (p.u64("start_ns")?, p.u64("end_ns")?);
    let interval = p.u64("interval_ns")?.max(1);
    let unit = i64::try_from(p.u64("unit_ns")?.max(1)).unwrap_or(i64::MAX);
    let (queued, per_disk, per_flag) =
        (p.bool("queued")?, p.bool("per_disk")?, p.bool("per_flag")?);
    let disk = p.string("disk")?;
    let mut names = vec!["ts_complete_ns", "ts_issue_ns"];
    if queued {
        names.push("ts_insert_ns");
    }
    if per_disk || !disk.is_empty() {
        names.push("disk");
    }
    if per_flag {
        names.push("rwbs");
    }
    let cols = block_io(capture, end, &names)?;
    let done = cols.primitive::<UInt64Type>("ts_complete_ns")?;
    let issue = cols.primitive::<UInt64Type>("ts_issue_ns")?;
    let insert = if queued {
        Some(cols.primitive_nullable::<UInt64Type>("ts_insert_ns")?)
    } else {
        None
    };
    let mut disks = Interner::default();
    let disk_ids = if names.contains(&"disk") {
        cols.string_ids("disk", &mut disks)?
    } else {
        Vec::new()
    };
    // Flags are grouped by their label, which several rwbs strings can share.
    let mut rwbs = Interner::default();
    let mut labels = Interner::default();
    let flag_ids = if per_flag {
        let raw = cols.string_ids("rwbs", &mut rwbs)?;
        let label_of: Vec<u32> = rwbs
            .names
            .iter()
            .map(|r| labels.id(&bio_flags_label(r)))
            .collect();
        raw.into_iter()
            .map(|r| {
                if r == NONE {
                    NONE
                } else {
                    label_of[r as usize]
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let Some(only_disk) = filter_id(&disk, &disks) else {
        return biolatency_rows(KeyedHists::default(), &disks, &labels);
    };
    let mut h = KeyedHists::default();
    for i in 0..done.len() {
        let t = done[i];
        if t < start || t >= end {
            continue;
        }
        if only_disk.is_some_and(|d| disk_ids[i] != d) {
            continue;
        }
        let base = match &insert {
            Some((v, ok)) if ok[i] => v[i],
            _ => issue[i],
        };
        let lat = (t as i64 - base as i64).max(0) / unit;
        let k1 = if per_disk { disk_ids[i] } else { NONE };
        let k2 = if per_flag { flag_ids[i] } else { NONE };
        h.add(
            ((t - start) / interval, k1, k2),
            log2_bucket(lat as u64) as usize,
        );
    }
    biolatency_rows(h, &disks, &labels)
}

fn biolatency_rows(h: KeyedHists, disks: &Interner, labels: &Interner) -> Result<QueryResult> {
    let rows = h.rows(&disks.names, &labels.names);
    result(
        vec![
            Field::new("interval_index", DataType::UInt64, true),
            Field::new("disk", DataType::Utf8, true),
            Field::new("flags", DataType::Utf8, true),
            Field::new("bucket", DataType::Int64, true),
            Field::new("count", DataType::Int64, false),
        ],
        vec![
            Arc::new(UInt64Array::from_iter_values(rows.iter().map(|r| r.0))),
            Arc::new(StringArray::from_iter(rows.iter().map(|r| r.1))),
            Arc::new(StringArray::from_iter(rows.iter().map(|r| r.2))),
            Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.3))),
            Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.4))),
        ],
    )
}

/// `queries/bitesize.sql`.
pub fn bitesize(capture: &Capture, p: &Params) -> Result<QueryResult> {
    let (start, end) = (p.u64("start_ns")?, p.u64("end_ns")?);
    let interval = p.u64("interval_ns")?.max(1);
    let (comm, disk) = (p.string("comm")?, p.string("disk")?);
    let mut names = vec!["ts_complete_ns", "bytes", "comm"];
    if !disk.is_empty() {
        names.push("disk");
    }
    let cols = block_io(capture, end, &names)?;
    let done = cols.primitive::<UInt64Type>("ts_complete_ns")?;
    let bytes = cols.primitive::<UInt32Type>("bytes")?;
    let mut comms = Interner::default();
    let comm_ids = cols.string_ids("comm", &mut comms)?;
    let mut disks = Interner::default();
    let disk_ids = if disk.is_empty() {
        Vec::new()
    } else {
        cols.string_ids("disk", &mut disks)?
    };
    let mut h = KeyedHists::default();
    if let (Some(only_comm), Some(only_disk)) = (filter_id(&comm, &comms), filter_id(&disk, &disks))
    {
        for i in 0..done.len() {
            let t = done[i];
            if t < start || t >= end {
                continue;
            }
            if only_comm.is_some_and(|c| comm_ids[i] != c)
                || only_disk.is_some_and(|d| disk_ids[i] != d)
            {
                continue;
            }
            let slot = log2_bucket(u64::from(bytes[i] / 1024)) as usize;
            h.add(((t - start) / interval, comm_ids[i], NONE), slot);
        }
    }
    let rows = h.rows(&comms.names, &[]);
    result(
        vec![
            Field::new("interval_index", DataType::UInt64, true),
            Field::new("comm", DataType::Utf8, true),
            Field::new("bucket", DataType::Int64, true),
            Field::new("count", DataType::Int64, false),
        ],
        vec![
            Arc::new(UInt64Array::from_iter_values(rows.iter().map(|r| r.0))),
            Arc::new(StringArray::from_iter(rows.iter().map(|r| r.1))),
            Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.3))),
            Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.4))),
        ],
    )
}
