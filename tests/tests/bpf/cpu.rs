//! The CPU sources end to end, driven by `tests/workloads/cpuwork.c` (built here
//! with frame pointers): profile and offcputime name its functions after the
//! binary is deleted, syscount counts its calls exactly, cpudist and runqlat
//! agree with two threads contending for one CPU, a short-lived process's
//! samples are named, and the PMC sampler runs (software events on machines
//! without a PMU) or is reported unavailable.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::common::*;

/// cpuwork, with frame pointers and no inlining so its stacks name its functions.
fn build_cpuwork(dir: &Path) -> PathBuf {
    let flags = ["-O1", "-g", "-fno-omit-frame-pointer", "-fno-inline", "-pthread"];
    build_workload(dir, "cpuwork", &flags)
}

/// Folded stacks (`frames count`) as (frames, count).
fn folded(text: &str) -> Vec<(Vec<String>, u64)> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (stack, n) = l
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("folded line {l:?}"));
            let frames = stack.split(';').map(str::to_string).collect();
            (
                frames,
                n.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("count in {l:?}")),
            )
        })
        .collect()
}

fn cp_r(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn profile_and_offcputime_name_the_workload_after_its_binary_is_deleted() {
    let test = "profile_and_offcputime_name_the_workload_after_its_binary_is_deleted";
    if !bpf_or_skip(test) || !have_program(test, "cc") {
        return;
    }
    let here = scratch("cpu-rec");
    let work = build_cpuwork(here.path());
    let cap = here.path().join("cap");
    // 800 ms of CPU in rt_hot_burn, then 20 sleeps of 10 ms in rt_sleepy_wait.
    const SLEEPS: u64 = 20;
    const SLEEP_MS: u64 = 10;
    let out = record(
        &[
            "-s",
            "profile,offcpu,proc",
            "-F",
            "499",
            "-o",
            cap.to_str().unwrap(),
            "--",
            work.to_str().unwrap(),
            "profile",
            "800",
            &SLEEPS.to_string(),
            &SLEEP_MS.to_string(),
        ],
        0,
    );
    let sleep_wall_us: u64 = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("sleep_wall_ns "))
        .and_then(|n| n.trim().parse::<u64>().ok())
        .expect("the workload prints the wall time of its sleeps")
        / 1000;
    let pid = manifest(&cap)["command"]["pid"]
        .as_u64()
        .unwrap()
        .to_string();
    // Analyze elsewhere, with the binary and the original capture gone.
    let there = scratch("cpu-copy");
    let copy = there.path().join("cap");
    cp_r(&cap, &copy);
    drop(here);
    assert!(!work.exists());
    let c = copy.to_str().unwrap();

    let samples = folded(&retrace(&["profile", c, "-f", "-p", &pid]));
    let total: u64 = samples.iter().map(|s| s.1).sum();
    let hottest = samples
        .iter()
        .max_by_key(|s| s.1)
        .expect("profile has samples of the workload");
    assert!(
        hottest.0.iter().any(|f| f.starts_with("rt_hot_burn")),
        "hottest stack {hottest:?} does not name rt_hot_burn"
    );
    let in_burn: u64 = samples
        .iter()
        .filter(|s| s.0.iter().any(|f| f.starts_with("rt_hot_burn")))
        .map(|s| s.1)
        .sum();
    assert!(
        in_burn * 10 >= total * 8,
        "{in_burn} of {total} samples in rt_hot_burn"
    );
    // 800 ms on CPU at 499 Hz is about 400 samples.
    assert!(
        (250..=600).contains(&in_burn),
        "{in_burn} samples in rt_hot_burn, expected ~400"
    );

    let blocked = folded(&retrace(&["offcputime", c, "-f", "-p", &pid]));
    let sleepy: Vec<_> = blocked
        .iter()
        .filter(|s| s.0.iter().any(|f| f.starts_with("rt_sleepy_wait")))
        .collect();
    assert!(
        !sleepy.is_empty(),
        "offcputime names no rt_sleepy_wait stack: {blocked:?}"
    );
    let us: u64 = sleepy.iter().map(|s| s.1).sum();
    let want = SLEEPS * SLEEP_MS * 1000;
    // A block whose user stack the stack map could not keep (a hash collision:
    // the capture counts it, and offcputime warns of it) has no rt_sleepy_wait
    // frame: such blocks of the process count towards the requested sleeps.
    let stackless_us = sql_count(
        &copy,
        &format!(
            "SELECT CAST(coalesce(sum(ts_ns - ts_off_ns), 0) / 1000 AS BIGINT) AS n \
             FROM offcpu WHERE pid = {pid} AND ustack_id = 0"
        ),
    );
    // At least the requested sleeps; at most the wall time the sleeping phase
    // took (each block lasts until the thread runs again: timer slack and
    // run-queue wait included, as in the live offcputime).
    assert!(
        us + stackless_us >= want && us <= sleep_wall_us + 1000,
        "blocked {us} us in rt_sleepy_wait (and {stackless_us} us without a user stack): \
         expected {SLEEPS} x {SLEEP_MS} ms = {want} us, at most the {sleep_wall_us} us the \
         sleeps took"
    );
    // The raw rows behind it: one per sleep, in a user stack that holds an
    // address user_symbols names rt_sleepy_wait.
    let addrs: Vec<u64> = sql(
        &copy,
        &format!("SELECT addr FROM user_symbols WHERE pid = {pid} AND symbol = 'rt_sleepy_wait'"),
    )
    .iter()
    .map(|r| u64_of(r, "addr"))
    .collect();
    let ids: Vec<String> = sql(&copy, "SELECT stack_id, frames FROM stacks WHERE user")
        .iter()
        .filter(|r| {
            r["frames"].as_array().is_some_and(|f| {
                f.iter()
                    .any(|a| a.as_u64().is_some_and(|a| addrs.contains(&a)))
            })
        })
        .map(|r| u64_of(r, "stack_id").to_string())
        .collect();
    assert!(
        !ids.is_empty(),
        "no user stack holds rt_sleepy_wait ({addrs:?})"
    );
    let n = sql_count(
        &copy,
        &format!(
            "SELECT count(*) AS n FROM offcpu WHERE pid = {pid} AND ustack_id IN ({})",
            ids.join(", ")
        ),
    );
    assert_eq!(n, SLEEPS, "offcpu rows of rt_sleepy_wait");
}

#[test]
fn a_short_lived_process_has_named_samples() {
    let test = "a_short_lived_process_has_named_samples";
    if !bpf_or_skip(test) || !have_program(test, "cc") {
        return;
    }
    let dir = scratch("cpu-short");
    let work = build_cpuwork(dir.path());
    let cap = dir.path().join("cap");
    // Three processes that exec, burn 50 ms and exit.
    let script = format!("for i in 1 2 3; do {} short 50; done", work.display());
    record(
        &[
            "-s",
            "profile,proc",
            "-F",
            "999",
            "-o",
            cap.to_str().unwrap(),
            "--",
            "/bin/sh",
            "-c",
            &script,
        ],
        0,
    );
    let c = cap.to_str().unwrap();
    let pids = sql(
        &cap,
        "SELECT DISTINCT pid FROM process_exec WHERE comm = 'cpuwork' ORDER BY pid",
    );
    assert_eq!(pids.len(), 3, "three cpuwork execs: {pids:?}");
    for p in pids {
        let pid = u64_of(&p, "pid").to_string();
        let samples = folded(&retrace(&["profile", c, "-f", "-p", &pid]));
        let total: u64 = samples.iter().map(|s| s.1).sum();
        let named: u64 = samples
            .iter()
            .filter(|s| s.0.iter().any(|f| f.starts_with("rt_short_burn")))
            .map(|s| s.1)
            .sum();
        // 50 ms at 999 Hz: ~50 samples; most in rt_short_burn (the rest is exec
        // and the dynamic loader).
        assert!(total >= 20, "pid {pid}: only {total} samples");
        assert!(
            named * 10 >= total * 6,
            "pid {pid}: {named} of {total} samples name rt_short_burn: {samples:?}"
        );
    }
}

#[test]
fn syscount_counts_exactly_the_calls_made() {
    let test = "syscount_counts_exactly_the_calls_made";
    if !bpf_or_skip(test) || !have_program(test, "cc") {
        return;
    }
    let dir = scratch("cpu-sys");
    let work = build_cpuwork(dir.path());
    let cap = dir.path().join("cap");
    const K: u64 = 1234;
    record(
        &[
            "-s",
            "syscalls",
            "-o",
            cap.to_str().unwrap(),
            "--",
            work.to_str().unwrap(),
            "syscalls",
            &K.to_string(),
        ],
        0,
    );
    let pid = manifest(&cap)["command"]["pid"].as_u64().unwrap();
    let c = cap.to_str().unwrap();
    // Per system call, for the workload's process only.
    let rows = retrace_json(&["syscount", c, "-p", &pid.to_string(), "--top", "1000"]);
    let getppid: Vec<&Value> = rows.iter().filter(|r| r["syscall"] == "getppid").collect();
    assert_eq!(getppid.len(), 1, "one getppid row: {rows:?}");
    assert_eq!(
        u64_of(getppid[0], "count"),
        K,
        "syscount getppid of pid {pid}: {rows:?}"
    );
    // Per process: the workload's total is every call it made, getppid included,
    // equal to its raw rows.
    let raw = sql_count(
        &cap,
        &format!("SELECT count(*) AS n FROM syscalls WHERE pid = {pid}"),
    );
    let per_process = retrace_json(&["syscount", c, "-P", "--top", "1000"]);
    let mine = per_process
        .iter()
        .find(|r| r["pid"].as_u64() == Some(pid))
        .unwrap_or_else(|| panic!("syscount -P has no row of pid {pid}: {per_process:?}"));
    assert_eq!(u64_of(mine, "count"), raw);
    assert!(raw > K);
}

#[test]
fn pmc_samples_software_events_or_says_why_hardware_is_unavailable() {
    let test = "pmc_samples_software_events_or_says_why_hardware_is_unavailable";
    if !bpf_or_skip(test) || !have_program(test, "cc") {
        return;
    }
    let dir = scratch("cpu-pmc");
    let work = build_cpuwork(dir.path());
    // The sampler through software events: every page fault of the workload.
    let cap = dir.path().join("sw");
    const PAGES: u64 = 3000;
    record(
        &[
            "-s",
            "pmc",
            "--pmc-events",
            "software",
            "-o",
            cap.to_str().unwrap(),
            "--",
            work.to_str().unwrap(),
            "faults",
            &PAGES.to_string(),
        ],
        0,
    );
    let pid = manifest(&cap)["command"]["pid"].as_u64().unwrap();
    let faults = sql_count(
        &cap,
        &format!("SELECT sum(period) AS n FROM pmc WHERE pid = {pid} AND counter = 'page_faults'"),
    );
    // Every touched page faults once; the loader and libc add a few hundred.
    assert!(
        (PAGES..=PAGES + 1000).contains(&faults),
        "{faults} page faults sampled, the workload touched {PAGES} pages"
    );

    // Hardware counters: recorded where there is a PMU, else reported with the
    // kernel's reason while the other sources go on.
    let hw = dir.path().join("hw");
    record(
        &["-s", "pmc,sched", "-d", "1s", "-o", hw.to_str().unwrap()],
        0,
    );
    let m = manifest(&hw);
    let pmc = m["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "pmc")
        .unwrap();
    if pmc["status"]["state"] == "unavailable" {
        let reason = pmc["status"]["reason"].as_str().unwrap();
        assert!(reason.contains("perf_event_open"), "reason: {reason}");
        assert!(m["complete"].as_bool().unwrap());
        assert!(manifest_total(&m, "rows", &["sched_switch"]) > 0);
    } else {
        assert!(
            manifest_total(&m, "rows", &["pmc"]) > 0,
            "PMU present but no pmc rows"
        );
    }
}

/// Time CPU 0 spent on what the kernel charges to no task (hypervisor steal,
/// hard and soft interrupts), in ns, from /proc/stat.
fn cpu0_not_task_ns() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap();
    let line = stat
        .lines()
        .find(|l| l.starts_with("cpu0 "))
        .expect("cpu0 in /proc/stat");
    let f: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().unwrap())
        .collect();
    // user nice system idle iowait irq softirq steal ...
    let ticks = f[5] + f[6] + f[7];
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    ticks * 1_000_000_000 / hz
}

/// (lower, upper) bounds of the sum of the values behind a log2 histogram in
/// units: a value in slot b lies in [2^b, 2^(b+1)) (slot 0 also holds 0).
fn log2_sum_bounds(rows: &[&Value]) -> (u64, u64) {
    rows.iter().fold((0, 0), |(lo, hi), r| {
        let b = u64_of(r, "bucket");
        let n = u64_of(r, "count");
        let low = if b == 0 { 0 } else { 1u64 << b };
        (lo + n * low, hi + n * (1u64 << (b + 1)))
    })
}

#[test]
fn cpudist_and_runqlat_agree_with_two_threads_contending_for_one_cpu() {
    let test = "cpudist_and_runqlat_agree_with_two_threads_contending_for_one_cpu";
    if !bpf_or_skip(test) || !have_program(test, "cc") {
        return;
    }
    let dir = scratch("cpu-contend");
    let work = build_cpuwork(dir.path());
    let cap = dir.path().join("cap");
    const CPU_MS: u64 = 300;
    let steal0 = cpu0_not_task_ns();
    let out = record(
        &[
            "-s",
            "sched",
            "-o",
            cap.to_str().unwrap(),
            "--",
            work.to_str().unwrap(),
            "contend",
            &CPU_MS.to_string(),
        ],
        0,
    );
    let steal = (steal0, cpu0_not_task_ns());
    // Each thread prints "tid cpu_ns" (its own CPU time, CLOCK_THREAD_CPUTIME_ID).
    let threads: Vec<(u64, u64)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (t, n) = l.split_once(' ')?;
            Some((t.parse().ok()?, n.trim().parse().ok()?))
        })
        .collect();
    assert_eq!(
        threads.len(),
        2,
        "workload output: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    let pid = manifest(&cap)["command"]["pid"].as_u64().unwrap();
    let c = cap.to_str().unwrap();

    // On-CPU time of each thread from the raw switch rows: switch-in to the next
    // switch-out of the same thread.
    let raw = sql(
        &cap,
        &format!(
            "WITH e AS (SELECT ts_ns, next_tid AS tid, 1 AS is_in FROM sched_switch WHERE next_pid = {pid} \
             UNION ALL SELECT ts_ns, prev_tid, 0 FROM sched_switch WHERE prev_pid = {pid}), \
             p AS (SELECT tid, ts_ns, is_in, lag(ts_ns) OVER (PARTITION BY tid ORDER BY ts_ns, is_in) AS pts, \
             lag(is_in) OVER (PARTITION BY tid ORDER BY ts_ns, is_in) AS pin FROM e) \
             SELECT tid, CAST(sum(ts_ns - pts) AS BIGINT) AS oncpu_ns, count(*) AS runs \
             FROM p WHERE is_in = 0 AND pin = 1 GROUP BY tid"
        ),
    );
    let oncpu = |tid: u64| -> (u64, u64) {
        let r = raw
            .iter()
            .find(|r| u64_of(r, "tid") == tid)
            .unwrap_or_else(|| panic!("no switch rows of thread {tid}: {raw:?}"));
        (u64_of(r, "oncpu_ns"), u64_of(r, "runs"))
    };
    let dist = retrace_json(&["cpudist", c, "-L", "-p", &pid.to_string()]);
    let (steal_before, steal_after) = steal;
    let lat = retrace_json(&["runqlat", c, "-L", "-p", &pid.to_string()]);
    for (i, &(tid, cpu_ns)) in threads.iter().enumerate() {
        let (on_ns, runs) = oncpu(tid);
        // The recording: on-CPU time from the switches equals the thread's own
        // clock (which stops just before its printf and exit), except for what
        // the kernel does not charge to a task while it is on the CPU: time
        // stolen by the hypervisor and interrupt time (CPU 0's counters during
        // the run, in 10 ms ticks, bound it), within 3%.
        let slack = steal_after - steal_before;
        assert!(
            on_ns >= cpu_ns * 99 / 100 && on_ns <= cpu_ns * 103 / 100 + slack + 2_000_000,
            "thread {tid}: {on_ns} ns on CPU from sched_switch, {cpu_ns} ns by its own \
             clock, {slack} ns of steal + irq time on CPU 0"
        );
        // cpudist: one entry per run, and a histogram consistent with the total.
        let mine: Vec<&Value> = dist
            .iter()
            .filter(|r| r["id"].as_u64() == Some(tid))
            .collect();
        let n: u64 = mine.iter().map(|r| u64_of(r, "count")).sum();
        assert_eq!(n, runs, "cpudist runs of thread {tid}: {mine:?}");
        let (lo, hi) = log2_sum_bounds(&mine);
        let on_us = on_ns / 1000;
        assert!(
            lo <= on_us && on_us < hi,
            "cpudist of {tid}: {on_us} us not in [{lo}, {hi})"
        );
        // runqlat: pinned to one CPU, each thread waits while the other runs, so
        // its waits add up to about the other's CPU time; no wait exceeds a few
        // scheduler slices.
        let (other_ns, _) = oncpu(threads[1 - i].0);
        let waits: Vec<&Value> = lat
            .iter()
            .filter(|r| r["id"].as_u64() == Some(tid))
            .collect();
        let (lo, hi) = log2_sum_bounds(&waits);
        let other_us = other_ns / 1000;
        assert!(
            hi >= other_us * 8 / 10 && lo <= other_us * 3 / 2 + 50_000,
            "runqlat of {tid}: waits in [{lo}, {hi}) us, the other thread ran {other_us} us"
        );
        let max_slot = waits.iter().map(|r| u64_of(r, "bucket")).max().unwrap_or(0);
        assert!(
            max_slot <= 16,
            "thread {tid} waited >= 2^{max_slot} us at once: {waits:?}"
        );
    }
}

#[test]
fn raw_tp_fallback_records_the_same_events() {
    let test = "raw_tp_fallback_records_the_same_events";
    if !bpf_or_skip(test) || !have_program(test, "cc") {
        return;
    }
    let dir = scratch("cpu-rawtp");
    let work = build_cpuwork(dir.path());
    let cap = dir.path().join("cap");
    const K: u64 = 500;
    // Kernels before 5.5 have no tp_btf; this hook makes the recorder take the
    // raw_tp programs it would load there.
    let out = Command::new(bin("retrace-record"))
        .env("RETRACE_DEBUG_ATTACH", "raw_tp")
        .args(["--quiet", "-s", "sched,syscalls,irq", "-o"])
        .arg(&cap)
        .arg("--")
        .arg(&work)
        .args(["syscalls", &K.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = manifest(&cap);
    for s in m["sources"].as_array().unwrap() {
        for p in s["status"]["probes"].as_array().expect("attached") {
            assert_eq!(p["attach"], "raw_tp", "{s}");
        }
    }
    let pid = m["command"]["pid"].as_u64().unwrap();
    let getppid = sql_count(
        &cap,
        &format!("SELECT count(*) AS n FROM syscalls WHERE pid = {pid} AND nr = 110"),
    );
    if std::env::consts::ARCH == "x86_64" {
        assert_eq!(getppid, K, "getppid calls recorded through raw_tp");
    }
    // The workload left the CPU at least once under its own name (at exit at
    // the latest), and the switch rows name it.
    let switches = sql_count(
        &cap,
        &format!(
            "SELECT count(*) AS n FROM sched_switch \
             WHERE prev_pid = {pid} AND prev_tid = {pid} AND prev_comm = 'cpuwork'"
        ),
    );
    assert!(switches >= 1, "no switch-out of the workload");
}
