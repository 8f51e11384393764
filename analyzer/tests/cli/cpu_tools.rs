//! The CPU tools on the `cpu` fixture, each checked against values computed here from
//! the raw rows. The scheduler tools are recomputed the way the live BPF tools work
//! (a map of timestamps per thread, updated event by event in time order), which is a
//! different method from the analyzer's SQL (window functions over per-thread event
//! lists), so agreement means both read the kernel's events the same way.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{Int32Type, Int64Type, UInt32Type, UInt64Type};
use serde_json::{Map, Value};

use crate::support::*;

type JsonRow = Map<String, Value>;

fn cpu_fixture() -> PathBuf {
    fixture().join("../cpu")
}

fn fx() -> String {
    cpu_fixture().to_string_lossy().into_owned()
}

/// Recording start of the cpu fixture (the same clock as `basic`).
const T0: u64 = START_NS;

fn u64s(b: &RecordBatch, name: &str) -> Vec<u64> {
    b.column_by_name(name)
        .unwrap()
        .as_primitive::<UInt64Type>()
        .values()
        .to_vec()
}
fn u32s(b: &RecordBatch, name: &str) -> Vec<u32> {
    b.column_by_name(name)
        .unwrap()
        .as_primitive::<UInt32Type>()
        .values()
        .to_vec()
}
fn i32s(b: &RecordBatch, name: &str) -> Vec<i32> {
    b.column_by_name(name)
        .unwrap()
        .as_primitive::<Int32Type>()
        .values()
        .to_vec()
}
fn i64s(b: &RecordBatch, name: &str) -> Vec<i64> {
    b.column_by_name(name)
        .unwrap()
        .as_primitive::<Int64Type>()
        .values()
        .to_vec()
}
fn strs(b: &RecordBatch, name: &str) -> Vec<String> {
    let c = b.column_by_name(name).unwrap().as_string::<i32>();
    (0..c.len()).map(|i| c.value(i).to_string()).collect()
}
fn bools(b: &RecordBatch, name: &str) -> Vec<bool> {
    let c = b.column_by_name(name).unwrap().as_boolean();
    (0..c.len()).map(|i| c.value(i)).collect()
}

/// A raw scheduler event: a switch or a wakeup.
#[derive(Debug, Clone)]
enum Sched {
    Switch {
        ts: u64,
        cpu: u32,
        prev_tid: u32,
        prev_pid: u32,
        prev_comm: String,
        prev_state: u32,
        next_tid: u32,
        next_pid: u32,
        next_comm: String,
    },
    Wakeup {
        ts: u64,
        tid: u32,
        new: bool,
    },
}

impl Sched {
    /// Time order; at one instant wakeups first (a thread is queued before it can run).
    fn key(&self) -> (u64, u8) {
        match self {
            Sched::Wakeup { ts, .. } => (*ts, 0),
            Sched::Switch { ts, .. } => (*ts, 1),
        }
    }
}

fn sched_events(capture: &Path) -> Vec<Sched> {
    let mut out = Vec::new();
    for b in read_table(capture, "sched_switch") {
        let (ts, cpu) = (u64s(&b, "ts_ns"), u32s(&b, "cpu"));
        let (pt, pp, pc) = (
            u32s(&b, "prev_tid"),
            u32s(&b, "prev_pid"),
            strs(&b, "prev_comm"),
        );
        let ps = u32s(&b, "prev_state");
        let (nt, np, nc) = (
            u32s(&b, "next_tid"),
            u32s(&b, "next_pid"),
            strs(&b, "next_comm"),
        );
        for i in 0..b.num_rows() {
            out.push(Sched::Switch {
                ts: ts[i],
                cpu: cpu[i],
                prev_tid: pt[i],
                prev_pid: pp[i],
                prev_comm: pc[i].clone(),
                prev_state: ps[i],
                next_tid: nt[i],
                next_pid: np[i],
                next_comm: nc[i].clone(),
            });
        }
    }
    for b in read_table(capture, "sched_wakeup") {
        let (ts, tid, new) = (u64s(&b, "ts_ns"), u32s(&b, "tid"), bools(&b, "new"));
        for i in 0..b.num_rows() {
            out.push(Sched::Wakeup {
                ts: ts[i],
                tid: tid[i],
                new: new[i],
            });
        }
    }
    out.sort_by_key(Sched::key);
    out
}

/// One run-queue wait, ending when the thread was switched in.
#[derive(Debug, Clone)]
struct Wait {
    ts: u64,
    cpu: u32,
    tid: u32,
    pid: u32,
    comm: String,
    ns: u64,
    prev_tid: u32,
    prev_comm: String,
}

/// Run-queue waits as libbpf-tools runqlat measures them: a map tid -> enqueue time,
/// set at wakeups and preemptions, taken (and removed) at the switch-in.
fn waits(events: &[Sched]) -> Vec<Wait> {
    let mut start: HashMap<u32, u64> = HashMap::new();
    let mut out = Vec::new();
    for e in events {
        match e {
            Sched::Wakeup { ts, tid, .. } if *tid != 0 => {
                start.insert(*tid, *ts);
            }
            Sched::Wakeup { .. } => {}
            Sched::Switch {
                ts,
                cpu,
                prev_tid,
                prev_comm,
                prev_state,
                next_tid,
                next_pid,
                next_comm,
                ..
            } => {
                if *prev_state == 0 && *prev_tid != 0 {
                    start.insert(*prev_tid, *ts);
                }
                if *next_tid == 0 {
                    continue;
                }
                if let Some(t) = start.remove(next_tid) {
                    out.push(Wait {
                        ts: *ts,
                        cpu: *cpu,
                        tid: *next_tid,
                        pid: *next_pid,
                        comm: next_comm.clone(),
                        ns: ts - t,
                        prev_tid: *prev_tid,
                        prev_comm: prev_comm.clone(),
                    });
                }
            }
        }
    }
    out
}

/// One on-CPU (or off-CPU) stretch of a thread, ending at `ts`.
#[derive(Debug, Clone)]
struct Run {
    ts: u64,
    tid: u32,
    pid: u32,
    ns: u64,
}

/// cpudist's measure: on-CPU from switch-in to switch-out on the same CPU, or with
/// `offcpu` from switch-out to the next switch-in, kept in maps as the BPF tool does.
fn runs(events: &[Sched], offcpu: bool) -> Vec<Run> {
    let mut on: HashMap<u32, (u64, u32)> = HashMap::new();
    let mut off: HashMap<u32, u64> = HashMap::new();
    let mut out = Vec::new();
    for e in events {
        let Sched::Switch {
            ts,
            cpu,
            prev_tid,
            prev_pid,
            next_tid,
            next_pid,
            ..
        } = e
        else {
            continue;
        };
        if *prev_tid != 0 {
            if let Some((t, c)) = on.remove(prev_tid) {
                if !offcpu && c == *cpu {
                    out.push(Run {
                        ts: *ts,
                        tid: *prev_tid,
                        pid: *prev_pid,
                        ns: ts - t,
                    });
                }
            }
            off.insert(*prev_tid, *ts);
        }
        if *next_tid != 0 {
            on.insert(*next_tid, (*ts, *cpu));
            if let Some(t) = off.remove(next_tid) {
                if offcpu {
                    out.push(Run {
                        ts: *ts,
                        tid: *next_tid,
                        pid: *next_pid,
                        ns: ts - t,
                    });
                }
            }
        }
    }
    out
}

/// (section id or -1, bucket) -> count from a histogram tool's JSON.
fn hist_json(rows: &[JsonRow]) -> BTreeMap<(i64, u64), i64> {
    let mut m = BTreeMap::new();
    for r in rows {
        let id = r.get("id").and_then(Value::as_i64).unwrap_or(-1);
        *m.entry((id, num(r, "bucket") as u64)).or_insert(0) += num(r, "count");
    }
    m
}

#[test]
fn fixture_has_the_cases_the_tools_must_handle() {
    let events = sched_events(&cpu_fixture());
    let switches = || {
        events.iter().filter_map(|e| match e {
            Sched::Switch {
                prev_tid,
                prev_state,
                next_tid,
                ..
            } => Some((*prev_tid, *prev_state, *next_tid)),
            _ => None,
        })
    };
    assert!(switches().any(|(p, s, _)| p != 0 && s == 0), "preemptions");
    assert!(
        switches().any(|(p, s, _)| p != 0 && s == 2),
        "D-state sleeps"
    );
    assert!(switches().any(|(p, _, _)| p == 0), "idle switched out");
    assert!(switches().any(|(_, _, n)| n == 0), "idle switched in");
    assert!(events
        .iter()
        .any(|e| matches!(e, Sched::Wakeup { new: true, .. })));
    let w = waits(&events);
    assert!(w.iter().any(|w| w.ns > 10_000_000), "waits over 10 ms");
    assert!(w.iter().any(|w| w.prev_tid == 0), "woken to an idle CPU");
}

#[test]
fn runqlat_counts_every_wait_in_its_usec_slot() {
    let w = waits(&sched_events(&cpu_fixture()));
    let rows = json_rows(&["runqlat", &fx()]);
    let want = tally(w.iter().map(|w| (-1i64, slot(w.ns / 1000))));
    assert_eq!(hist_json(&rows), want);
    assert!(rows
        .iter()
        .all(|r| r["interval_index"] == 0 && r["comm"].is_null()));
}

#[test]
fn runqlat_per_process_and_per_thread_in_msecs() {
    let w = waits(&sched_events(&cpu_fixture()));
    let rows = json_rows(&["runqlat", &fx(), "-P", "-m"]);
    let want = tally(w.iter().map(|w| (w.pid as i64, slot(w.ns / 1_000_000))));
    assert_eq!(hist_json(&rows), want);
    // Two threads of process 1000 share its histogram; each comm is the process's.
    assert!(rows
        .iter()
        .filter(|r| num(r, "id") == 1000)
        .all(|r| text(r, "comm") == "stress-ng-cpu"));
    let rows = json_rows(&["runqlat", &fx(), "-L"]);
    let want = tally(w.iter().map(|w| (w.tid as i64, slot(w.ns / 1000))));
    assert_eq!(hist_json(&rows), want);
    let ids: BTreeSet<i64> = rows.iter().map(|r| num(r, "id")).collect();
    assert!(ids.contains(&1001) && ids.contains(&4000) && !ids.contains(&0));
    let rows = json_rows(&["runqlat", &fx(), "-p", "3000"]);
    let want = tally(
        w.iter()
            .filter(|w| w.pid == 3000)
            .map(|w| (-1i64, slot(w.ns / 1000))),
    );
    assert_eq!(hist_json(&rows), want);
}

#[test]
fn runqlat_window_counts_waits_ending_in_it() {
    let w = waits(&sched_events(&cpu_fixture()));
    let (lo, hi) = (T0 + 5_000_000_000, T0 + 7_500_000_000);
    let rows = json_rows(&["runqlat", &fx(), "--since", "5s", "--until", "7.5s"]);
    let want = tally(
        w.iter()
            .filter(|w| w.ts >= lo && w.ts < hi)
            .map(|w| (-1i64, slot(w.ns / 1000))),
    );
    assert_eq!(hist_json(&rows), want);
    // Per interval: each wait in the interval its switch-in falls in.
    let rows = json_rows(&["runqlat", &fx(), "--interval", "4"]);
    let mut got = BTreeMap::new();
    for r in &rows {
        *got.entry((num(r, "interval_index"), num(r, "bucket")))
            .or_insert(0) += num(r, "count");
    }
    let want = tally(w.iter().map(|w| {
        (
            ((w.ts - T0) / 4_000_000_000) as i64,
            slot(w.ns / 1000) as i64,
        )
    }));
    assert_eq!(got, want);
}

#[test]
fn runqlat_text_is_a_usecs_histogram_with_the_lost_event_warning() {
    let out = ok(&["runqlat", &fx()]);
    assert!(out.starts_with("     usecs               : count    distribution\n"));
    assert!(out.ends_with(
        "\nWARNING: 5 events lost in source sched (ring buffer full); counts above may be low\n"
    ));
    let out = ok(&["runqlat", &fx(), "-L", "-p", "2000"]);
    assert!(out.starts_with("tid = 2000 nginx\n     usecs "), "{out}");
    assert!(out.contains("\n\ntid = 2001 nginx\n"), "{out}");
}

#[test]
fn runqslower_lists_waits_over_the_threshold() {
    let w = waits(&sched_events(&cpu_fixture()));
    let fx = fx();
    for (args, min_us) in [
        (vec!["runqslower", &fx] as Vec<&str>, 10_000u64),
        (vec!["runqslower", &fx, "20000"], 20_000),
        (vec!["runqslower", &fx, "--min-us", "15000", "-P"], 15_000),
    ] {
        let mut want: Vec<&Wait> = w.iter().filter(|w| w.ns / 1000 > min_us).collect();
        want.sort_by_key(|w| (w.ts, w.cpu));
        let rows = json_rows(&args);
        assert_eq!(rows.len(), want.len(), "{args:?}");
        assert!(!rows.is_empty());
        for (r, w) in rows.iter().zip(&want) {
            assert_eq!(num(r, "ts_ns") as u64, w.ts);
            assert_eq!(num(r, "tid") as u32, w.tid);
            assert_eq!(num(r, "pid") as u32, w.pid);
            assert_eq!(text(r, "comm"), w.comm);
            assert_eq!(num(r, "lat_us") as u64, w.ns / 1000);
            assert_eq!(num(r, "prev_tid") as u32, w.prev_tid);
            assert_eq!(text(r, "prev_comm"), w.prev_comm);
        }
    }
    let rows = json_rows(&["runqslower", &fx, "-t", "1001", "5000"]);
    assert_eq!(
        rows.len(),
        w.iter()
            .filter(|w| w.tid == 1001 && w.ns / 1000 > 5000)
            .count()
    );
}

#[test]
fn cpudist_on_and_off_cpu() {
    let events = sched_events(&cpu_fixture());
    let rows = json_rows(&["cpudist", &fx()]);
    let on = runs(&events, false);
    assert_eq!(
        hist_json(&rows),
        tally(on.iter().map(|r| (-1i64, slot(r.ns / 1000))))
    );
    let rows = json_rows(&["cpudist", &fx(), "-O", "-m", "-P"]);
    let off = runs(&events, true);
    assert_eq!(
        hist_json(&rows),
        tally(off.iter().map(|r| (r.pid as i64, slot(r.ns / 1_000_000))))
    );
    let rows = json_rows(&["cpudist", &fx(), "-L", "--until", "10s"]);
    assert_eq!(
        hist_json(&rows),
        tally(
            on.iter()
                .filter(|r| r.ts < T0 + 10_000_000_000)
                .map(|r| (r.tid as i64, slot(r.ns / 1000)))
        )
    );
}

/// One row of `syscalls`.
#[derive(Debug, Clone)]
struct Call {
    ts: u64,
    enter: u64,
    pid: u32,
    comm: String,
    nr: i32,
    ret: i64,
}

fn syscalls(capture: &Path) -> Vec<Call> {
    let mut out = Vec::new();
    for b in read_table(capture, "syscalls") {
        let (ts, enter, pid) = (u64s(&b, "ts_ns"), u64s(&b, "ts_enter_ns"), u32s(&b, "pid"));
        let (comm, nr, ret) = (strs(&b, "comm"), i32s(&b, "nr"), i64s(&b, "ret"));
        for i in 0..b.num_rows() {
            out.push(Call {
                ts: ts[i],
                enter: enter[i],
                pid: pid[i],
                comm: comm[i].clone(),
                nr: nr[i],
                ret: ret[i],
            });
        }
    }
    out
}

/// The x86_64 names of the numbers in the fixture, from the kernel's syscall table
/// (arch/x86/entry/syscalls/syscall_64.tbl), written out by hand.
fn x86_name(nr: i32) -> String {
    match nr {
        0 => "read",
        1 => "write",
        3 => "close",
        9 => "mmap",
        17 => "pread64",
        18 => "pwrite64",
        24 => "sched_yield",
        39 => "getpid",
        74 => "fsync",
        202 => "futex",
        232 => "epoll_wait",
        257 => "openat",
        262 => "newfstatat",
        288 => "accept4",
        _ => return format!("syscall_{nr}"),
    }
    .to_string()
}

/// (key, count, total ns) ranked like syscount: by count (or total) descending.
fn ranked<K: Ord + Clone>(
    calls: &[&Call],
    key: impl Fn(&Call) -> K,
    by_time: bool,
) -> Vec<(K, i64, i64)> {
    let mut m: BTreeMap<K, (i64, i64)> = BTreeMap::new();
    for c in calls {
        let e = m.entry(key(c)).or_default();
        e.0 += 1;
        e.1 += (c.ts - c.enter) as i64;
    }
    let mut v: Vec<(K, i64, i64)> = m.into_iter().map(|(k, (n, t))| (k, n, t)).collect();
    v.sort_by(|a, b| {
        let (x, y) = if by_time { (a.2, b.2) } else { (a.1, b.1) };
        y.cmp(&x).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0))
    });
    v
}

#[test]
fn syscount_top_calls_by_count_and_by_time() {
    let calls = syscalls(&cpu_fixture());
    let all: Vec<&Call> = calls.iter().collect();
    let want = ranked(&all, |c| c.nr, false);
    assert!(want.len() > 10);
    let rows = json_rows(&["syscount", &fx()]);
    assert_eq!(rows.len(), 10);
    for (r, (nr, n, t)) in rows.iter().zip(&want) {
        assert_eq!(num(r, "nr") as i32, *nr);
        assert_eq!(text(r, "syscall"), x86_name(*nr));
        assert_eq!(num(r, "count"), *n);
        assert_eq!(num(r, "total_ns"), *t);
        assert!(r["pid"].is_null() && r["comm"].is_null());
    }
    let want = ranked(&all, |c| c.nr, true);
    let rows = json_rows(&["syscount", &fx(), "-L", "--top", "20"]);
    assert_eq!(rows.len(), want.len());
    for (r, (nr, n, t)) in rows.iter().zip(&want) {
        assert_eq!((num(r, "nr") as i32, num(r, "count")), (*nr, *n));
        assert_eq!(num(r, "total_ns"), *t);
    }
    assert!(rows.iter().any(|r| text(r, "syscall") == "syscall_1023"));
}

#[test]
fn syscount_per_process_and_failures() {
    let calls = syscalls(&cpu_fixture());
    let all: Vec<&Call> = calls.iter().collect();
    let rows = json_rows(&["syscount", &fx(), "-P"]);
    let want = ranked(&all, |c| (c.pid, c.comm.clone()), false);
    assert_eq!(rows.len(), want.len());
    for (r, ((pid, comm), n, _)) in rows.iter().zip(&want) {
        assert_eq!(
            (num(r, "pid") as u32, text(r, "comm")),
            (*pid, comm.clone())
        );
        assert_eq!(num(r, "count"), *n);
        assert!(r["nr"].is_null());
    }
    let failed: Vec<&Call> = calls.iter().filter(|c| c.ret < 0).collect();
    let want = ranked(&failed, |c| c.nr, false);
    let rows = json_rows(&["syscount", &fx(), "-x", "-T", "3"]);
    assert_eq!(rows.len(), 3);
    for (r, (nr, n, _)) in rows.iter().zip(&want) {
        assert_eq!((num(r, "nr") as i32, num(r, "count")), (*nr, *n));
    }
    let enoent: Vec<&Call> = calls.iter().filter(|c| c.ret == -2).collect();
    let want = ranked(&enoent, |c| c.nr, false);
    for errno in ["ENOENT", "2", "enoent"] {
        let rows = json_rows(&["syscount", &fx(), "-e", errno]);
        let got: Vec<(i32, i64)> = rows
            .iter()
            .map(|r| (num(r, "nr") as i32, num(r, "count")))
            .collect();
        let want: Vec<(i32, i64)> = want.iter().map(|(nr, n, _)| (*nr, *n)).collect();
        assert_eq!(got, want);
        assert_eq!(want.len(), 2, "openat and newfstatat fail with ENOENT");
    }
    let (code, err) = fails(&["syscount", &fx(), "-e", "ENOPE"]);
    assert_eq!(code, 2);
    assert!(err.contains("ENOPE"), "{err}");
}

#[test]
fn syscount_names_follow_the_capture_architecture() {
    let cap = copy_capture(&cpu_fixture());
    edit_manifest(cap.path(), |m| m["host"]["arch"] = "aarch64".into());
    let dir = cap.path().to_string_lossy().into_owned();
    let rows = json_rows(&["syscount", &dir, "--top", "50"]);
    let name = |nr: i64| {
        rows.iter()
            .find(|r| num(r, "nr") == nr)
            .map(|r| text(r, "syscall"))
    };
    // On arm64 (asm-generic numbering) 17 is getcwd, 0 io_setup, 232 mincore.
    assert_eq!(name(17).as_deref(), Some("getcwd"));
    assert_eq!(name(0).as_deref(), Some("io_setup"));
    assert_eq!(name(232).as_deref(), Some("mincore"));
    edit_manifest(cap.path(), |m| m["host"]["arch"] = "sparc64".into());
    let rows = json_rows(&["syscount", &dir, "--top", "1"]);
    assert!(text(&rows[0], "syscall").starts_with("syscall_"));
}

#[test]
fn syscount_text_layout() {
    let out = ok(&["syscount", &fx(), "-L", "-T", "2"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "SYSCALL                   COUNT        TIME (us)");
    assert_eq!(lines.len(), 3, "{out}");
    let out = ok(&["syscount", &fx(), "-P", "-T", "1"]);
    let calls = syscalls(&cpu_fixture());
    let nginx = calls.iter().filter(|c| c.pid == 2000).count();
    assert_eq!(
        out,
        format!(
            "PID    COMM               COUNT\n{:<6} {:<15} {:>8}\n",
            2000, "nginx", nginx
        )
    );
}

/// (cpu, runq_len, tid) of every profile sample.
fn samples(capture: &Path) -> Vec<(u32, u32, u32)> {
    let mut out = Vec::new();
    for b in read_table(capture, "profile") {
        let (cpu, len, tid) = (u32s(&b, "cpu"), u32s(&b, "runq_len"), u32s(&b, "tid"));
        for i in 0..b.num_rows() {
            out.push((cpu[i], len[i], tid[i]));
        }
    }
    out
}

/// Threads waiting: the running one is not in the queue; an idle CPU runs nobody.
fn waiting(len: u32, tid: u32) -> u32 {
    if tid == 0 {
        len
    } else {
        len.saturating_sub(1)
    }
}

#[test]
fn runqlen_histograms_and_occupancy() {
    let s = samples(&cpu_fixture());
    assert!(s.iter().any(|&(_, len, tid)| tid == 0 && len > 0));
    let rows = json_rows(&["runqlen", &fx(), "-C"]);
    let mut got = BTreeMap::new();
    for r in &rows {
        *got.entry((num(r, "cpu") as u32, num(r, "runqlen") as u32))
            .or_insert(0) += num(r, "count");
    }
    let want = tally(s.iter().map(|&(cpu, len, tid)| (cpu, waiting(len, tid))));
    assert_eq!(got, want);

    let out = ok(&["runqlen", &fx(), "-O", "-C"]);
    let mut expect = String::new();
    for cpu in 0..4 {
        let mine: Vec<_> = s.iter().filter(|x| x.0 == cpu).collect();
        let queued = mine.iter().filter(|&&&(_, l, t)| waiting(l, t) > 0).count();
        let pct = 100.0 * queued as f64 / mine.len() as f64;
        expect += &format!("runqocc, CPU {cpu:<3} {pct:6.2}%\n");
    }
    // runqlen reads only `profile`, which lost nothing: no warning.
    assert_eq!(out, expect);

    let out = ok(&["runqlen", &fx()]);
    let total = tally(s.iter().map(|&(_, l, t)| waiting(l, t)));
    let first = format!(
        "        {:<10} : {:<8} |",
        0,
        total.get(&0).copied().unwrap_or(0)
    );
    assert!(out.starts_with("     runqlen       : count     distribution\n"));
    assert!(out.lines().nth(1).unwrap().starts_with(&first), "{out}");
    assert_eq!(
        out.lines().count(),
        1 + *total.keys().max().unwrap() as usize + 1
    );
}

/// (entry, return, cpu, name) of every row of `hardirq` or `softirq`.
fn irq_rows(capture: &Path, table: &str) -> Vec<(u64, u64, String)> {
    let mut out = Vec::new();
    for b in read_table(capture, table) {
        let (entry, ts, name) = (u64s(&b, "ts_entry_ns"), u64s(&b, "ts_ns"), strs(&b, "name"));
        for i in 0..b.num_rows() {
            out.push((entry[i], ts[i], name[i].clone()));
        }
    }
    out
}

#[test]
fn hardirqs_and_softirqs_totals_counts_and_histograms() {
    for (tool, table, head, width) in [
        ("hardirqs", "hardirq", "HARDIRQ", 26),
        ("softirqs", "softirq", "SOFTIRQ", 16),
    ] {
        let irqs = irq_rows(&cpu_fixture(), table);
        let mut total: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for (entry, ts, name) in &irqs {
            let e = total.entry(name.clone()).or_default();
            e.0 += 1;
            e.1 += ts - entry;
        }
        // Text: ascending by value, as bcc prints.
        let mut lines: Vec<(u64, &String)> =
            total.iter().map(|(n, (_, t))| (t / 1000, n)).collect();
        lines.sort();
        let mut want = format!("{head:<width$} {:>11}\n", "TOTAL_usecs");
        for (v, n) in &lines {
            want += &format!("{n:<width$} {v:>11}\n");
        }
        assert_eq!(ok(&[tool, &fx()]), want);
        let mut lines: Vec<(u64, &String)> = total.iter().map(|(n, (c, _))| (*c, n)).collect();
        lines.sort();
        let mut want = format!("{head:<width$} {:>11}\n", "TOTAL_count");
        for (v, n) in &lines {
            want += &format!("{n:<width$} {v:>11}\n");
        }
        assert_eq!(ok(&[tool, &fx(), "-C"]), want);

        let rows = json_rows(&[tool, &fx(), "-d", "-N"]);
        let mut got = BTreeMap::new();
        for r in &rows {
            *got.entry((text(r, "name"), num(r, "bucket") as u64))
                .or_insert(0) += num(r, "count");
        }
        let want = tally(irqs.iter().map(|(e, t, n)| (n.clone(), slot(t - e))));
        assert_eq!(got, want);
        let out = ok(&[tool, &fx(), "-d"]);
        let first = total.keys().next().unwrap();
        assert!(
            out.starts_with(&format!(
                "{} = {first}\n     usecs ",
                head.to_ascii_lowercase()
            )),
            "{out}"
        );
    }
}

/// (pid, tid, comm, cpu, counter, period) of every pmc row.
type PmcRow = (u32, u32, String, u32, String, u64);

fn pmc(capture: &Path) -> Vec<(u64, PmcRow)> {
    let mut out = Vec::new();
    for b in read_table(capture, "pmc") {
        let (ts, pid, tid, comm) = (
            u64s(&b, "ts_ns"),
            u32s(&b, "pid"),
            u32s(&b, "tid"),
            strs(&b, "comm"),
        );
        let (cpu, counter, period) = (u32s(&b, "cpu"), strs(&b, "counter"), u64s(&b, "period"));
        for i in 0..b.num_rows() {
            out.push((
                ts[i],
                (
                    pid[i],
                    tid[i],
                    comm[i].clone(),
                    cpu[i],
                    counter[i].clone(),
                    period[i],
                ),
            ));
        }
    }
    out
}

#[test]
fn llcstat_sums_llc_counter_periods() {
    let rows_raw = pmc(&cpu_fixture());
    assert!(rows_raw.iter().any(|(_, r)| r.4 == "cycles"));
    for per_thread in [false, true] {
        let mut want: BTreeMap<(u32, u32, u32), (i64, i64)> = BTreeMap::new();
        for (_, (pid, tid, _, cpu, counter, period)) in &rows_raw {
            let key = (*pid, if per_thread { *tid } else { 0 }, *cpu);
            let e = want.entry(key).or_default();
            match counter.as_str() {
                "llc_references" => e.0 += *period as i64,
                "llc_misses" => e.1 += *period as i64,
                _ => {}
            }
        }
        want.retain(|_, v| *v != (0, 0));
        let fx = fx();
        let args: Vec<&str> = if per_thread {
            vec!["llcstat", &fx, "-t"]
        } else {
            vec!["llcstat", &fx]
        };
        let rows = json_rows(&args);
        let mut got = BTreeMap::new();
        for r in &rows {
            let tid = r.get("tid").and_then(Value::as_i64).unwrap_or(0) as u32;
            let refs = num(r, "references");
            let misses = num(r, "misses");
            let hit = r["hit_pct"].as_f64().unwrap();
            let expect_hit = if refs > misses {
                (refs - misses) as f64 * 100.0 / refs as f64
            } else {
                0.0
            };
            assert!((hit - expect_hit).abs() < 1e-9);
            got.insert(
                (num(r, "pid") as u32, tid, num(r, "cpu") as u32),
                (refs, misses),
            );
        }
        // Keys with only `cycles` samples are not rows at all.
        assert_eq!(got, want);
        let refs: Vec<i64> = rows.iter().map(|r| num(r, "references")).collect();
        assert!(refs.windows(2).all(|w| w[0] >= w[1]), "largest first");
    }
    let out = ok(&["llcstat", &fx()]);
    assert!(out.starts_with("PID      NAME             CPU     REFERENCE         MISS    HIT%\n"));
    let (refs, misses) = rows_raw
        .iter()
        .fold((0u64, 0u64), |acc, (_, r)| match r.4.as_str() {
            "llc_references" => (acc.0 + r.5, acc.1),
            "llc_misses" => (acc.0, acc.1 + r.5),
            _ => acc,
        });
    let hit = (refs - misses) as f64 * 100.0 / refs as f64;
    assert!(out.ends_with(&format!(
        "\n\nTotal References: {refs} Total Misses: {misses} Hit Rate: {hit:.2}%\n"
    )));
}

#[test]
fn llcstat_says_when_pmcs_were_unavailable() {
    let cap = copy_capture(&cpu_fixture());
    edit_manifest(cap.path(), |m| {
        for s in m["sources"].as_array_mut().unwrap() {
            if s["name"] == "pmc" {
                s["status"] = serde_json::json!({
                    "state": "unavailable",
                    "reason": "perf_event_open(LLC references): No such file or directory (no PMU)"
                });
            }
        }
    });
    let (code, err) = fails(&["llcstat".as_ref(), cap.path().as_os_str()]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "retrace: llcstat cannot run: hardware performance counters (PMCs) were unavailable on the recording host: perf_event_open(LLC references): No such file or directory (no PMU)\n"
    );
}

/// (ts, cpu, kHz, initial) of every cpu_frequency row.
fn freqs(capture: &Path) -> Vec<(u64, u32, u32, bool)> {
    let mut out = Vec::new();
    for b in read_table(capture, "cpu_frequency") {
        let (ts, cpu, khz, initial) = (
            u64s(&b, "ts_ns"),
            u32s(&b, "cpu"),
            u32s(&b, "freq_khz"),
            bools(&b, "initial"),
        );
        for i in 0..b.num_rows() {
            out.push((ts[i], cpu[i], khz[i], initial[i]));
        }
    }
    out
}

/// CPU time per (cpu, MHz) in [lo, hi): each CPU's rows in time order, each holding
/// until the next (an initial row yields to a change at the same instant).
fn time_at(f: &[(u64, u32, u32, bool)], lo: u64, hi: u64) -> BTreeMap<(u32, u32), i64> {
    let mut m: BTreeMap<(u32, u32), i64> = BTreeMap::new();
    for cpu in 0..4 {
        let mut mine: Vec<_> = f.iter().filter(|r| r.1 == cpu).collect();
        mine.sort_by_key(|r| (r.0, !r.3));
        for (i, r) in mine.iter().enumerate() {
            let until = mine.get(i + 1).map_or(hi, |n| n.0.min(hi));
            let from = r.0.max(lo);
            if until > from {
                *m.entry((cpu, r.2 / 1000)).or_default() += (until - from) as i64;
            }
        }
    }
    m
}

#[test]
fn cpufreq_splits_held_frequencies_at_interval_boundaries() {
    let f = freqs(&cpu_fixture());
    let rows = json_rows(&["cpufreq", &fx(), "-C", "--interval", "7"]);
    let end = T0 + 20_000_000_000;
    for i in 0..3u64 {
        let lo = T0 + i * 7_000_000_000;
        let hi = (lo + 7_000_000_000).min(end);
        let got: BTreeMap<(u32, u32), i64> = rows
            .iter()
            .filter(|r| num(r, "interval_index") as u64 == i)
            .map(|r| {
                (
                    (num(r, "cpu") as u32, num(r, "mhz") as u32),
                    num(r, "time_ns"),
                )
            })
            .collect();
        assert_eq!(got, time_at(&f, lo, hi), "interval {i}");
    }
}

#[test]
fn cpufreq_time_at_each_frequency() {
    let f = freqs(&cpu_fixture());
    assert_eq!(
        f.iter().filter(|r| r.3).count(),
        4,
        "one initial row per CPU"
    );
    let end = T0 + 20_000_000_000;
    let time_at = |lo, hi| time_at(&f, lo, hi);
    let rows = json_rows(&["cpufreq", &fx(), "-C"]);
    let got: BTreeMap<(u32, u32), i64> = rows
        .iter()
        .map(|r| {
            (
                (num(r, "cpu") as u32, num(r, "mhz") as u32),
                num(r, "time_ns"),
            )
        })
        .collect();
    assert_eq!(got, time_at(T0, end));
    let rows = json_rows(&["cpufreq", &fx(), "--since", "5s", "--until", "15s"]);
    let mut want: BTreeMap<u32, i64> = BTreeMap::new();
    for ((_, mhz), t) in time_at(T0 + 5_000_000_000, T0 + 15_000_000_000) {
        *want.entry(mhz).or_default() += t;
    }
    let got: BTreeMap<u32, i64> = rows
        .iter()
        .map(|r| (num(r, "mhz") as u32, num(r, "time_ns")))
        .collect();
    assert_eq!(got, want);
    assert_eq!(want.values().sum::<i64>(), 4 * 10_000_000_000);
    let pct: f64 = rows.iter().map(|r| r["pct"].as_f64().unwrap()).sum();
    assert!((pct - 100.0).abs() < 1e-6);
}

#[test]
fn cpu_tools_need_their_sources() {
    let basic = fixture().to_string_lossy().into_owned();
    for (tool, source) in [
        ("runqlat", "sched"),
        ("cpudist", "sched"),
        ("runqslower", "sched"),
        ("runqlen", "profile"),
        ("syscount", "syscalls"),
        ("hardirqs", "irq"),
        ("softirqs", "irq"),
        ("llcstat", "pmc"),
        ("cpufreq", "cpufreq"),
    ] {
        let (code, err) = fails(&[tool, &basic]);
        assert_eq!(code, 1);
        assert_eq!(
            err,
            format!("retrace: {tool} cannot run: this capture was recorded without source `{source}` (record with --sources {source})\n")
        );
    }
}

#[test]
fn show_sql_binds_the_capture_architecture() {
    let out = ok(&["syscount", &fx(), "--show-sql", "-x"]);
    assert!(out.contains("--param 'arch=x86_64'"), "{out}");
    assert!(out.contains("--param 'failures=true'"), "{out}");
    assert!(out.contains("\n-- syscount: "), "{out}");
}

/// Every CPU tool over the cpu fixture, against committed snapshots
/// (`tests/cli/snapshots/cpu-*.snap`; see [`assert_snapshots`] to review changes).
#[test]
fn cpu_fixture_outputs_match_snapshots() {
    let fx = fx();
    let cases: &[(&str, &[&str])] = &[
        ("cpu-runqlat", &["runqlat", &fx]),
        ("cpu-runqlat-P-m", &["runqlat", &fx, "-P", "-m"]),
        (
            "cpu-runqlat-interval",
            &["runqlat", &fx, "-m", "--interval", "10"],
        ),
        ("cpu-runqslower-P", &["runqslower", &fx, "-P", "25000"]),
        ("cpu-cpudist", &["cpudist", &fx]),
        (
            "cpu-cpudist-O-L-m",
            &["cpudist", &fx, "-O", "-L", "-m", "-p", "3000"],
        ),
        ("cpu-syscount", &["syscount", &fx]),
        ("cpu-syscount-L-m", &["syscount", &fx, "-L", "-m"]),
        (
            "cpu-syscount-P-x",
            &["syscount", &fx, "-P", "-x", "--interval", "10"],
        ),
        ("cpu-runqlen", &["runqlen", &fx]),
        ("cpu-runqlen-C", &["runqlen", &fx, "-C"]),
        ("cpu-runqlen-O", &["runqlen", &fx, "-O"]),
        ("cpu-hardirqs", &["hardirqs", &fx]),
        ("cpu-hardirqs-d", &["hardirqs", &fx, "-d"]),
        ("cpu-softirqs-C", &["softirqs", &fx, "-C"]),
        ("cpu-softirqs-d-N", &["softirqs", &fx, "-d", "-N"]),
        ("cpu-llcstat", &["llcstat", &fx]),
        ("cpu-llcstat-t", &["llcstat", &fx, "-t", "--until", "2s"]),
        ("cpu-cpufreq", &["cpufreq", &fx]),
        ("cpu-cpufreq-C", &["cpufreq", &fx, "-C"]),
        ("cpu-cpufreq-interval", &["cpufreq", &fx, "--interval", "7"]),
    ];
    assert_snapshots(
        cases
            .iter()
            .map(|(name, args)| (*name, ok(args).replace(&fx, "fixtures/cpu"))),
    );
}

mod tiny {
    //! A hand-made scheduler trace of one CPU whose outputs are worked out by hand.

    use std::sync::Arc;

    use arrow::array::{ArrayRef, BooleanArray, Int32Array, RecordBatch, StringArray};
    use arrow::array::{UInt32Array, UInt64Array};
    use retrace_schema::manifest::{
        ClockPair, Filters, HostInfo, ProbeAttach, SourceState, SourceStatus,
    };
    use retrace_schema::tables::{SCHED_SWITCH, SCHED_WAKEUP};
    use retrace_schema::writer::{create_capture_dir, CaptureWriter, SegmentPolicy};
    use retrace_schema::{Manifest, FORMAT_VERSION};

    use crate::support::ok;

    const T0: u64 = 5_000_000_000_000;
    const US: u64 = 1_000;

    /// (µs after T0, prev tid, prev pid, prev comm, prev_state, next tid, next pid, next comm)
    type Sw = (u64, u32, u32, &'static str, u32, u32, u32, &'static str);
    /// (µs after T0, tid, pid, comm, new)
    type Wk = (u64, u32, u32, &'static str, bool);

    // a (10) wakes and runs after 3 µs; b (20) wakes and waits until a is preempted
    // (10 ms); a waits 28 ms until b sleeps; a sleeps; b's new thread b-worker (30)
    // is born, runs after 500 µs, and exits.
    const WAKEUPS: &[Wk] = &[
        (1_000, 10, 10, "a", false),
        (2_000, 20, 20, "b", false),
        (50_000, 30, 20, "b-worker", true),
    ];
    const SWITCHES: &[Sw] = &[
        (1_003, 0, 0, "swapper/0", 0, 10, 10, "a"),
        (12_000, 10, 10, "a", 0, 20, 20, "b"),
        (40_000, 20, 20, "b", 1, 10, 10, "a"),
        (41_000, 10, 10, "a", 1, 0, 0, "swapper/0"),
        (50_500, 0, 0, "swapper/0", 0, 30, 20, "b-worker"),
        (60_000, 30, 20, "b-worker", 128, 0, 0, "swapper/0"),
    ];

    fn capture() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            retrace_version: "test".into(),
            command_line: vec!["retrace-record".into()],
            host: HostInfo {
                hostname: "tiny".into(),
                kernel_release: "6.18".into(),
                boot_id: "b".into(),
                cpu_count: 1,
                arch: "x86_64".into(),
            },
            clock_start: ClockPair {
                monotonic_ns: T0,
                wall_ns: 1_700_000_000_000_000_000,
            },
            clock_end: Some(ClockPair {
                monotonic_ns: T0 + 1_000_000_000,
                wall_ns: 1_700_000_001_000_000_000,
            }),
            sources: vec![SourceStatus {
                name: "sched".into(),
                status: SourceState::Attached {
                    probes: vec![ProbeAttach {
                        probe: "sched_switch".into(),
                        attach: "tp_btf".into(),
                    }],
                },
                lost_events: 0,
            }],
            filters: Filters::default(),
            tables: Default::default(),
            command: None,
            ended_by: Some("duration".into()),
            recording: Default::default(),
            complete: false,
        };
        create_capture_dir(tmp.path(), true).unwrap();
        let policy = SegmentPolicy {
            max_age: None,
            max_bytes: None,
        };
        let mut w = CaptureWriter::create(tmp.path(), manifest, policy).unwrap();
        let u64s = |v: Vec<u64>| -> ArrayRef { Arc::new(UInt64Array::from(v)) };
        let u32s = |v: Vec<u32>| -> ArrayRef { Arc::new(UInt32Array::from(v)) };
        let i32s = |n: usize| -> ArrayRef { Arc::new(Int32Array::from(vec![120; n])) };
        let strs = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
        let s = SWITCHES;
        let cols = vec![
            u64s(s.iter().map(|x| T0 + x.0 * US).collect()),
            u32s(vec![0; s.len()]),
            u32s(s.iter().map(|x| x.1).collect()),
            u32s(s.iter().map(|x| x.2).collect()),
            strs(s.iter().map(|x| x.3).collect()),
            i32s(s.len()),
            u32s(s.iter().map(|x| x.4).collect()),
            u32s(s.iter().map(|x| x.5).collect()),
            u32s(s.iter().map(|x| x.6).collect()),
            strs(s.iter().map(|x| x.7).collect()),
            i32s(s.len()),
        ];
        let b = RecordBatch::try_new(SCHED_SWITCH.schema(), cols).unwrap();
        w.write(&SCHED_SWITCH, &b).unwrap();
        let k = WAKEUPS;
        let cols = vec![
            u64s(k.iter().map(|x| T0 + x.0 * US).collect()),
            u32s(vec![0; k.len()]),
            u32s(vec![0; k.len()]),
            u32s(k.iter().map(|x| x.1).collect()),
            u32s(k.iter().map(|x| x.2).collect()),
            strs(k.iter().map(|x| x.3).collect()),
            i32s(k.len()),
            u32s(vec![0; k.len()]),
            u32s(vec![0; k.len()]),
            Arc::new(BooleanArray::from(
                k.iter().map(|x| x.4).collect::<Vec<_>>(),
            )),
        ];
        let b = RecordBatch::try_new(SCHED_WAKEUP.schema(), cols).unwrap();
        w.write(&SCHED_WAKEUP, &b).unwrap();
        w.finish().unwrap();
        tmp
    }

    fn run(args: &[&str]) -> String {
        let cap = capture();
        let dir = cap.path().to_string_lossy().into_owned();
        let mut all = vec![args[0], dir.as_str()];
        all.extend(&args[1..]);
        ok(&all)
    }

    const EMPTY: &str = "|                                        |";
    const FULL: &str = "|****************************************|";

    #[test]
    fn runqlat_exact_text() {
        // Waits: 3 µs (a), 10000 µs (b), 28000 µs (a), 500 µs (b-worker).
        let mut want = "     usecs               : count    distribution\n".to_string();
        for (lo, hi, n) in [
            (0u64, 1u64, 0),
            (2, 3, 1),
            (4, 7, 0),
            (8, 15, 0),
            (16, 31, 0),
            (32, 63, 0),
            (64, 127, 0),
            (128, 255, 0),
            (256, 511, 1),
            (512, 1023, 0),
            (1024, 2047, 0),
            (2048, 4095, 0),
            (4096, 8191, 0),
            (8192, 16383, 1),
            (16384, 32767, 1),
        ] {
            let bar = if n == 1 { FULL } else { EMPTY };
            want += &format!("{lo:>10} -> {hi:<10} : {n:<8} {bar}\n");
        }
        assert_eq!(run(&["runqlat"]), want);
        assert_eq!(
            run(&["runqlat", "-P", "-m"]),
            format!(
                "pid = 10 a
     msecs               : count    distribution
         0 -> 1          : 1        {FULL}
         2 -> 3          : 0        {EMPTY}
         4 -> 7          : 0        {EMPTY}
         8 -> 15         : 0        {EMPTY}
        16 -> 31         : 1        {FULL}

pid = 20 b
     msecs               : count    distribution
         0 -> 1          : 1        {FULL}
         2 -> 3          : 0        {EMPTY}
         4 -> 7          : 0        {EMPTY}
         8 -> 15         : 1        {FULL}
"
            )
        );
    }

    #[test]
    fn runqslower_exact_text() {
        // 10000 µs is not above the default threshold; 28000 is.
        assert_eq!(
            run(&["runqslower", "-P"]),
            "TIME     COMM             TID           LAT(us) PREV COMM        PREV TID
22:13:20 a                10              28000 b                20    
"
        );
        assert_eq!(
            run(&["runqslower", "0"]),
            "TIME     COMM             TID           LAT(us)
22:13:20 a                10                  3
22:13:20 b                20              10000
22:13:20 a                10              28000
22:13:20 b-worker         30                500
"
        );
    }

    #[test]
    fn cpudist_exact_text() {
        // On CPU: a 10997 µs, b 28000 µs, a 1000 µs, b-worker 9500 µs.
        let out = run(&["cpudist"]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 16);
        assert_eq!(
            lines[10],
            format!(
                "       512 -> 1023       : 1        {}",
                "|********************                    |"
            )
        );
        assert_eq!(
            lines[14],
            format!("      8192 -> 16383      : 2        {FULL}")
        );
        assert_eq!(
            lines[15],
            format!(
                "     16384 -> 32767      : 1        {}",
                "|********************                    |"
            )
        );
        // Off CPU: only a comes back (after 28000 µs).
        assert_eq!(
            run(&["cpudist", "-O", "-L", "-m"]),
            format!(
                "tid = 10 a
     msecs               : count    distribution
         0 -> 1          : 0        {EMPTY}
         2 -> 3          : 0        {EMPTY}
         4 -> 7          : 0        {EMPTY}
         8 -> 15         : 0        {EMPTY}
        16 -> 31         : 1        {FULL}
"
            )
        );
    }
}

/// `--show-sql` prints options that reproduce the tool's rows with `retrace sql`,
/// including the parameter bound from the capture (its architecture).
#[test]
fn show_sql_reproduces_the_rows_with_retrace_sql() {
    let fx = fx();
    let cases: &[&[&str]] = &[
        &["syscount", "-L", "-P", "-e", "ENOENT"],
        &["runqslower", "20000", "-p", "1000"],
        &["runqlat", "-L", "-m"],
        &["cpudist", "-O", "-P"],
        &["runqlen", "-C"],
        &["hardirqs", "-d"],
        &["softirqs", "-N"],
        &["llcstat", "-t"],
        &["cpufreq", "-C"],
    ];
    for case in cases {
        let mut tool_args = vec![case[0], fx.as_str()];
        tool_args.extend(&case[1..]);
        let mut shown_args = tool_args.clone();
        shown_args.push("--show-sql");
        let shown = ok(&shown_args);
        let line = shown.lines().nth(1).unwrap();
        let params: Vec<String> = line
            .split("--param '")
            .skip(1)
            .map(|p| p.split('\'').next().unwrap().to_string())
            .collect();
        if case[0] == "syscount" {
            assert!(params.contains(&"arch=x86_64".to_string()), "{params:?}");
        }
        let query = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../queries/{}.sql", case[0]))
            .to_string_lossy()
            .into_owned();
        let mut args = vec!["sql", fx.as_str(), "--file", query.as_str()];
        for p in &params {
            args.extend(["--param", p.as_str()]);
        }
        let rows = json_rows(&tool_args);
        assert!(!rows.is_empty(), "{case:?}");
        assert_eq!(json_rows(&args), rows, "{case:?}");
    }
}

#[test]
fn csv_output_has_the_query_columns() {
    let out = ok(&["runqlen", &fx(), "-C", "--csv"]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("interval_index,cpu,runqlen,count"));
    let total: u64 = lines
        .map(|l| l.rsplit(',').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total as usize, samples(&cpu_fixture()).len());
}

#[test]
fn syscount_ranks_each_interval_on_its_own() {
    let calls = syscalls(&cpu_fixture());
    let rows = json_rows(&["syscount", &fx(), "-P", "-x", "--interval", "10"]);
    for i in 0..2u64 {
        let mine: Vec<&Call> = calls
            .iter()
            .filter(|c| c.ret < 0 && (c.ts - T0) / 10_000_000_000 == i)
            .collect();
        let want = ranked(&mine, |c| c.pid, false);
        let got: Vec<(u32, i64)> = rows
            .iter()
            .filter(|r| num(r, "interval_index") as u64 == i)
            .map(|r| (num(r, "pid") as u32, num(r, "count")))
            .collect();
        let want: Vec<(u32, i64)> = want.iter().map(|(p, n, _)| (*p, *n)).collect();
        assert_eq!(got, want, "interval {i}");
    }
}

#[test]
fn softirqs_window_counts_runs_returning_in_it() {
    let irqs = irq_rows(&cpu_fixture(), "softirq");
    let (lo, hi) = (T0 + 2_000_000_000, T0 + 3_000_000_000);
    let rows = json_rows(&["softirqs", &fx(), "--since", "2s", "--until", "3s"]);
    let got: BTreeMap<String, (i64, i64)> = rows
        .iter()
        .map(|r| (text(r, "name"), (num(r, "count"), num(r, "total_ns"))))
        .collect();
    let mut want: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (entry, ts, name) in irqs.iter().filter(|r| r.1 >= lo && r.1 < hi) {
        let e = want.entry(name.clone()).or_default();
        e.0 += 1;
        e.1 += (ts - entry) as i64;
    }
    assert_eq!(got, want);
}

#[test]
fn cpufreq_says_when_the_host_reported_no_frequency() {
    // A capture whose cpufreq source ran but never saw a frequency (a VM).
    let cap = copy_capture(&cpu_fixture());
    std::fs::remove_dir_all(cap.path().join("cpu_frequency")).unwrap();
    edit_manifest(cap.path(), |m| {
        m["tables"]["cpu_frequency"] = serde_json::json!({"rows": 0, "segments": 0, "bytes": 0});
    });
    let (code, err) = fails(&["cpufreq".as_ref(), cap.path().as_os_str()]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "retrace: cpufreq cannot run: the recording host reported no CPU frequency (no cpufreq driver, as in most VMs)\n"
    );
}

#[test]
fn retrace_sql_names_syscalls() {
    let rows = json_rows(&[
        "sql",
        &fx(),
        "SELECT syscall_name(nr, 'x86_64') AS name, count(*) AS n FROM syscalls \
         WHERE nr = 257 GROUP BY 1",
    ]);
    let calls = syscalls(&cpu_fixture());
    assert_eq!(rows.len(), 1);
    assert_eq!(text(&rows[0], "name"), "openat");
    assert_eq!(
        num(&rows[0], "n") as usize,
        calls.iter().filter(|c| c.nr == 257).count()
    );
    let rows = json_rows(&["sql", &fx(), "SELECT syscall_name(56, 'aarch64') AS a"]);
    assert_eq!(text(&rows[0], "a"), "openat");
}
