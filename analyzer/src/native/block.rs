//! biolatency, bitesize and biotop without a query engine: the rows stream through
//! once, on every core, each core counting per (interval, key) with its own interned
//! strings; the cores' counts are then merged by name. Same parameters, rows and order
//! as `queries/{biolatency,bitesize,biotop}.sql` (a test runs both and compares).

use std::collections::{BTreeMap, HashMap};

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, Float64Array, Int64Array, RecordBatch, StringArray, UInt32Array,
    UInt64Array,
};
use arrow::datatypes::{DataType, Field, Schema, UInt32Type, UInt64Type};

use super::read::{dict_ids, map_batches, values, Interner};
use crate::capture::Capture;
use crate::error::{Error, Result};
use crate::kernel_names::bio_flags_label;
use crate::session::{Params, QueryResult};
use crate::udf::log2_bucket;

/// No key (the SQL's NULL).
const NONE: u32 = u32::MAX;

fn block_io() -> Result<&'static retrace_schema::Table> {
    retrace_schema::table("block_io")
        .ok_or_else(|| Error::Internal("no block_io table in the format".into()))
}

/// Position of `name` in `names` (the batch's column order).
fn col<'a>(b: &'a RecordBatch, names: &[&str], name: &str) -> Result<&'a ArrayRef> {
    names
        .iter()
        .position(|n| *n == name)
        .map(|i| b.column(i))
        .ok_or_else(|| Error::Internal(format!("column {name} was not read")))
}

type HistKey = (u64, u32, u32);

/// Log2 histograms per (interval, key 1, key 2); keys are interned ids or NONE.
#[derive(Default)]
struct KeyedHists {
    index: foldhash::HashMap<HistKey, usize>,
    keys: Vec<HistKey>,
    counts: Vec<[u64; 64]>,
    /// The last key and its index: neighbouring rows often share a key.
    last: Option<(HistKey, usize)>,
}

impl KeyedHists {
    fn add(&mut self, k: HistKey, slot: usize) {
        let i = match self.last {
            Some((lk, li)) if lk == k => li,
            _ => {
                let i = match self.index.get(&k) {
                    Some(i) => *i,
                    None => {
                        self.index.insert(k, self.keys.len());
                        self.keys.push(k);
                        self.counts.push([0; 64]);
                        self.keys.len() - 1
                    }
                };
                self.last = Some((k, i));
                i
            }
        };
        self.counts[i][slot] += 1;
    }
}

/// A string key for ordering as SQL does ascending: by name, nulls last.
type Name = (bool, Option<String>);

fn name(names: &Interner, id: u32) -> Name {
    if id == NONE {
        (true, None)
    } else {
        (false, Some(names.names[id as usize].clone()))
    }
}

/// Histograms of several cores, merged by name and ordered by interval, key 1, key 2.
type Merged = BTreeMap<(u64, Name, Name), [u64; 64]>;

fn merge_into(all: &mut Merged, h: KeyedHists, names1: &Interner, names2: &Interner) {
    for ((interval, a, b), counts) in h.keys.into_iter().zip(h.counts) {
        let e = all
            .entry((interval, name(names1, a), name(names2, b)))
            .or_insert([0; 64]);
        for (x, y) in e.iter_mut().zip(counts) {
            *x += y;
        }
    }
}

/// The SQL's rows of merged histograms: interval_index, the key columns named in
/// `keys` (one or two strings), bucket and count, one row per non-empty slot.
fn hist_result(all: &Merged, keys: &[&str]) -> Result<QueryResult> {
    let mut rows = Vec::new();
    for ((interval, a, b), counts) in all {
        for (slot, n) in counts.iter().enumerate() {
            if *n > 0 {
                rows.push((
                    *interval,
                    [a.1.as_deref(), b.1.as_deref()],
                    slot as i64,
                    *n as i64,
                ));
            }
        }
    }
    let mut fields = vec![Field::new("interval_index", DataType::UInt64, true)];
    let mut cols: Vec<ArrayRef> = vec![Arc::new(UInt64Array::from_iter_values(
        rows.iter().map(|r| r.0),
    ))];
    for (i, key) in keys.iter().enumerate() {
        fields.push(Field::new(*key, DataType::Utf8, true));
        cols.push(Arc::new(StringArray::from_iter(
            rows.iter().map(|r| r.1[i]),
        )));
    }
    fields.push(Field::new("bucket", DataType::Int64, true));
    fields.push(Field::new("count", DataType::Int64, false));
    cols.push(Arc::new(Int64Array::from_iter_values(
        rows.iter().map(|r| r.2),
    )));
    cols.push(Arc::new(Int64Array::from_iter_values(
        rows.iter().map(|r| r.3),
    )));
    result(fields, cols)
}

fn result(fields: Vec<Field>, cols: Vec<ArrayRef>) -> Result<QueryResult> {
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), cols)?;
    Ok(QueryResult {
        schema,
        batches: vec![batch],
    })
}

/// The rows of a filter on a string column in this batch: None when no filter ('').
/// Some(None) when the value does not occur (no row matches).
fn filter(value: &str, names: &Interner) -> Option<Option<u32>> {
    (!value.is_empty()).then(|| names.find(value))
}

/// One core's biolatency state.
#[derive(Default)]
struct BioLat {
    disks: Interner,
    labels: Interner,
    hists: KeyedHists,
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
    let names = &names;
    let parts = map_batches(
        capture,
        block_io()?,
        names,
        end,
        BioLat::default,
        |acc, b| {
            let done = values::<UInt64Type>(col(b, names, "ts_complete_ns")?)?;
            let issue = values::<UInt64Type>(col(b, names, "ts_issue_ns")?)?;
            let insert = if queued {
                Some(col(b, names, "ts_insert_ns")?.as_primitive::<UInt64Type>())
            } else {
                None
            };
            let disks = if names.contains(&"disk") {
                dict_ids(col(b, names, "disk")?, |s| acc.disks.id(s))?
            } else {
                Vec::new()
            };
            // Flags are grouped by their label, which several rwbs strings can share.
            let flags = if per_flag {
                dict_ids(col(b, names, "rwbs")?, |s| {
                    acc.labels.id(&bio_flags_label(s))
                })?
            } else {
                Vec::new()
            };
            let only_disk = filter(&disk, &acc.disks);
            if only_disk == Some(None) {
                return Ok(());
            }
            for i in 0..done.len() {
                let t = done[i];
                if t < start || t >= end {
                    continue;
                }
                if only_disk.is_some_and(|d| Some(disks[i]) != d) {
                    continue;
                }
                let base = match insert {
                    Some(a) if a.is_valid(i) => a.value(i),
                    _ => issue[i],
                };
                let lat = (t as i64 - base as i64).max(0) / unit;
                let k1 = if per_disk { disks[i] } else { NONE };
                let k2 = if per_flag { flags[i] } else { NONE };
                acc.hists.add(
                    ((t - start) / interval, k1, k2),
                    log2_bucket(lat as u64) as usize,
                );
            }
            Ok(())
        },
    )?;
    let mut all = Merged::new();
    for part in parts {
        merge_into(&mut all, part.hists, &part.disks, &part.labels);
    }
    hist_result(&all, &["disk", "flags"])
}

/// One core's bitesize state.
#[derive(Default)]
struct BiteSize {
    comms: Interner,
    disks: Interner,
    hists: KeyedHists,
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
    let names = &names;
    let parts = map_batches(
        capture,
        block_io()?,
        names,
        end,
        BiteSize::default,
        |acc, b| {
            let done = values::<UInt64Type>(col(b, names, "ts_complete_ns")?)?;
            let bytes = values::<UInt32Type>(col(b, names, "bytes")?)?;
            let comms = dict_ids(col(b, names, "comm")?, |s| acc.comms.id(s))?;
            let disks = if disk.is_empty() {
                Vec::new()
            } else {
                dict_ids(col(b, names, "disk")?, |s| acc.disks.id(s))?
            };
            let (only_comm, only_disk) = (filter(&comm, &acc.comms), filter(&disk, &acc.disks));
            if only_comm == Some(None) || only_disk == Some(None) {
                return Ok(());
            }
            for i in 0..done.len() {
                let t = done[i];
                if t < start || t >= end {
                    continue;
                }
                if only_comm.is_some_and(|c| Some(comms[i]) != c)
                    || only_disk.is_some_and(|d| Some(disks[i]) != d)
                {
                    continue;
                }
                let slot = log2_bucket(u64::from(bytes[i] / 1024)) as usize;
                acc.hists
                    .add(((t - start) / interval, comms[i], NONE), slot);
            }
            Ok(())
        },
    )?;
    let mut all = Merged::new();
    let none = Interner::default();
    for part in parts {
        merge_into(&mut all, part.hists, &part.comms, &none);
    }
    hist_result(&all, &["comm"])
}

/// One biotop group: requests, bytes and summed latency.
#[derive(Default, Clone, Copy)]
struct Top {
    io: i64,
    bytes: i64,
    lat_ns: f64,
}

impl Top {
    fn add(&mut self, o: Top) {
        self.io += o.io;
        self.bytes += o.bytes;
        // Latencies are whole nanoseconds: their sum is exact in f64 below 2^53 ns
        // (104 days), whatever the order of additions.
        self.lat_ns += o.lat_ns;
    }
}

/// (interval, pid, comm, write, maj, min, disk), strings as ids.
type TopKey = (u64, u32, u32, bool, u32, u32, u32);

/// One core's biotop state.
#[derive(Default)]
struct BioTop {
    comms: Interner,
    disks: Interner,
    groups: foldhash::HashMap<TopKey, Top>,
}

/// `queries/biotop.sql`.
pub fn biotop(capture: &Capture, p: &Params) -> Result<QueryResult> {
    let (start, end) = (p.u64("start_ns")?, p.u64("end_ns")?);
    let interval = p.u64("interval_ns")?.max(1);
    let limit = p.u64("rows")?;
    let names = &[
        "ts_complete_ns",
        "ts_issue_ns",
        "pid",
        "comm",
        "rwbs",
        "dev_major",
        "dev_minor",
        "disk",
        "bytes",
    ];
    let parts = map_batches(
        capture,
        block_io()?,
        names,
        end,
        BioTop::default,
        |acc, b| {
            let done = values::<UInt64Type>(col(b, names, "ts_complete_ns")?)?;
            let issue = values::<UInt64Type>(col(b, names, "ts_issue_ns")?)?;
            let pid = values::<UInt32Type>(col(b, names, "pid")?)?;
            let maj = values::<UInt32Type>(col(b, names, "dev_major")?)?;
            let min = values::<UInt32Type>(col(b, names, "dev_minor")?)?;
            let bytes = values::<UInt32Type>(col(b, names, "bytes")?)?;
            let comms = dict_ids(col(b, names, "comm")?, |s| acc.comms.id(s))?;
            let disks = dict_ids(col(b, names, "disk")?, |s| acc.disks.id(s))?;
            // biotop's direction: W for writes (also after a flush), R for everything else.
            let write = dict_ids(col(b, names, "rwbs")?, |r| {
                u32::from(r.starts_with('W') || r.starts_with("FW"))
            })?;
            for i in 0..done.len() {
                let t = done[i];
                if t < start || t >= end {
                    continue;
                }
                let k = (
                    (t - start) / interval,
                    pid[i],
                    comms[i],
                    write[i] == 1,
                    maj[i],
                    min[i],
                    disks[i],
                );
                acc.groups.entry(k).or_default().add(Top {
                    io: 1,
                    bytes: i64::from(bytes[i]),
                    lat_ns: (t as i64 - issue[i] as i64) as f64,
                });
            }
            Ok(())
        },
    )?;
    // Merge the cores' groups by name.
    type Named = (u64, u32, Name, bool, u32, u32, Name);
    let mut groups: HashMap<Named, Top> = HashMap::new();
    for part in parts {
        for (k, t) in part.groups {
            let named = (
                k.0,
                k.1,
                name(&part.comms, k.2),
                k.3,
                k.4,
                k.5,
                name(&part.disks, k.6),
            );
            groups.entry(named).or_default().add(t);
        }
    }
    // Ranked as the SQL's row_number(): bytes desc, io desc, pid, comm, maj, min, d
    // (null strings last in ascending order).
    let mut ranked: Vec<(Named, Top)> = groups.into_iter().collect();
    ranked.sort_by(|(a, ta), (b, tb)| {
        a.0.cmp(&b.0)
            .then(tb.bytes.cmp(&ta.bytes))
            .then(tb.io.cmp(&ta.io))
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then(a.4.cmp(&b.4))
            .then(a.5.cmp(&b.5))
            .then(a.3.cmp(&b.3))
            .then(a.6.cmp(&b.6))
    });
    let mut kept = Vec::new();
    let mut rank = 0u64;
    let mut last_interval = None;
    for (k, t) in ranked {
        if last_interval != Some(k.0) {
            last_interval = Some(k.0);
            rank = 0;
        }
        rank += 1;
        if rank <= limit {
            kept.push((k, t));
        }
    }
    result(
        vec![
            Field::new("interval_index", DataType::UInt64, true),
            Field::new("pid", DataType::UInt32, true),
            Field::new("comm", DataType::Utf8, true),
            Field::new("d", DataType::Utf8, false),
            Field::new("maj", DataType::UInt32, true),
            Field::new("min", DataType::UInt32, true),
            Field::new("disk", DataType::Utf8, true),
            Field::new("io", DataType::Int64, false),
            Field::new("bytes", DataType::Int64, true),
            Field::new("kbytes", DataType::Int64, true),
            Field::new("avg_ms", DataType::Float64, true),
        ],
        vec![
            Arc::new(UInt64Array::from_iter_values(kept.iter().map(|r| r.0 .0))),
            Arc::new(UInt32Array::from_iter_values(kept.iter().map(|r| r.0 .1))),
            Arc::new(StringArray::from_iter(
                kept.iter().map(|r| r.0 .2 .1.as_deref()),
            )),
            Arc::new(StringArray::from_iter_values(kept.iter().map(|r| {
                if r.0 .3 {
                    "W"
                } else {
                    "R"
                }
            }))),
            Arc::new(UInt32Array::from_iter_values(kept.iter().map(|r| r.0 .4))),
            Arc::new(UInt32Array::from_iter_values(kept.iter().map(|r| r.0 .5))),
            Arc::new(StringArray::from_iter(
                kept.iter().map(|r| r.0 .6 .1.as_deref()),
            )),
            Arc::new(Int64Array::from_iter_values(kept.iter().map(|r| r.1.io))),
            Arc::new(Int64Array::from_iter_values(kept.iter().map(|r| r.1.bytes))),
            Arc::new(Int64Array::from_iter_values(
                kept.iter().map(|r| r.1.bytes / 1024),
            )),
            Arc::new(Float64Array::from_iter_values(
                kept.iter().map(|r| r.1.lat_ns / r.1.io as f64 / 1e6),
            )),
        ],
    )
}
