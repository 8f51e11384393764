//! The rows of the views runq_wait, oncpu_run and offcpu_run computed natively, by the
//! same pairs the tools walk ([`super::pairs`]): tests compare them with the SQL views'
//! rows, which ties the native tools to the views their SQL reads. Rows come ordered
//! by (ts_ns, tid); the columns are the views', in their order and types.

use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray, UInt32Array, UInt64Array};
use arrow::datatypes::{DataType, Field, Schema};

use super::events::{cpu_threads, runq_threads, wakeups, Switches};
use super::pairs::{offcpu_runs, oncpu_runs, runq_waits};
use super::threads::{Ev, Threads};
use crate::capture::Capture;
use crate::error::Result;
use crate::session::QueryResult;

/// Every column a view may need.
const ALL: &[&str] = &[
    "prev_state",
    "cpu",
    "prev_pid",
    "next_pid",
    "prev_comm",
    "next_comm",
];

/// Pairs of every thread: (tid, start event, end event), by (end ts, tid).
fn pairs_of(th: &Threads, pairs: impl Fn(&[Ev]) -> Vec<(Ev, Ev)> + Sync) -> Vec<(u32, Ev, Ev)> {
    let parts = th.par_map(
        |tid, seq, out: &mut Vec<(u32, Ev, Ev)>| {
            out.extend(pairs(seq).into_iter().map(|(a, b)| (tid, a, b)));
        },
        Vec::new,
    );
    let mut all: Vec<_> = parts.into_iter().flatten().collect();
    all.sort_unstable_by_key(|(tid, _, e)| (e.ts(), *tid));
    all
}

fn result(fields: Vec<(&str, DataType)>, cols: Vec<ArrayRef>) -> Result<QueryResult> {
    let schema = Arc::new(Schema::new(
        fields
            .into_iter()
            .map(|(n, t)| Field::new(n, t, true))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(schema.clone(), cols)?;
    Ok(QueryResult {
        schema,
        batches: vec![batch],
    })
}

/// Column `v` at the switch rows `rows`.
fn at(v: &[u32], rows: &[u32]) -> ArrayRef {
    Arc::new(UInt32Array::from_iter_values(
        rows.iter().map(|r| v[*r as usize]),
    ))
}

/// queries/views/runq_wait.sql.
pub fn runq_wait(capture: &Capture) -> Result<QueryResult> {
    let sw = Switches::read(capture, u64::MAX, ALL)?;
    let wk = wakeups(capture, u64::MAX)?;
    let th = runq_threads(&sw, &wk, u64::MAX)?;
    let waits = pairs_of(&th, |seq| runq_waits(seq).collect());
    let rows: Vec<u32> = waits.iter().map(|w| w.2.row).collect();
    let strings = |c: &str| -> Result<ArrayRef> {
        let v = if rows.is_empty() {
            Vec::new()
        } else {
            sw.strings(c, &rows)?
        };
        Ok(Arc::new(StringArray::from(v)))
    };
    result(
        vec![
            ("ts_ns", DataType::UInt64),
            ("enqueue_ns", DataType::UInt64),
            ("wait_ns", DataType::Int64),
            ("cpu", DataType::UInt32),
            ("tid", DataType::UInt32),
            ("pid", DataType::UInt32),
            ("comm", DataType::Utf8),
            ("prev_tid", DataType::UInt32),
            ("prev_pid", DataType::UInt32),
            ("prev_comm", DataType::Utf8),
        ],
        vec![
            Arc::new(UInt64Array::from_iter_values(
                waits.iter().map(|w| w.2.ts()),
            )),
            Arc::new(UInt64Array::from_iter_values(
                waits.iter().map(|w| w.1.ts()),
            )),
            Arc::new(Int64Array::from_iter_values(
                waits.iter().map(|w| (w.2.ts() - w.1.ts()) as i64),
            )),
            at(&sw.cpu, &rows),
            Arc::new(UInt32Array::from_iter_values(waits.iter().map(|w| w.0))),
            at(&sw.next_pid, &rows),
            strings("next_comm")?,
            at(&sw.prev_tid, &rows),
            at(&sw.prev_pid, &rows),
            strings("prev_comm")?,
        ],
    )
}

/// queries/views/oncpu_run.sql.
pub fn oncpu_run(capture: &Capture) -> Result<QueryResult> {
    let sw = Switches::read(capture, u64::MAX, ALL)?;
    let th = cpu_threads(&sw, u64::MAX)?;
    let runs = pairs_of(&th, |seq| oncpu_runs(seq, &sw).collect());
    // A run's end is its switch-out: the thread is that row's prev.
    let ends: Vec<u32> = runs.iter().map(|r| r.2.row).collect();
    let comm = if ends.is_empty() {
        Vec::new()
    } else {
        sw.strings("prev_comm", &ends)?
    };
    result(
        vec![
            ("ts_ns", DataType::UInt64),
            ("start_ns", DataType::UInt64),
            ("run_ns", DataType::Int64),
            ("cpu", DataType::UInt32),
            ("tid", DataType::UInt32),
            ("pid", DataType::UInt32),
            ("comm", DataType::Utf8),
        ],
        vec![
            Arc::new(UInt64Array::from_iter_values(runs.iter().map(|r| r.2.ts()))),
            Arc::new(UInt64Array::from_iter_values(runs.iter().map(|r| r.1.ts()))),
            Arc::new(Int64Array::from_iter_values(
                runs.iter().map(|r| (r.2.ts() - r.1.ts()) as i64),
            )),
            at(&sw.cpu, &ends),
            Arc::new(UInt32Array::from_iter_values(runs.iter().map(|r| r.0))),
            at(&sw.prev_pid, &ends),
            Arc::new(StringArray::from(comm)),
        ],
    )
}

/// queries/views/offcpu_run.sql.
pub fn offcpu_run(capture: &Capture) -> Result<QueryResult> {
    let sw = Switches::read(capture, u64::MAX, ALL)?;
    let th = cpu_threads(&sw, u64::MAX)?;
    let runs = pairs_of(&th, |seq| offcpu_runs(seq).collect());
    // The end is a switch-in (the thread is that row's next), the start a switch-out.
    let ends: Vec<u32> = runs.iter().map(|r| r.2.row).collect();
    let starts: Vec<u32> = runs.iter().map(|r| r.1.row).collect();
    let comm = if ends.is_empty() {
        Vec::new()
    } else {
        sw.strings("next_comm", &ends)?
    };
    result(
        vec![
            ("ts_ns", DataType::UInt64),
            ("start_ns", DataType::UInt64),
            ("off_ns", DataType::Int64),
            ("cpu", DataType::UInt32),
            ("prev_cpu", DataType::UInt32),
            ("tid", DataType::UInt32),
            ("pid", DataType::UInt32),
            ("comm", DataType::Utf8),
        ],
        vec![
            Arc::new(UInt64Array::from_iter_values(runs.iter().map(|r| r.2.ts()))),
            Arc::new(UInt64Array::from_iter_values(runs.iter().map(|r| r.1.ts()))),
            Arc::new(Int64Array::from_iter_values(
                runs.iter().map(|r| (r.2.ts() - r.1.ts()) as i64),
            )),
            at(&sw.cpu, &ends),
            at(&sw.cpu, &starts),
            Arc::new(UInt32Array::from_iter_values(runs.iter().map(|r| r.0))),
            at(&sw.next_pid, &ends),
            Arc::new(StringArray::from(comm)),
        ],
    )
}
