//! sigsnoop, killsnoop and oomkill over `fixtures/signals`, checked against the raw
//! signal_generate and oom_kill rows read with parquet's own reader.

use std::path::PathBuf;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Int32Type, UInt32Type, UInt64Type};

use crate::support::*;

fn signals() -> PathBuf {
    fixture().join("../signals")
}

fn fx() -> String {
    signals().to_string_lossy().into_owned()
}

/// A raw signal_generate row.
#[derive(Debug, Clone)]
struct Sig {
    ts: u64,
    pid: u32,
    comm: String,
    sig: i32,
    code: i32,
    target: u32,
    result: i32,
}

fn generated() -> Vec<Sig> {
    let mut out = Vec::new();
    for b in read_table(&signals(), "signal_generate") {
        let u64s = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_primitive::<UInt64Type>()
                .clone()
        };
        let u32s = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_primitive::<UInt32Type>()
                .clone()
        };
        let i32s = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_primitive::<Int32Type>()
                .clone()
        };
        let (ts, pid, target) = (u64s("ts_ns"), u32s("pid"), u32s("target_pid"));
        let (sig, code, result) = (i32s("sig"), i32s("code"), i32s("result"));
        let comm = b.column_by_name("comm").unwrap().as_string::<i32>().clone();
        for i in 0..b.num_rows() {
            out.push(Sig {
                ts: ts.value(i),
                pid: pid.value(i),
                comm: comm.value(i).to_string(),
                sig: sig.value(i),
                code: code.value(i),
                target: target.value(i),
                result: result.value(i),
            });
        }
    }
    out.sort_by_key(|s| (s.ts, s.pid));
    out
}

fn check(rows: &[serde_json::Map<String, serde_json::Value>], want: &[&Sig]) {
    assert_eq!(rows.len(), want.len());
    for (r, s) in rows.iter().zip(want) {
        assert_eq!(num(r, "ts_ns") as u64, s.ts);
        assert_eq!(num(r, "pid") as u32, s.pid);
        assert_eq!(text(r, "comm"), s.comm);
        assert_eq!(num(r, "sig") as i32, s.sig);
        assert_eq!(num(r, "target_pid") as u32, s.target);
        assert_eq!(num(r, "result") as i32, s.result);
    }
}

#[test]
fn sigsnoop_lists_every_generated_signal_and_filters_like_the_live_tool() {
    let all = generated();
    assert!(all.len() >= 100);
    check(
        &json_rows(&["sigsnoop", &fx()]),
        &all.iter().collect::<Vec<_>>(),
    );
    let failed: Vec<&Sig> = all.iter().filter(|s| s.result != 0).collect();
    assert!(!failed.is_empty());
    check(&json_rows(&["sigsnoop", &fx(), "-x"]), &failed);
    let kills: Vec<&Sig> = all.iter().filter(|s| s.code == 0 || s.code == -6).collect();
    assert!(
        kills.len() < all.len(),
        "the fixture has kernel-sent signals too"
    );
    check(&json_rows(&["sigsnoop", &fx(), "-k"]), &kills);
    let by_pid: Vec<&Sig> = all.iter().filter(|s| s.pid == 3200).collect();
    check(&json_rows(&["sigsnoop", &fx(), "-p", "3200"]), &by_pid);
    let to: Vec<&Sig> = all
        .iter()
        .filter(|s| s.target == 4200 && s.sig == 9)
        .collect();
    check(
        &json_rows(&["sigsnoop", &fx(), "-t", "4200", "-s", "9"]),
        &to,
    );
    let named: Vec<&Sig> = all.iter().filter(|s| s.comm.contains("nginx")).collect();
    check(&json_rows(&["sigsnoop", &fx(), "-c", "nginx"]), &named);
}

#[test]
fn sigsnoop_text_has_the_live_tools_columns() {
    let out = ok(&["sigsnoop", &fx(), "-T", "-n"]);
    let mut lines = out.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("TIME     PID     COMM             SIG "),
        "{header:?}"
    );
    assert!(header.ends_with("TPID    RESULT"), "{header:?}");
    let first = &generated()[0];
    let line = lines.next().unwrap();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields[1], first.pid.to_string(), "{line}");
    let name = match first.sig {
        1 => "SIGHUP",
        9 => "SIGKILL",
        10 => "SIGUSR1",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        17 => "SIGCHLD",
        other => panic!("unexpected signal {other}"),
    };
    assert!(fields.contains(&name), "{line}");
    assert_eq!(out.lines().count(), generated().len() + 1);
}

#[test]
fn killsnoop_counts_only_kill_family_signals() {
    let all = generated();
    let kills: Vec<&Sig> = all.iter().filter(|s| s.code == 0 || s.code == -6).collect();
    check(&json_rows(&["killsnoop", &fx()]), &kills);
    let term: Vec<&Sig> = kills.iter().copied().filter(|s| s.sig == 15).collect();
    check(&json_rows(&["killsnoop", &fx(), "-s", "15"]), &term);
    let out = ok(&["killsnoop", &fx()]);
    assert!(
        out.starts_with("TIME      PID    COMM             SIG  TPID   RESULT\n"),
        "{out}"
    );
}

#[test]
fn oomkill_names_victim_and_trigger() {
    let batches = read_table(&signals(), "oom_kill");
    let b = &batches[0];
    assert_eq!(b.num_rows(), 2);
    let victims = b
        .column_by_name("victim_pid")
        .unwrap()
        .as_primitive::<UInt32Type>();
    let total = b.column_by_name("total_pages").unwrap();
    let rows = json_rows(&["oomkill", &fx()]);
    assert_eq!(rows.len(), 2);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(num(r, "victim_pid") as u32, victims.value(i));
    }
    let out = ok(&["oomkill", &fx()]);
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("OOM kill")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].contains(r#"Triggered by PID 4400 ("java"), OOM kill of PID 4401 ("java")"#),
        "{out}"
    );
    // Recorded from mark_victim: no domain size, the victim's resident pages instead.
    assert!(
        total.is_null(0) && lines[0].ends_with("250000 pages resident"),
        "{out}"
    );
    assert!(
        !total.is_null(1) && lines[1].ends_with(", 262144 pages"),
        "{out}"
    );
}
