//! filetop, fileslower, filetype, fsrwstat, writesync, scread, vfssize and vfsstat
//! over `fixtures/files`, checked against the raw file_io (and file_open,
//! file_sync) rows read with parquet's own reader and tallied here in Rust.

use std::collections::BTreeMap;
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

/// A raw file_io row.
#[derive(Debug, Clone)]
struct Io {
    ts: u64,
    ts_enter: u64,
    pid: u32,
    tid: u32,
    comm: String,
    call: String,
    write: bool,
    count: u64,
    ret: i64,
    ino: u64,
    fstype: String,
    mode: u32,
    flags: u32,
    name: String,
}

impl Io {
    fn bytes(&self) -> i64 {
        self.ret.max(0)
    }
    fn regular(&self) -> bool {
        self.mode & 0o170000 == 0o100000
    }
    fn file_type(&self) -> &'static str {
        match self.mode & 0o170000 {
            0o100000 => "regular",
            0o140000 => "socket",
            0o010000 => "fifo",
            0o020000 => "char",
            _ => "other",
        }
    }
    fn op(&self) -> &'static str {
        if self.write {
            "write"
        } else {
            "read"
        }
    }
    /// The name tools print: a nameless file (a pipe) as [fstype].
    fn file(&self) -> String {
        if self.name.is_empty() {
            format!("[{}]", self.fstype)
        } else {
            self.name.clone()
        }
    }
    fn lat_ms(&self) -> f64 {
        (self.ts - self.ts_enter) as f64 / 1e6
    }
}

fn io_rows() -> Vec<Io> {
    let mut out = Vec::new();
    for b in read_table(&files(), "file_io") {
        let col = |n: &str| b.column_by_name(n).unwrap().clone();
        let u64s = |n: &str| col(n).as_primitive::<UInt64Type>().clone();
        let u32s = |n: &str| col(n).as_primitive::<UInt32Type>().clone();
        let strs = |n: &str| col(n).as_string::<i32>().clone();
        let (ts, ts_enter, count, ino) = (u64s("ts_ns"), u64s("ts_enter_ns"), u64s("count"), u64s("ino"));
        let (pid, tid, mode, flags) = (u32s("pid"), u32s("tid"), u32s("mode"), u32s("flags"));
        let (comm, call, fstype, name) = (strs("comm"), strs("call"), strs("fstype"), strs("name"));
        let ret = col("ret").as_primitive::<Int64Type>().clone();
        let write = col("write").as_boolean().clone();
        let fd = col("fd").as_primitive::<Int32Type>().clone();
        for i in 0..b.num_rows() {
            assert!(fd.value(i) >= 0);
            out.push(Io {
                ts: ts.value(i),
                ts_enter: ts_enter.value(i),
                pid: pid.value(i),
                tid: tid.value(i),
                comm: comm.value(i).to_string(),
                call: call.value(i).to_string(),
                write: write.value(i),
                count: count.value(i),
                ret: ret.value(i),
                ino: ino.value(i),
                fstype: fstype.value(i).to_string(),
                mode: mode.value(i),
                flags: flags.value(i),
                name: name.value(i).to_string(),
            });
        }
    }
    out.sort_by_key(|r| (r.ts, r.tid));
    assert!(out.len() >= 300, "{} file_io rows", out.len());
    out
}

/// Per (tid, file name, inode): [reads, writes, rbytes, wbytes].
fn filetop_tally(rows: &[Io], all: bool) -> BTreeMap<(u32, String, u64), [i64; 4]> {
    let mut m: BTreeMap<(u32, String, u64), [i64; 4]> = BTreeMap::new();
    for r in rows.iter().filter(|r| all || r.regular()) {
        let e = m.entry((r.tid, r.file(), r.ino)).or_default();
        let w = r.write as usize;
        e[w] += 1;
        e[2 + w] += r.bytes();
    }
    m
}

#[test]
fn filetop_counts_calls_and_bytes_per_thread_and_file() {
    let rows = io_rows();
    let f = fx();
    for all in [false, true] {
        let want = filetop_tally(&rows, all);
        let mut args = vec!["filetop", &f, "-r", "1000"];
        if all {
            args.push("-a");
        }
        let got = json_rows(&args);
        assert_eq!(got.len(), want.len(), "all={all}");
        let mut seen = 0;
        for g in &got {
            // The inode is not an output column: sum the thread's rows of that name.
            let (tid, file) = (num(g, "tid") as u32, text(g, "file"));
            let matching: Vec<_> = want
                .iter()
                .filter(|((t, f, _), _)| *t == tid && *f == file)
                .map(|(_, v)| v)
                .collect();
            assert!(
                matching.iter().any(|v| **v
                    == [num(g, "reads"), num(g, "writes"), num(g, "rbytes"), num(g, "wbytes")]),
                "{g:?} not in {matching:?}"
            );
            assert_eq!(num(g, "r_kb"), num(g, "rbytes") / 1024);
            let t = text(g, "t");
            assert_eq!(t == "R", !all || rows.iter().any(|r| r.tid == tid && r.file() == file && r.regular()));
            seen += 1;
        }
        assert_eq!(seen, want.len());
    }
    // Sorted by bytes read, the top 3.
    let mut by_rbytes: Vec<i64> = filetop_tally(&rows, false).values().map(|v| v[2]).collect();
    by_rbytes.sort_unstable_by(|a, b| b.cmp(a));
    let top = json_rows(&["filetop", &fx(), "-s", "rbytes", "-r", "3"]);
    let got: Vec<i64> = top.iter().map(|g| num(g, "rbytes")).collect();
    assert_eq!(got, by_rbytes[..3]);
    let pid: Vec<_> = json_rows(&["filetop", &fx(), "-p", "5300", "-r", "1000"]);
    assert!(!pid.is_empty());
    assert!(pid.iter().all(|g| (5300..5303).contains(&(num(g, "tid") as u32))));
}

#[test]
fn filetop_per_interval_adds_up_to_the_whole() {
    let rows = io_rows();
    let per_second = json_rows(&["filetop", &fx(), "--interval", "1", "-r", "1000"]);
    let total: i64 = per_second.iter().map(|g| num(g, "reads") + num(g, "writes")).sum();
    assert_eq!(total, rows.iter().filter(|r| r.regular()).count() as i64);
    let intervals: std::collections::BTreeSet<i64> =
        per_second.iter().map(|g| num(g, "interval_index")).collect();
    assert!(intervals.len() > 10, "{intervals:?}");
}

#[test]
fn fileslower_lists_exactly_the_calls_over_the_threshold() {
    let rows = io_rows();
    let check = |args: &[&str], want: Vec<&Io>| {
        let got = json_rows(args);
        assert_eq!(got.len(), want.len(), "{args:?}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(num(g, "ts_ns") as u64, w.ts);
            assert_eq!(num(g, "tid") as u32, w.tid);
            assert_eq!(text(g, "d"), if w.write { "W" } else { "R" });
            assert_eq!(num(g, "bytes") as u64, w.count);
            assert!((g["lat_ms"].as_f64().unwrap() - w.lat_ms()).abs() < 1e-9);
            assert_eq!(text(g, "file"), w.file());
        }
    };
    let slow: Vec<&Io> = rows.iter().filter(|r| r.regular() && r.lat_ms() >= 10.0).collect();
    assert!(slow.len() > 20 && slow.len() < rows.len() / 4, "{}", slow.len());
    check(&["fileslower", &fx()], slow);
    check(&["fileslower", &fx(), "0", "-a"], rows.iter().collect());
    let over30: Vec<&Io> = rows
        .iter()
        .filter(|r| r.regular() && r.lat_ms() >= 30.0 && r.pid == 5200)
        .collect();
    assert!(!over30.is_empty());
    check(&["fileslower", &fx(), "30", "-p", "5200"], over30);
}

#[test]
fn filetype_fsrwstat_writesync_and_scread_tally_the_raw_rows() {
    let rows = io_rows();
    let pairs = |args: &[&str], key: &dyn Fn(&serde_json::Map<String, serde_json::Value>) -> String, val: &str| {
        json_rows(args)
            .iter()
            .map(|g| (key(g), num(g, val)))
            .collect::<BTreeMap<String, i64>>()
    };
    let want = tally(rows.iter().map(|r| format!("{} {} {}", r.file_type(), r.op(), r.comm)));
    let got = pairs(&["filetype", &fx()], &|g| format!("{} {} {}", text(g, "file_type"), text(g, "op"), text(g, "comm")), "calls");
    assert_eq!(got, want);

    let want = tally(rows.iter().map(|r| format!("{} {}", r.fstype, r.op())));
    assert_eq!(want.len(), 12, "six file-system types, two directions");
    let got = pairs(&["fsrwstat", &fx()], &|g| format!("{} {}", text(g, "fstype"), text(g, "op")), "calls");
    assert_eq!(got, want);
    let bytes: i64 = json_rows(&["fsrwstat", &fx()]).iter().map(|g| num(g, "bytes")).sum();
    assert_eq!(bytes, rows.iter().map(Io::bytes).sum::<i64>());

    let writes: Vec<&Io> = rows.iter().filter(|r| r.write && r.regular()).collect();
    let sync = |r: &&Io| r.flags & 0o10000 != 0;
    let got = json_rows(&["writesync", &fx()]);
    for g in &got {
        let comm = text(g, "comm");
        let mine: Vec<&&Io> = writes.iter().filter(|r| r.comm == comm).collect();
        let n_sync = mine.iter().filter(|r| sync(r)).count() as i64;
        assert_eq!(num(g, "sync"), n_sync, "{comm}");
        assert_eq!(num(g, "regular"), mine.len() as i64 - n_sync, "{comm}");
        let sync_bytes: i64 = mine.iter().filter(|r| sync(r)).map(|r| r.bytes()).sum();
        assert_eq!(num(g, "sync_bytes"), sync_bytes);
    }
    assert_eq!(got.len(), tally(writes.iter().map(|r| r.comm.clone())).len());
    assert!(writes.iter().any(sync) && !writes.iter().all(sync));

    let want = tally(rows.iter().filter(|r| r.call == "read").map(Io::file));
    let got = pairs(&["scread", &fx()], &|g| text(g, "file"), "reads");
    assert_eq!(got, want);
}

#[test]
fn vfssize_histograms_hold_every_successful_call_in_its_slot() {
    let rows = io_rows();
    let want = tally(
        rows.iter()
            .filter(|r| r.ret >= 0)
            .map(|r| format!("{} {} {}", r.comm, r.op(), slot(r.ret as u64))),
    );
    let got: BTreeMap<String, i64> = json_rows(&["vfssize", &fx()])
        .iter()
        .map(|g| (format!("{} {} {}", text(g, "comm"), text(g, "op"), num(g, "bucket")), num(g, "count")))
        .collect();
    assert_eq!(got, want);
    let text_out = ok(&["vfssize", &fx(), "-p", "5300"]);
    assert!(text_out.starts_with("comm = nginx, read\n     bytes "), "{text_out}");
}

#[test]
fn vfsstat_rates_are_the_calls_per_second() {
    let rows = io_rows();
    let opens = read_table(&files(), "file_open");
    let n_opens: usize = opens.iter().map(|b| b.num_rows()).sum();
    let mut fsyncs = 0;
    for b in read_table(&files(), "file_sync") {
        let call = b.column_by_name("call").unwrap().as_string::<i32>().clone();
        fsyncs += (0..b.num_rows())
            .filter(|&i| matches!(call.value(i), "fsync" | "fdatasync"))
            .count();
    }
    // The fixture spans 20 s: one line without --interval, 20 with --interval 1.
    let whole = json_rows(&["vfsstat", &fx()]);
    assert_eq!(whole.len(), 1);
    let rate = |g: &serde_json::Map<String, serde_json::Value>, k: &str| g[k].as_f64().unwrap();
    let reads = rows.iter().filter(|r| !r.write).count() as f64;
    assert!((rate(&whole[0], "read_s") - reads / 20.0).abs() < 1e-9);
    assert!((rate(&whole[0], "open_s") - n_opens as f64 / 20.0).abs() < 1e-9);
    assert!((rate(&whole[0], "fsync_s") - fsyncs as f64 / 20.0).abs() < 1e-9);
    let per_second = json_rows(&["vfsstat", &fx(), "--interval", "1"]);
    assert_eq!(per_second.len(), 20);
    let sum = |k: &str| per_second.iter().map(|g| rate(g, k)).sum::<f64>();
    assert!((sum("write_s") - rows.iter().filter(|r| r.write).count() as f64).abs() < 1e-9);
    assert!((sum("open_s") - n_opens as f64).abs() < 1e-9);
}

#[test]
fn file_io_tool_outputs_match_snapshots() {
    assert_snapshots([
        ("filetop-r5", ok(&["filetop", &fx(), "-r", "5"])),
        ("filetop-a-interval", ok(&["filetop", &fx(), "-a", "--interval", "10", "-r", "4"])),
        ("fileslower", ok(&["fileslower", &fx()])),
        ("filetype", ok(&["filetype", &fx()])),
        ("fsrwstat", ok(&["fsrwstat", &fx()])),
        ("writesync", ok(&["writesync", &fx()])),
        ("scread", ok(&["scread", &fx()])),
        ("vfssize-p", ok(&["vfssize", &fx(), "-p", "5300"])),
        ("vfsstat-interval", ok(&["vfsstat", &fx(), "--interval", "2"])),
    ]);
}

/// fs_op's rows computed here: (fstype, op, latency ns, pid) of every read and
/// write with a file system, every successful open and every fsync/fdatasync with
/// one.
fn fs_ops() -> Vec<(String, &'static str, u64, u32)> {
    let mut out: Vec<(String, &'static str, u64, u32)> = io_rows()
        .iter()
        .filter(|r| !r.fstype.is_empty())
        .map(|r| (r.fstype.clone(), r.op(), r.ts - r.ts_enter, r.pid))
        .collect();
    for (table, op) in [("file_open", "open"), ("file_sync", "fsync")] {
        for b in read_table(&files(), table) {
            let col = |n: &str| b.column_by_name(n).unwrap().clone();
            let (ts, enter) = (col("ts_ns"), col("ts_enter_ns"));
            let (ts, enter) = (ts.as_primitive::<UInt64Type>(), enter.as_primitive::<UInt64Type>());
            let (fstype, ret, pid) = (col("fstype"), col("ret"), col("pid"));
            let (fstype, ret, pid) = (
                fstype.as_string::<i32>(),
                ret.as_primitive::<Int64Type>(),
                pid.as_primitive::<UInt32Type>(),
            );
            let call = col("call");
            let call = call.as_string::<i32>();
            for i in 0..b.num_rows() {
                let counted = match op {
                    "open" => ret.value(i) >= 0,
                    _ => matches!(call.value(i), "fsync" | "fdatasync"),
                };
                if counted && !fstype.value(i).is_empty() {
                    out.push((fstype.value(i).to_string(), op, ts.value(i) - enter.value(i), pid.value(i)));
                }
            }
        }
    }
    out
}

#[test]
fn fsdist_and_ext4dist_histogram_every_operation_per_file_system() {
    let ops = fs_ops();
    let want = tally(ops.iter().map(|(fs, op, lat, _)| format!("{fs} {op} {}", slot(lat / 1000))));
    let got: BTreeMap<String, i64> = json_rows(&["fsdist", &fx()])
        .iter()
        .map(|g| (format!("{} {} {}", text(g, "fstype"), text(g, "op"), num(g, "bucket")), num(g, "count")))
        .collect();
    assert_eq!(got, want);
    assert!(got.keys().any(|k| k.starts_with("ext4 open")) && got.keys().any(|k| k.starts_with("ext4 fsync")));
    let ms = tally(
        ops.iter()
            .filter(|o| o.0 == "ext4")
            .map(|(_, op, lat, _)| format!("{op} {}", slot(lat / 1_000_000))),
    );
    for args in [&["ext4dist", &fx(), "-m"][..], &["fsdist", &fx(), "-t", "ext4", "-m"]] {
        let got: BTreeMap<String, i64> = json_rows(args)
            .iter()
            .map(|g| (format!("{} {}", text(g, "op"), num(g, "bucket")), num(g, "count")))
            .collect();
        assert_eq!(got, ms, "{args:?}");
    }
    let text_out = ok(&["fsdist", &fx(), "-t", "xfs"]);
    assert!(text_out.starts_with("operation = 'read'\n     usecs "), "{text_out}");
}

#[test]
fn fsslower_and_xfsslower_list_the_slow_operations() {
    let ops = fs_ops();
    let slow = |fs: Option<&str>, ms: u64| {
        ops.iter()
            .filter(|o| fs.is_none_or(|f| o.0 == f) && o.2 >= ms * 1_000_000)
            .count()
    };
    assert_eq!(json_rows(&["fsslower", &fx()]).len(), slow(None, 10));
    assert_eq!(json_rows(&["fsslower", &fx(), "-m", "0"]).len(), ops.len());
    let ext4 = json_rows(&["fsslower", &fx(), "-t", "ext4", "-m", "20"]);
    assert_eq!(ext4.len(), slow(Some("ext4"), 20));
    assert!(ext4.iter().all(|r| text(r, "fstype") == "ext4" && r["lat_ms"].as_f64().unwrap() >= 20.0));
    assert_eq!(json_rows(&["xfsslower", &fx(), "5"]).len(), slow(Some("xfs"), 5));
    assert!(slow(Some("xfs"), 5) > 0);
}

/// Each tool's --help says what it reads instead of the live tool's probes.
#[test]
fn help_says_which_probes_the_tools_read_instead() {
    for (tool, says) in [
        ("fsdist", "times the system calls that lead there"),
        ("filetop", "where the live tool traces vfs_read and vfs_write"),
        ("cachestat", "counts the page-cache tracepoints"),
        ("vfsstat", "counts the system calls that lead there"),
    ] {
        let help = ok(&[tool, "--help"]).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(help.contains(says), "{tool} --help: {help}");
    }
}

#[test]
fn fs_latency_outputs_match_snapshots() {
    assert_snapshots([
        ("fsdist-t-ext4", ok(&["fsdist", &fx(), "-t", "ext4"])),
        ("fsslower-m-30", ok(&["fsslower", &fx(), "-m", "30"])),
        ("xfsslower", ok(&["xfsslower", &fx()])),
    ]);
}
