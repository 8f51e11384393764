//! The log2 histograms of runqlat and cpudist: their options (`-p`, `-P`, `-L`,
//! units, the window and intervals), the counting of durations per (interval, section)
//! on each core, and the rows of their SQL (`interval_index, id, comm, bucket, count`,
//! in its order).

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray, UInt64Array};
use arrow::datatypes::{DataType, Field, Schema};

use super::events::Switches;
use crate::error::Result;
use crate::session::{Params, QueryResult};
use crate::udf::log2_bucket;

/// The histogram options of runqlat.sql and cpudist.sql.
pub struct HistParams {
    pub start_ns: u64,
    pub end_ns: u64,
    pub interval_ns: u64,
    pub unit_ns: i64,
    pub per_process: bool,
    pub per_thread: bool,
    pub pid: i64,
}

impl HistParams {
    pub fn from(p: &Params) -> Result<HistParams> {
        Ok(HistParams {
            start_ns: p.u64("start_ns")?,
            end_ns: p.u64("end_ns")?,
            interval_ns: p.u64("interval_ns")?.max(1),
            unit_ns: i64::try_from(p.u64("unit_ns")?.max(1)).unwrap_or(i64::MAX),
            per_process: p.bool("per_process")?,
            per_thread: p.bool("per_thread")?,
            pid: i64::try_from(p.int("pid")?).unwrap_or(-1),
        })
    }

    pub fn needs_pid(&self) -> bool {
        self.per_process || self.pid >= 0
    }

    /// The section of a duration ended by thread `tid` of process `pid` (-1 when pids
    /// were not read): None when `-p` excludes it, else the SQL's `id` (pid with -P, tid
    /// with -L, null otherwise).
    pub fn section_id(&self, pid: i64, tid: u32) -> Option<Option<i64>> {
        if self.pid >= 0 && pid != self.pid {
            return None;
        }
        Some(if self.per_process {
            Some(pid)
        } else if self.per_thread {
            Some(i64::from(tid))
        } else {
            None
        })
    }
}

type HistKey = (u64, Option<i64>);

/// Histograms being filled: per (interval, id) the count per log2 slot, and per id the
/// earliest event counted (for its comm).
#[derive(Default)]
pub struct Hists {
    slots: HashMap<HistKey, [u64; 64]>,
    first: HashMap<Option<i64>, (u64, u32)>,
    /// The key being counted, its slots and its earliest event: one thread's
    /// durations mostly share a key, so the maps are touched once per run of them.
    cur: Option<(HistKey, [u64; 64], (u64, u32))>,
}

impl Hists {
    /// Count one duration that ended at `ts` (switch row `row`) for `id`.
    pub fn add(&mut self, hp: &HistParams, ts: u64, dur_ns: i64, id: Option<i64>, row: u32) {
        let k = ((ts - hp.start_ns) / hp.interval_ns, id);
        let slot = log2_bucket((dur_ns / hp.unit_ns).max(0) as u64) as usize;
        if self.cur.as_ref().is_none_or(|c| c.0 != k) {
            self.flush();
            self.cur = Some((k, [0; 64], (ts, row)));
        }
        if let Some(c) = &mut self.cur {
            c.1[slot] += 1;
            if ts < c.2 .0 {
                c.2 = (ts, row);
            }
        }
    }

    fn flush(&mut self) {
        if let Some((k, counts, first)) = self.cur.take() {
            let e = self.slots.entry(k).or_insert([0; 64]);
            for (a, b) in e.iter_mut().zip(counts) {
                *a += b;
            }
            let f = self.first.entry(k.1).or_insert(first);
            if first.0 < f.0 {
                *f = first;
            }
        }
    }

    pub fn merge(parts: Vec<Hists>) -> Hists {
        let mut all = Hists::default();
        for mut p in parts {
            p.flush();
            for (k, v) in p.slots {
                let e = all.slots.entry(k).or_insert([0; 64]);
                for (a, b) in e.iter_mut().zip(v) {
                    *a += b;
                }
            }
            for (id, f) in p.first {
                let e = all.first.entry(id).or_insert(f);
                if f.0 < e.0 {
                    *e = f;
                }
            }
        }
        all
    }

    /// The rows of the SQL: interval_index, id, comm, bucket, count, ordered by
    /// interval, id (nulls last), bucket.
    pub fn into_result(
        self,
        hp: &HistParams,
        sw: &Switches,
        comm_column: &str,
    ) -> Result<QueryResult> {
        let ids: Vec<Option<i64>> = if hp.per_process || hp.per_thread {
            self.first.keys().copied().collect()
        } else {
            Vec::new()
        };
        let rows: Vec<u32> = ids.iter().map(|id| self.first[id].1).collect();
        let comms: HashMap<Option<i64>, Option<String>> = if rows.is_empty() {
            HashMap::new()
        } else {
            ids.into_iter()
                .zip(sw.strings(comm_column, &rows)?)
                .collect()
        };
        let mut keys: Vec<_> = self.slots.keys().copied().collect();
        keys.sort_by_key(|(interval, id)| (*interval, id.is_none(), *id));
        let (mut iv, mut idv, mut commv, mut bucket, mut count) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for k in keys {
            let comm = comms.get(&k.1).cloned().flatten();
            for (slot, n) in self.slots[&k].iter().enumerate() {
                if *n > 0 {
                    iv.push(k.0);
                    idv.push(k.1);
                    commv.push(comm.clone());
                    bucket.push(slot as i64);
                    count.push(*n as i64);
                }
            }
        }
        let schema = Arc::new(Schema::new(vec![
            Field::new("interval_index", DataType::UInt64, true),
            Field::new("id", DataType::Int64, true),
            Field::new("comm", DataType::Utf8, true),
            Field::new("bucket", DataType::Int64, true),
            Field::new("count", DataType::Int64, false),
        ]));
        let cols: Vec<ArrayRef> = vec![
            Arc::new(UInt64Array::from(iv)),
            Arc::new(Int64Array::from(idv)),
            Arc::new(StringArray::from(commv)),
            Arc::new(Int64Array::from(bucket)),
            Arc::new(Int64Array::from(count)),
        ];
        let batch = RecordBatch::try_new(schema.clone(), cols)?;
        Ok(QueryResult {
            schema,
            batches: vec![batch],
        })
    }
}
