//! Every thread's scheduler events as one sequence per thread in time order: what the
//! SQL views get from `PARTITION BY tid ORDER BY ts_ns, kind`, which a general engine
//! pays for with a sort of every event. Here the events are placed per thread in two
//! passes (already in time order, because each table is written in time order; a
//! sequence that is not gets sorted), and the threads are walked on all cores.

use crate::error::{Error, Result};

/// One scheduler event of a thread: `key` is ts_ns * 2 + kind, so that sorting by it
/// is `ORDER BY ts_ns, kind`; `row` is the sched_switch row it came from (NO_ROW for a
/// wakeup).
#[derive(Clone, Copy)]
pub struct Ev {
    pub key: u64,
    pub row: u32,
}

/// The `row` of an event that is no sched_switch row (a wakeup).
pub const NO_ROW: u32 = u32::MAX;

impl Ev {
    /// An event at `ts` of `kind` (0 or 1), from switch row `row`.
    pub fn new(ts: u64, kind: u64, row: u32) -> Result<Ev> {
        if ts >= 1 << 63 {
            return Err(Error::Data(format!("timestamp {ts} out of range")));
        }
        Ok(Ev {
            key: ts << 1 | kind,
            row,
        })
    }
    pub fn ts(self) -> u64 {
        self.key >> 1
    }
    pub fn kind(self) -> u64 {
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
pub struct Threads {
    tids: Vec<u32>,
    starts: Vec<usize>,
    evs: Vec<Ev>,
}

impl Threads {
    /// `events(f)` must call `f(tid, event)` for every event, the same way each time it
    /// is called.
    pub fn build(events: impl Fn(&mut dyn FnMut(u32, Ev)) -> Result<()>) -> Result<Threads> {
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
            return Err(Error::Data(format!("thread id {tid} out of range")));
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
    pub fn par_map<A: Send>(
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
