//! The scheduler events the views pair, read from the capture and placed per thread:
//! runq_wait's enqueues and switch-ins (queries/views/runq_wait.sql), and
//! thread_switch's switch-ins and switch-outs (queries/views/thread_switch.sql), with
//! the same events left out (the idle task, anything at or after `end_ns`).

use arrow::datatypes::{UInt32Type, UInt64Type};

use super::threads::{Ev, Threads, NO_ROW};
use crate::capture::Capture;
use crate::error::{Error, Result};
use crate::native::read::{read, Columns};

/// The sched_switch columns a tool reads (the numeric ones copied out; those not asked
/// for are empty).
pub struct Switches {
    pub ts: Vec<u64>,
    pub prev_tid: Vec<u32>,
    pub next_tid: Vec<u32>,
    pub prev_state: Vec<u32>,
    pub cpu: Vec<u32>,
    pub prev_pid: Vec<u32>,
    pub next_pid: Vec<u32>,
    cols: Columns,
}

impl Switches {
    /// ts_ns, prev_tid, next_tid and the columns `want` of every switch before
    /// `end_ns` (and perhaps some after: callers skip them).
    pub fn read(capture: &Capture, end_ns: u64, want: &[&str]) -> Result<Switches> {
        let table = retrace_schema::table("sched_switch")
            .ok_or_else(|| Error::Internal("no sched_switch table in the format".into()))?;
        let mut names = vec!["ts_ns", "prev_tid", "next_tid"];
        names.extend(want.iter().copied());
        let cols = read(capture, table, &names, end_ns)?;
        if cols.rows() >= NO_ROW as usize {
            return Err(Error::Data("too many sched_switch rows".into()));
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
    pub fn strings(&self, column: &str, rows: &[u32]) -> Result<Vec<Option<String>>> {
        self.cols.strings_at(column, rows)
    }
}

/// The wakeups' (ts_ns, tid), every sched_wakeup row.
pub fn wakeups(capture: &Capture, end_ns: u64) -> Result<(Vec<u64>, Vec<u32>)> {
    let table = retrace_schema::table("sched_wakeup")
        .ok_or_else(|| Error::Internal("no sched_wakeup table in the format".into()))?;
    let cols = read(capture, table, &["ts_ns", "tid"], end_ns)?;
    Ok((
        cols.primitive::<UInt64Type>("ts_ns")?,
        cols.primitive::<UInt32Type>("tid")?,
    ))
}

/// Kinds of runq_threads' events.
pub const ENQUEUE: u64 = 0;
pub const SWITCH_IN: u64 = 1;

/// Run-queue events per thread, as in runq_wait: ENQUEUE when the thread enters a run
/// queue (woken, or switched out still runnable), SWITCH_IN when it is switched in.
/// The two tables are merged by time so that sequences arrive in order.
pub fn runq_threads(sw: &Switches, wk: &(Vec<u64>, Vec<u32>), end_ns: u64) -> Result<Threads> {
    let (wts, wtid) = wk;
    Threads::build(|f| {
        let mut j = 0;
        let mut wakeups_until = |f: &mut dyn FnMut(u32, Ev), until: u64| -> Result<()> {
            while j < wts.len() && wts[j] <= until {
                if wts[j] < end_ns && wtid[j] != 0 {
                    f(wtid[j], Ev::new(wts[j], ENQUEUE, NO_ROW)?);
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
                f(sw.prev_tid[i], Ev::new(ts, ENQUEUE, i as u32)?);
            }
            if sw.next_tid[i] != 0 {
                f(sw.next_tid[i], Ev::new(ts, SWITCH_IN, i as u32)?);
            }
        }
        wakeups_until(f, u64::MAX)
    })
}

/// Kinds of cpu_threads' events (thread_switch's `is_in`).
pub const OUT: u64 = 0;
pub const IN: u64 = 1;

/// Switch-ins and switch-outs per thread, as in thread_switch.
pub fn cpu_threads(sw: &Switches, end_ns: u64) -> Result<Threads> {
    Threads::build(|f| {
        for i in 0..sw.ts.len() {
            let ts = sw.ts[i];
            if ts >= end_ns {
                continue;
            }
            if sw.next_tid[i] != 0 {
                f(sw.next_tid[i], Ev::new(ts, IN, i as u32)?);
            }
            if sw.prev_tid[i] != 0 {
                f(sw.prev_tid[i], Ev::new(ts, OUT, i as u32)?);
            }
        }
        Ok(())
    })
}
