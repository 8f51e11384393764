//! The /proc snapshot taken when recording starts (table `process_snapshot`), so
//! that the analyzer can name processes that existed before the first event.

use std::fs;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StringBuilder, UInt32Builder, UInt64Builder};
use retrace_schema::catalog::proc::PROCESS_SNAPSHOT;

use crate::redact::Redact;

struct Proc {
    pid: u32,
    ppid: u32,
    uid: u32,
    comm: String,
    cmdline: String,
    start_ns: u64,
    cgroup: String,
}

fn clock_ticks_per_sec() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 {
        t as u64
    } else {
        100
    }
}

fn read_proc(pid: u32, ticks: u64) -> Option<Proc> {
    let dir = format!("/proc/{pid}");
    let stat = fs::read_to_string(format!("{dir}/stat")).ok()?;
    // comm is in parentheses and may itself contain spaces and parentheses.
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat[open + 1..close].to_string();
    let rest: Vec<&str> = stat[close + 2..].split(' ').collect();
    // Fields after comm: state(3) ppid(4) ... starttime(22), 1-based in proc(5).
    let ppid = rest.get(1)?.parse().ok()?;
    let start_ticks: u64 = rest.get(19)?.parse().ok()?;
    let status = fs::read_to_string(format!("{dir}/status")).unwrap_or_default();
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let cmdline = fs::read(format!("{dir}/cmdline"))
        .map(|b| {
            b.split(|&c| c == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let cgroup = fs::read_to_string(format!("{dir}/cgroup"))
        .ok()
        .and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("0::").map(str::to_string))
        })
        .unwrap_or_default();
    Some(Proc {
        pid,
        ppid,
        uid,
        comm,
        cmdline,
        // starttime is in clock ticks since boot, the epoch of CLOCK_MONOTONIC
        // (boot-time counting differs only across suspend).
        start_ns: start_ticks * (1_000_000_000 / ticks),
        cgroup,
    })
}

/// Read every process in /proc into one batch of `process_snapshot`.
pub fn snapshot(ts_ns: u64, redact: &Redact) -> RecordBatch {
    let ticks = clock_ticks_per_sec();
    let mut procs: Vec<Proc> = fs::read_dir("/proc")
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
                .filter_map(|pid| read_proc(pid, ticks))
                .collect()
        })
        .unwrap_or_default();
    procs.sort_by_key(|p| p.pid);
    let n = procs.len();
    let mut ts = UInt64Builder::with_capacity(n);
    let mut pid = UInt32Builder::with_capacity(n);
    let mut ppid = UInt32Builder::with_capacity(n);
    let mut uid = UInt32Builder::with_capacity(n);
    let mut comm = StringBuilder::new();
    let mut cmdline = StringBuilder::new();
    let mut start = UInt64Builder::with_capacity(n);
    let mut cgroup = StringBuilder::new();
    for p in &procs {
        ts.append_value(ts_ns);
        pid.append_value(p.pid);
        ppid.append_value(p.ppid);
        uid.append_value(p.uid);
        comm.append_value(&p.comm);
        cmdline.append_value(redact.cmdline(&p.cmdline));
        start.append_value(p.start_ns);
        cgroup.append_value(&p.cgroup);
    }
    let cols: Vec<ArrayRef> = vec![
        Arc::new(ts.finish()),
        Arc::new(pid.finish()),
        Arc::new(ppid.finish()),
        Arc::new(uid.finish()),
        Arc::new(comm.finish()),
        Arc::new(cmdline.finish()),
        Arc::new(start.finish()),
        Arc::new(cgroup.finish()),
    ];
    RecordBatch::try_new(PROCESS_SNAPSHOT.schema(), cols).expect("snapshot matches its schema")
}
