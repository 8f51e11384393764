//! runqlat, cpudist and runqslower without a query engine. Their SQL pairs each
//! thread's scheduler events with `lag() OVER (PARTITION BY tid ORDER BY ts_ns,
//! kind)`; a general engine sorts every event by (tid, time) for that, which is most
//! of its time. Here the events go into one sequence per thread, already in time order
//! because each table is written in time order (a sequence that is not gets sorted),
//! and one walk per thread finds the same pairs. Same parameters, same rows, same
//! order as `queries/{runqlat,cpudist,runqslower}.sql` (a test runs both on the
//! fixtures and compares).

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, UInt32Array, UInt64Array,
};
use arrow::datatypes::{DataType, Field, Schema, UInt32Type, UInt64Type};

use super::read::{read, Columns};
use crate::capture::Capture;
use crate::error::{Error, Result};
use crate::session::{Params, QueryResult};
use crate::udf::log2_bucket;

/// One scheduler event of a thread: `key` is ts_ns * 2 + kind, so that sorting by it
/// is `ORDER BY ts_ns, kind`; `row` is the sched_switch row it came from (NO_ROW for a
/// wakeup).
#[derive(Clone, Copy)]
struct Ev {
    key: u64,
    row: u32,
}

const NO_ROW: u32 = u32::MAX;

impl Ev {
    fn ts(self) -> u64 {
        self.key >> 1
    }
    fn kind(self) -> u64 {
        self.key & 1
    }
}

/// Thread ids above this are not from Linux (PID_MAX_LIMIT is 2^22): such captures
/// take the SQL path.
const MAX_TID: u32 = 1 << 24;

/// Every thread's events, each sequence in key order, in one flat array: thread `i`
/// (id `tids[i]`) owns `evs[starts[i]..starts[i + 1]]`. Built in two passes over the
/// same events (count, then place), so that each event is written once and no
/// per-thread vector grows.
struct Threads {
    tids: Vec<u32>,
    starts: Vec<usize>,
    evs: Vec<Ev>,
}

impl Threads {
    /// `events(f)` must call `f(tid, event)` for every event, the same way each time it
    /// is called.
    fn build(events: impl Fn(&mut dyn FnMut(u32, Ev)) -> Result<()>) -> Result<Threads> {
        // Pass 1: a dense slot per thread id and its count.
        let mut slot: Vec<u32> = Vec::new();
        let mut tids = Vec::new();
        let mut counts: Vec<usize> = Vec::new();
        let mut too_big = None;
        events(&mut |tid, _| {
            if tid >= MAX_TID {
                too_big = Some(tid);
                return;
            }
            let t = tid as usize;
            if t >= slot.len() {
                slot.resize((t + 1).next_power_of_two(), u32::MAX);
            }
            if slot[t] == u32::MAX {
                slot[t] = tids.len() as u32;
                tids.push(tid);
                counts.push(0);
            }
            counts[slot[t] as usize] += 1;
        })?;
        if let Some(tid) = too_big {
            return Err(Error::Usage(format!("thread id {tid} out of range")));
        }
        let mut starts = Vec::with_capacity(counts.len() + 1);
        let mut total = 0;
        for c in &counts {
            starts.push(total);
            total += c;
        }
        starts.push(total);
        // Pass 2: place each event at its thread's next free index.
        let mut fill = starts.clone();
        let mut evs = vec![Ev { key: 0, row: 0 }; total];
        events(&mut |tid, ev| {
            if let Some(&s) = slot.get(tid as usize) {
                if s != u32::MAX {
                    let f = &mut fill[s as usize];
                    evs[*f] = ev;
                    *f += 1;
                }
            }
        })?;
        let mut th = Threads { tids, starts, evs };
        th.sort_unordered();
        Ok(th)
    }

    /// Sort the sequences that did not arrive in order (a stable sort: equal keys keep
    /// their arrival order).
    fn sort_unordered(&mut self) {
        for w in self.starts.windows(2) {
            let seq = &mut self.evs[w[0]..w[1]];
            if !seq.is_sorted_by_key(|e| e.key) {
                seq.sort_by_key(|e| e.key);
            }
        }
    }

    /// Run `f` over every thread (tid, events) on all cores; the per-core results come
    /// back in a Vec for the caller to merge.
    fn par_map<A: Send>(
        &self,
        f: impl Fn(u32, &[Ev], &mut A) + Sync,
        init: impl Fn() -> A + Sync,
    ) -> Vec<A> {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        // Split by events, not threads: one busy thread can hold most of them.
        let per = self.evs.len().div_ceil(workers).max(1);
        let mut bounds = vec![0];
        for (i, s) in self.starts.iter().enumerate().skip(1) {
            if *s >= per * bounds.len() && i < self.tids.len() {
                bounds.push(i);
            }
        }
        bounds.push(self.tids.len());
        std::thread::scope(|s| {
            let handles: Vec<_> = bounds
                .windows(2)
                .map(|b| {
                    let (f, init) = (&f, &init);
                    let (lo, hi) = (b[0], b[1]);
                    s.spawn(move || {
                        let mut acc = init();
                        for i in lo..hi {
                            let seq = &self.evs[self.starts[i]..self.starts[i + 1]];
                            f(self.tids[i], seq, &mut acc);
                        }
                        acc
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("worker panicked"))
                .collect()
        })
    }
}

fn key(ts: u64, kind: u64) -> Result<u64> {
    if ts >= 1 << 63 {
        return Err(Error::Usage(format!("timestamp {ts} out of range")));
    }
    Ok(ts << 1 | kind)
}

/// The sched_switch columns a tool reads.
struct Switches {
    ts: Vec<u64>,
    prev_tid: Vec<u32>,
    next_tid: Vec<u32>,
    prev_state: Vec<u32>,
    cpu: Vec<u32>,
    prev_pid: Vec<u32>,
    next_pid: Vec<u32>,
    cols: Columns,
}

impl Switches {
    fn read(capture: &Capture, end_ns: u64, want: &[&str]) -> Result<Switches> {
        let table = retrace_schema::table("sched_switch")
            .ok_or_else(|| Error::Usage("no sched_switch table".into()))?;
        let mut names = vec!["ts_ns", "prev_tid", "next_tid"];
        names.extend(want.iter().copied());
        let cols = read(capture, table, &names, end_ns)?;
        if cols.rows() >= NO_ROW as usize {
            return Err(Error::Usage("too many sched_switch rows".into()));
        }
        let u32s = |name: &str| -> Result<Vec<u32>> {
            if names.contains(&name) {
                cols.primitive::<UInt32Type>(name)
            } else {
                Ok(Vec::new())
            }
        };
        let mut sw = Switches {
            ts: cols.primitive::<UInt64Type>("ts_ns")?,
            prev_tid: u32s("prev_tid")?,
            next_tid: u32s("next_tid")?,
            prev_state: u32s("prev_state")?,
            cpu: u32s("cpu")?,
            prev_pid: u32s("prev_pid")?,
            next_pid: u32s("next_pid")?,
            cols,
        };
        // Only the strings are read from the batches from now on.
        sw.cols.retain(&["prev_comm", "next_comm"])?;
        Ok(sw)
    }

    /// Strings of `column` at `rows`.
    fn strings(&self, column: &str, rows: &[u32]) -> Result<Vec<Option<String>>> {
        self.cols.strings_at(column, rows)
    }
}

/// The wakeups' (ts_ns, tid), every sched_wakeup row.
fn wakeups(capture: &Capture, end_ns: u64) -> Result<(Vec<u64>, Vec<u32>)> {
    let table = retrace_schema::table("sched_wakeup")
        .ok_or_else(|| Error::Usage("no sched_wakeup table".into()))?;
    let cols = read(capture, table, &["ts_ns", "tid"], end_ns)?;
    Ok((
        cols.primitive::<UInt64Type>("ts_ns")?,
        cols.primitive::<UInt32Type>("tid")?,
    ))
}

/// Run-queue events per thread, as runqlat.sql's `events`: kind 0 when the thread
/// enters a run queue (woken, or switched out still runnable), kind 1 when it is
/// switched in. The two tables are merged by time so that sequences arrive in order.
fn runq_threads(sw: &Switches, wk: &(Vec<u64>, Vec<u32>), end_ns: u64) -> Result<Threads> {
    let (wts, wtid) = wk;
    Threads::build(|f| {
        let mut j = 0;
        let mut wakeups_until = |f: &mut dyn FnMut(u32, Ev), until: u64| -> Result<()> {
            while j < wts.len() && wts[j] <= until {
                if wts[j] < end_ns && wtid[j] != 0 {
                    f(
                        wtid[j],
                        Ev {
                            key: key(wts[j], 0)?,
                            row: NO_ROW,
                        },
                    );
                }
                j += 1;
            }
            Ok(())
        };
        for i in 0..sw.ts.len() {
            let ts = sw.ts[i];
            wakeups_until(f, ts)?;
            if ts >= end_ns {
                continue;
            }
            if sw.prev_state[i] == 0 && sw.prev_tid[i] != 0 {
                f(
                    sw.prev_tid[i],
                    Ev {
                        key: key(ts, 0)?,
                        row: i as u32,
                    },
                );
            }
            if sw.next_tid[i] != 0 {
                f(
                    sw.next_tid[i],
                    Ev {
                        key: key(ts, 1)?,
                        row: i as u32,
                    },
                );
            }
        }
        wakeups_until(f, u64::MAX)
    })
}

/// On/off-CPU events per thread, as cpudist.sql's `events`: 1 switched in, 0
/// switched out.
fn cpu_threads(sw: &Switches, end_ns: u64) -> Result<Threads> {
    Threads::build(|f| {
        for i in 0..sw.ts.len() {
            let ts = sw.ts[i];
            if ts >= end_ns {
                continue;
            }
            if sw.next_tid[i] != 0 {
                f(
                    sw.next_tid[i],
                    Ev {
                        key: key(ts, 1)?,
                        row: i as u32,
                    },
                );
            }
            if sw.prev_tid[i] != 0 {
                f(
                    sw.prev_tid[i],
                    Ev {
                        key: key(ts, 0)?,
                        row: i as u32,
                    },
                );
            }
        }
        Ok(())
    })
}

/// The histogram options of runqlat.sql and cpudist.sql.
struct HistParams {
    start_ns: u64,
    end_ns: u64,
    interval_ns: u64,
    unit_ns: i64,
    per_process: bool,
    per_thread: bool,
    pid: i64,
}

impl HistParams {
    fn from(p: &Params) -> Result<HistParams> {
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

    fn needs_pid(&self) -> bool {
        self.per_process || self.pid >= 0
    }

    /// The section of a duration ended by thread `tid` of process `pid` (-1 when pids
    /// were not read): None when `-p` excludes it, else the SQL's `id` (pid with -P, tid
    /// with -L, null otherwise).
    fn section_id(&self, pid: i64, tid: u32) -> Option<Option<i64>> {
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
struct Hists {
    slots: HashMap<HistKey, [u64; 64]>,
    first: HashMap<Option<i64>, (u64, u32)>,
    /// The key being counted, its slots and its earliest event: one thread's
    /// durations mostly share a key, so the maps are touched once per run of them.
    cur: Option<(HistKey, [u64; 64], (u64, u32))>,
}

impl Hists {
    /// Count one duration that ended at `ts` (switch row `row`) for `id`.
    fn add(&mut self, hp: &HistParams, ts: u64, dur_ns: i64, id: Option<i64>, row: u32) {
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

    fn merge(parts: Vec<Hists>) -> Hists {
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
    fn into_result(self, hp: &HistParams, sw: &Switches, comm_column: &str) -> Result<QueryResult> {
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
            for w in seq.windows(2) {
                let (prev, e) = (w[0], w[1]);
                if e.kind() != 1 || prev.kind() != 0 || e.ts() < hp.start_ns {
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
            for w in seq.windows(2) {
                let (prev, e) = (w[0], w[1]);
                if e.ts() < hp.start_ns {
                    continue;
                }
                let r = e.row as usize;
                let ends = if offcpu {
                    e.kind() == 1 && prev.kind() == 0
                } else {
                    e.kind() == 0 && prev.kind() == 1 && sw.cpu[r] == sw.cpu[prev.row as usize]
                };
                if !ends {
                    continue;
                }
                let pid = match (hp.needs_pid(), e.kind()) {
                    (false, _) => -1,
                    (true, 1) => i64::from(sw.next_pid[r]),
                    (true, _) => i64::from(sw.prev_pid[r]),
                };
                let Some(id) = hp.section_id(pid, tid) else {
                    continue;
                };
                h.add(&hp, e.ts(), (e.ts() - prev.ts()) as i64, id, e.row);
            }
        },
        Hists::default,
    );
    let hists = Hists::merge(parts);
    // The comm of a run is that of the row that ended it: the thread switched in
    // (off-CPU time) or out (on-CPU time).
    hists.into_result(&hp, &sw, if offcpu { "next_comm" } else { "prev_comm" })
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
            for w in seq.windows(2) {
                let (prev, e) = (w[0], w[1]);
                if e.kind() != 1 || prev.kind() != 0 || e.ts() < start_ns {
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
