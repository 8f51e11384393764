//! opensnoop, statsnoop and syncsnoop over `fixtures/files`, checked against the raw
//! file_open, file_stat and file_sync rows read with parquet's own reader.

use std::path::PathBuf;

use arrow::array::AsArray;
use arrow::datatypes::{Int32Type, Int64Type, UInt32Type, UInt64Type};

use crate::support::*;

fn files() -> PathBuf {
    fixture().join("../files")
}

fn fx() -> String {
    files().to_string_lossy().into_owned()
}

/// A raw file_open row (the columns opensnoop shows or filters on).
#[derive(Debug, Clone)]
struct Open {
    ts: u64,
    pid: u32,
    tid: u32,
    uid: u32,
    comm: String,
    path: String,
    ret: i64,
}

fn opens() -> Vec<Open> {
    let mut out = Vec::new();
    for b in read_table(&files(), "file_open") {
        let col = |n: &str| b.column_by_name(n).unwrap().clone();
        let ts = col("ts_ns");
        let ts = ts.as_primitive::<UInt64Type>();
        let (pid, tid, uid) = (col("pid"), col("tid"), col("uid"));
        let (pid, tid, uid) = (
            pid.as_primitive::<UInt32Type>(),
            tid.as_primitive::<UInt32Type>(),
            uid.as_primitive::<UInt32Type>(),
        );
        let ret = col("ret");
        let ret = ret.as_primitive::<Int64Type>();
        let (comm, path) = (col("comm"), col("path"));
        let (comm, path) = (comm.as_string::<i32>(), path.as_string::<i32>());
        for i in 0..b.num_rows() {
            out.push(Open {
                ts: ts.value(i),
                pid: pid.value(i),
                tid: tid.value(i),
                uid: uid.value(i),
                comm: comm.value(i).to_string(),
                path: path.value(i).to_string(),
                ret: ret.value(i),
            });
        }
    }
    out.sort_by_key(|o| (o.ts, o.tid));
    out
}

fn check_opens(rows: &[serde_json::Map<String, serde_json::Value>], want: &[&Open]) {
    assert_eq!(rows.len(), want.len());
    for (r, o) in rows.iter().zip(want) {
        assert_eq!(num(r, "ts_ns") as u64, o.ts);
        assert_eq!(num(r, "pid") as u32, o.pid);
        assert_eq!(text(r, "comm"), o.comm);
        assert_eq!(text(r, "path"), o.path);
        // FD and ERR as the live tool prints them, from the one return value.
        let (fd, err) = if o.ret >= 0 { (o.ret, 0) } else { (-1, -o.ret) };
        assert_eq!(num(r, "fd"), fd, "{r:?}");
        assert_eq!(num(r, "err"), err, "{r:?}");
    }
}

#[test]
fn opensnoop_lists_every_open_and_filters_like_the_live_tool() {
    let all = opens();
    assert!(all.len() >= 100);
    check_opens(&json_rows(&["opensnoop", &fx()]), &all.iter().collect::<Vec<_>>());
    let failed: Vec<&Open> = all.iter().filter(|o| o.ret < 0).collect();
    assert!(!failed.is_empty() && failed.len() < all.len());
    check_opens(&json_rows(&["opensnoop", &fx(), "-x"]), &failed);
    let by_pid: Vec<&Open> = all.iter().filter(|o| o.pid == 5300).collect();
    check_opens(&json_rows(&["opensnoop", &fx(), "-p", "5300"]), &by_pid);
    let by_tid: Vec<&Open> = all.iter().filter(|o| o.tid == 5201).collect();
    assert!(!by_tid.is_empty());
    check_opens(&json_rows(&["opensnoop", &fx(), "-t", "5201"]), &by_tid);
    let by_uid: Vec<&Open> = all.iter().filter(|o| o.uid == 1000).collect();
    check_opens(&json_rows(&["opensnoop", &fx(), "-u", "1000"]), &by_uid);
    let named: Vec<&Open> = all.iter().filter(|o| o.comm.contains("ngin")).collect();
    check_opens(&json_rows(&["opensnoop", &fx(), "-n", "ngin"]), &named);
}

#[test]
fn opensnoop_text_has_the_live_tools_columns() {
    let out = ok(&["opensnoop", &fx(), "-T", "-U"]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "TIME(s)  UID     PID    COMM              FD ERR PATH"
    );
    let first = &opens()[0];
    let fields: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(fields[1], first.uid.to_string());
    assert_eq!(fields[2], first.pid.to_string());
    assert_eq!(fields[fields.len() - 1], first.path);
    assert_eq!(out.lines().count(), opens().len() + 1);
}

#[test]
fn statsnoop_lists_every_stat_with_its_result() {
    let mut want = Vec::new();
    for b in read_table(&files(), "file_stat") {
        let col = |n: &str| b.column_by_name(n).unwrap().clone();
        let ts = col("ts_ns");
        let ts = ts.as_primitive::<UInt64Type>();
        let pid = col("pid");
        let pid = pid.as_primitive::<UInt32Type>();
        let ret = col("ret");
        let ret = ret.as_primitive::<Int64Type>();
        let path = col("path");
        let path = path.as_string::<i32>();
        for i in 0..b.num_rows() {
            want.push((ts.value(i), pid.value(i), ret.value(i), path.value(i).to_string()));
        }
    }
    want.sort_by_key(|w| w.0);
    assert!(want.len() >= 50);
    let check = |rows: &[serde_json::Map<String, serde_json::Value>], want: &[&(u64, u32, i64, String)]| {
        assert_eq!(rows.len(), want.len());
        for (r, w) in rows.iter().zip(want) {
            assert_eq!(num(r, "ts_ns") as u64, w.0);
            assert_eq!(num(r, "pid") as u32, w.1);
            assert_eq!(text(r, "path"), w.3);
            let (ret, err) = if w.2 < 0 { (-1, -w.2) } else { (0, 0) };
            assert_eq!((num(r, "ret"), num(r, "err")), (ret, err), "{r:?}");
        }
    };
    check(&json_rows(&["statsnoop", &fx()]), &want.iter().collect::<Vec<_>>());
    let failed: Vec<_> = want.iter().filter(|w| w.2 < 0).collect();
    assert!(!failed.is_empty() && failed.len() < want.len());
    check(&json_rows(&["statsnoop", &fx(), "-x"]), &failed);
    let by_pid: Vec<_> = want.iter().filter(|w| w.1 == 5200).collect();
    check(&json_rows(&["statsnoop", &fx(), "-p", "5200"]), &by_pid);
    let out = ok(&["statsnoop", &fx(), "-t"]);
    assert!(
        out.starts_with("TIME(s)        PID     COMM                 RET  ERR  PATH\n"),
        "{out}"
    );
}

#[test]
fn syncsnoop_lists_every_sync_call_with_its_latency() {
    let mut want = Vec::new();
    for b in read_table(&files(), "file_sync") {
        let col = |n: &str| b.column_by_name(n).unwrap().clone();
        let (ts, enter) = (col("ts_ns"), col("ts_enter_ns"));
        let (ts, enter) = (ts.as_primitive::<UInt64Type>(), enter.as_primitive::<UInt64Type>());
        let fd = col("fd");
        let fd = fd.as_primitive::<Int32Type>();
        let call = col("call");
        let call = call.as_string::<i32>();
        for i in 0..b.num_rows() {
            want.push((
                ts.value(i),
                call.value(i).to_string(),
                fd.value(i),
                (ts.value(i) - enter.value(i)) as f64 / 1e6,
            ));
        }
    }
    want.sort_by_key(|w| w.0);
    assert!(want.len() >= 30);
    let rows = json_rows(&["syncsnoop", &fx()]);
    assert_eq!(rows.len(), want.len());
    for (r, w) in rows.iter().zip(&want) {
        assert_eq!(num(r, "ts_ns") as u64, w.0);
        assert_eq!(text(r, "call"), w.1);
        assert_eq!(num(r, "fd") as i32, w.2);
        let lat = r.get("lat_ms").and_then(|v| v.as_f64()).unwrap();
        assert!((lat - w.3).abs() < 1e-9, "{r:?}");
    }
    let fsyncs = want.iter().filter(|w| w.1 == "fsync").count();
    assert!(fsyncs > 0 && fsyncs < want.len());
    assert_eq!(json_rows(&["syncsnoop", &fx(), "-c", "fsync"]).len(), fsyncs);
}

#[test]
fn file_tool_outputs_match_snapshots() {
    assert_snapshots([
        ("opensnoop-T-U", ok(&["opensnoop", &fx(), "-T", "-U"])),
        ("opensnoop-x", ok(&["opensnoop", &fx(), "-x"])),
        ("statsnoop-t", ok(&["statsnoop", &fx(), "-t"])),
        ("syncsnoop-T", ok(&["syncsnoop", &fx(), "-T"])),
    ]);
}

/// filelife pairs each successful unlink with the last creating open of its path
/// (same process for a relative path) since the path's previous unlink.
#[test]
fn filelife_pairs_creations_with_unlinks() {
    // (ts, tid, pid, path, created) of creating opens, from the raw rows.
    let mut created = Vec::new();
    for b in read_table(&files(), "file_open") {
        let col = |n: &str| b.column_by_name(n).unwrap().clone();
        let ts = col("ts_ns");
        let ts = ts.as_primitive::<UInt64Type>();
        let pid = col("pid");
        let pid = pid.as_primitive::<UInt32Type>();
        let path = col("path");
        let path = path.as_string::<i32>();
        let made = col("created");
        let made = made.as_boolean();
        for i in (0..b.num_rows()).filter(|&i| made.value(i)) {
            created.push((ts.value(i), pid.value(i), path.value(i).to_string()));
        }
    }
    let mut unlinks = Vec::new();
    for b in read_table(&files(), "file_unlink") {
        let col = |n: &str| b.column_by_name(n).unwrap().clone();
        let (ts, enter) = (col("ts_ns"), col("ts_enter_ns"));
        let (ts, enter) = (ts.as_primitive::<UInt64Type>(), enter.as_primitive::<UInt64Type>());
        let pid = col("pid");
        let pid = pid.as_primitive::<UInt32Type>();
        let (path, ret, flags) = (col("path"), col("ret"), col("flags"));
        let (path, ret, flags) = (
            path.as_string::<i32>(),
            ret.as_primitive::<Int64Type>(),
            flags.as_primitive::<UInt32Type>(),
        );
        for i in 0..b.num_rows() {
            if ret.value(i) == 0 && flags.value(i) & 0x200 == 0 {
                unlinks.push((ts.value(i), enter.value(i), pid.value(i), path.value(i).to_string()));
            }
        }
    }
    unlinks.sort();
    let mut want = Vec::new();
    for (k, (_, enter, pid, path)) in unlinks.iter().enumerate() {
        let prev = unlinks[..k].iter().rev().find(|u| u.3 == *path).map_or(0, |u| u.0);
        let creation = created
            .iter()
            .filter(|(c, cpid, cpath)| {
                cpath == path && *c < *enter && *c > prev && (path.starts_with('/') || cpid == pid)
            })
            .map(|c| c.0)
            .max();
        if let Some(c) = creation {
            want.push((*pid, path.clone(), (*enter - c) as f64 / 1e9));
        }
    }
    let rows = json_rows(&["filelife", &fx()]);
    assert_eq!(rows.len(), want.len(), "{rows:?}");
    assert!(want.len() >= 4 && want.len() < unlinks.len(), "{want:?}");
    for (r, (pid, path, age)) in rows.iter().zip(&want) {
        assert_eq!(num(r, "pid") as u32, *pid);
        assert_eq!(text(r, "file"), *path);
        assert!((r["age_s"].as_f64().unwrap() - age).abs() < 1e-9, "{r:?}");
    }
}

#[test]
fn mountsnoop_prints_each_call_as_written() {
    let rows = json_rows(&["mountsnoop", &fx()]);
    let raw: usize = read_table(&files(), "file_mount").iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows.len(), raw);
    let texts: Vec<String> = rows.iter().map(|r| text(r, "text")).collect();
    assert!(texts.contains(
        &r#"mount("none", "/mnt/scratch", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m") = 0"#.to_string()
    ), "{texts:?}");
    assert!(texts.iter().any(|t| t.ends_with(") = -ENOENT")), "{texts:?}");
    assert!(texts.contains(&r#"umount("/mnt/scratch", 0x2) = 0"#.to_string()), "{texts:?}");
    let only = json_rows(&["mountsnoop", &fx(), "-p", "6106"]);
    assert_eq!(only.len(), 1);
}

#[test]
fn mount_and_lifetime_outputs_match_snapshots() {
    assert_snapshots([
        ("filelife", ok(&["filelife", &fx()])),
        ("mountsnoop-t", ok(&["mountsnoop", &fx(), "-t"])),
    ]);
}
