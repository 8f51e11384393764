//! runqlat, cpudist and runqslower: each walks the pairs of the view its SQL reads
//! (runq_wait, oncpu_run / offcpu_run; see [`super::pairs`]), keeps those its window
//! and filters keep, and builds the rows of its SQL, in the same order.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, UInt32Array, UInt64Array,
};
use arrow::datatypes::{DataType, Field, Schema};

use super::events::{cpu_threads, runq_threads, wakeups, Switches, IN};
use super::hist::{HistParams, Hists};
use super::pairs::{offcpu_runs, oncpu_runs, runq_waits};
use super::threads::Ev;
use crate::capture::Capture;
use crate::error::Result;
use crate::session::{Params, QueryResult};

/// `queries/runqlat.sql`.
pub fn runqlat(capture: &Capture, p: &Params) -> Result<QueryResult> {
    let hp = HistParams::from(p)?;
    let mut want = vec!["prev_state"];
    if hp.needs_pid() {
        want.push("next_pid");
    }
    if hp.per_process || hp.per_thread {
        want.push("next_comm");
    }
    let sw = Switches::read(capture, hp.end_ns, &want)?;
    let wk = wakeups(capture, hp.end_ns)?;
    let th = runq_threads(&sw, &wk, hp.end_ns)?;
    let parts = th.par_map(
        |tid, seq, h: &mut Hists| {
            for (prev, e) in runq_waits(seq) {
                if e.ts() < hp.start_ns {
                    continue;
                }
                let r = e.row as usize;
                let pid = if hp.needs_pid() {
                    i64::from(sw.next_pid[r])
                } else {
                    -1
                };
                let Some(id) = hp.section_id(pid, tid) else {
                    continue;
                };
                h.add(&hp, e.ts(), (e.ts() - prev.ts()) as i64, id, e.row);
            }
        },
        Hists::default,
    );
    Hists::merge(parts).into_result(&hp, &sw, "next_comm")
}

/// `queries/cpudist.sql`.
pub fn cpudist(capture: &Capture, p: &Params) -> Result<QueryResult> {
    let hp = HistParams::from(p)?;
    let offcpu = p.bool("offcpu")?;
    let mut want = vec!["cpu"];
    if hp.needs_pid() {
        want.extend(["prev_pid", "next_pid"]);
    }
    if hp.per_process || hp.per_thread {
        want.push(if offcpu { "next_comm" } else { "prev_comm" });
    }
    let sw = Switches::read(capture, hp.end_ns, &want)?;
    let th = cpu_threads(&sw, hp.end_ns)?;
    let parts = th.par_map(
        |tid, seq, h: &mut Hists| {
            if offcpu {
                count_runs(&hp, &sw, tid, offcpu_runs(seq), h);
            } else {
                count_runs(&hp, &sw, tid, oncpu_runs(seq, &sw), h);
            }
        },
        Hists::default,
    );
    let hists = Hists::merge(parts);
    // The comm of a run is that of the row that ended it: the thread switched in
    // (off-CPU time) or out (on-CPU time).
    hists.into_result(&hp, &sw, if offcpu { "next_comm" } else { "prev_comm" })
}

/// Count cpudist's runs of thread `tid` that end in the window, each in the section of
/// the row that ended it: the thread switched in (off-CPU time) or out (on-CPU time).
fn count_runs(
    hp: &HistParams,
    sw: &Switches,
    tid: u32,
    runs: impl Iterator<Item = (Ev, Ev)>,
    h: &mut Hists,
) {
    for (prev, e) in runs {
        if e.ts() < hp.start_ns {
            continue;
        }
        let r = e.row as usize;
        let pid = match (hp.needs_pid(), e.kind()) {
            (false, _) => -1,
            (true, IN) => i64::from(sw.next_pid[r]),
            (true, _) => i64::from(sw.prev_pid[r]),
        };
        if let Some(id) = hp.section_id(pid, tid) {
            h.add(hp, e.ts(), (e.ts() - prev.ts()) as i64, id, e.row);
        }
    }
}

/// One wait above the threshold: (switch-in ts, enqueue ts, switch row, tid).
type Slow = (u64, u64, u32, u32);

/// `queries/runqslower.sql`.
pub fn runqslower(capture: &Capture, p: &Params) -> Result<QueryResult> {
    let start_ns = p.u64("start_ns")?;
    let end_ns = p.u64("end_ns")?;
    let capture_start = p.u64("capture_start_ns")? as i64;
    let min_us = i64::try_from(p.int("min_us")?).unwrap_or(i64::MAX);
    let pid = i64::try_from(p.int("pid")?).unwrap_or(-1);
    let tid_filter = i64::try_from(p.int("tid")?).unwrap_or(-1);
    let sw = Switches::read(
        capture,
        end_ns,
        &[
            "prev_state",
            "cpu",
            "prev_pid",
            "next_pid",
            "prev_comm",
            "next_comm",
        ],
    )?;
    let wk = wakeups(capture, end_ns)?;
    let th = runq_threads(&sw, &wk, end_ns)?;
    let parts = th.par_map(
        |tid, seq, out: &mut Vec<Slow>| {
            if tid_filter >= 0 && i64::from(tid) != tid_filter {
                return;
            }
            for (prev, e) in runq_waits(seq) {
                if e.ts() < start_ns {
                    continue;
                }
                let lat_us = (e.ts() - prev.ts()) as i64 / 1000;
                if lat_us <= min_us {
                    continue;
                }
                if pid >= 0 && i64::from(sw.next_pid[e.row as usize]) != pid {
                    continue;
                }
                out.push((e.ts(), prev.ts(), e.row, tid));
            }
        },
        Vec::new,
    );
    let mut slow: Vec<Slow> = parts.into_iter().flatten().collect();
    slow.sort_unstable_by_key(|s| (s.0, sw.cpu[s.2 as usize], s.3));
    let rows: Vec<u32> = slow.iter().map(|s| s.2).collect();
    let (comm, prev_comm) = if rows.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        (
            sw.strings("next_comm", &rows)?,
            sw.strings("prev_comm", &rows)?,
        )
    };
    let at = |v: &Vec<u32>| -> Vec<u32> { rows.iter().map(|r| v[*r as usize]).collect() };
    let schema = Arc::new(Schema::new(vec![
        Field::new("ts_ns", DataType::UInt64, true),
        Field::new("time_s", DataType::Float64, true),
        Field::new("cpu", DataType::UInt32, true),
        Field::new("comm", DataType::Utf8, true),
        Field::new("tid", DataType::UInt32, true),
        Field::new("pid", DataType::UInt32, true),
        Field::new("lat_us", DataType::Int64, true),
        Field::new("prev_comm", DataType::Utf8, true),
        Field::new("prev_tid", DataType::UInt32, true),
        Field::new("prev_pid", DataType::UInt32, true),
    ]));
    let cols: Vec<ArrayRef> = vec![
        Arc::new(UInt64Array::from_iter_values(slow.iter().map(|s| s.0))),
        Arc::new(Float64Array::from_iter_values(
            slow.iter()
                .map(|s| (s.0 as i64 - capture_start) as f64 / 1e9),
        )),
        Arc::new(UInt32Array::from(at(&sw.cpu))),
        Arc::new(StringArray::from(comm)),
        Arc::new(UInt32Array::from_iter_values(slow.iter().map(|s| s.3))),
        Arc::new(UInt32Array::from(at(&sw.next_pid))),
        Arc::new(Int64Array::from_iter_values(
            slow.iter().map(|s| (s.0 - s.1) as i64 / 1000),
        )),
        Arc::new(StringArray::from(prev_comm)),
        Arc::new(UInt32Array::from(at(&sw.prev_tid))),
        Arc::new(UInt32Array::from(at(&sw.prev_pid))),
    ];
    let batch = RecordBatch::try_new(schema.clone(), cols)?;
    Ok(QueryResult {
        schema,
        batches: vec![batch],
    })
}
