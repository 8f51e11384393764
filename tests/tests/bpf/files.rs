//! Source `files` end to end, driven by `tests/workloads/fileops.c`: a process
//! with a known name opens a file a known number of times, fails to open a
//! missing one a known number of times, fsyncs, syncs and stats both files, and
//! renames one back and forth; the raw tables, opensnoop (and `-x`), statsnoop,
//! syncsnoop and file_rename count exactly those calls.


use serde_json::Value;

use super::common::*;

const COMM: &str = "rtfile-ops";
const OPENS: usize = 23;
const MISSES: usize = 7;
const FSYNCS: usize = 5;
const SYNCS: usize = 2;
const STATS: usize = 11;
const RENAMES: usize = 3;
const ENOENT: i64 = 2;

#[test]
fn opens_and_syncs_are_counted_exactly() {
    let test = "opens_and_syncs_are_counted_exactly";
    if !bpf_or_skip(test) || !have_program(test, "cc") {
        return;
    }
    let dir = scratch("files");
    let work = build_workload(dir.path(), "fileops", &["-O1", "-Wall"]);
    let files = dir.path().join("work");
    std::fs::create_dir(&files).unwrap();
    let cap = dir.path().join("cap");
    let out = record(
        &[
            "-s",
            "files",
            "-o",
            cap.to_str().unwrap(),
            "--",
            work.to_str().unwrap(),
            files.to_str().unwrap(),
            &OPENS.to_string(),
            &MISSES.to_string(),
            &FSYNCS.to_string(),
            &SYNCS.to_string(),
            &STATS.to_string(),
            &RENAMES.to_string(),
        ],
        0,
    );
    assert_attached(&cap, "files");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let pid: i64 = printed(&stdout, "pid").parse().unwrap();
    let fd: i64 = printed(&stdout, "fd").parse().unwrap();
    let present = files.join("present").to_string_lossy().into_owned();
    let missing = files.join("missing").to_string_lossy().into_owned();

    // opensnoop over the workload's process: its loader's opens (libraries)
    // come first; the test's own files exactly as many times as opened.
    let c = cap.to_str().unwrap();
    let rows = retrace_json(&["opensnoop", c, "-p", &pid.to_string()]);
    let of = |path: &str| -> Vec<&Value> {
        rows.iter().filter(|r| str_of(r, "path") == path).collect()
    };
    let present_rows = of(&present);
    assert_eq!(present_rows.len(), 1 + OPENS, "{present_rows:?}");
    assert_eq!(i64_of(present_rows[0], "fd"), fd, "the created file's fd");
    for r in &present_rows {
        assert_eq!(str_of(r, "comm"), COMM, "{r}");
        assert_eq!(i64_of(r, "err"), 0, "{r}");
        assert!(i64_of(r, "fd") >= 0, "{r}");
    }
    let missing_rows = of(&missing);
    assert_eq!(missing_rows.len(), MISSES, "{missing_rows:?}");
    for r in &missing_rows {
        assert_eq!((i64_of(r, "fd"), i64_of(r, "err")), (-1, ENOENT), "{r}");
    }
    // -x: exactly the failures (the loader's failed probes of library paths, if
    // any, are failures too: count them from the raw rows).
    let failed = retrace_json(&["opensnoop", c, "-x", "-p", &pid.to_string()]);
    let raw_failed = sql_count(
        &cap,
        &format!("SELECT count(*) AS n FROM file_open WHERE pid = {pid} AND ret < 0"),
    );
    assert_eq!(failed.len() as u64, raw_failed);
    assert_eq!(
        failed.iter().filter(|r| str_of(r, "path") == missing).count(),
        MISSES
    );
    // The created file's flags: O_CREAT|O_WRONLY|O_TRUNC (0o1101) and mode 0640.
    let created = sql(
        &cap,
        &format!(
            "SELECT flags, mode, call FROM file_open WHERE pid = {pid} \
             AND path = '{present}' ORDER BY ts_ns LIMIT 1"
        ),
    );
    assert_eq!(u64_of(&created[0], "flags") & 0o3777, 0o1101, "{created:?}");
    assert_eq!(u64_of(&created[0], "mode"), 0o640, "{created:?}");

    // statsnoop: STATS stats of the present file, MISSES of the missing one.
    let stats = retrace_json(&["statsnoop", c, "-p", &pid.to_string()]);
    let of = |path: &str| -> Vec<&Value> {
        stats.iter().filter(|r| str_of(r, "path") == path).collect()
    };
    let ok_stats = of(&present);
    assert_eq!(ok_stats.len(), STATS, "{stats:?}");
    assert!(ok_stats.iter().all(|r| i64_of(r, "ret") == 0 && i64_of(r, "err") == 0));
    let failed_stats = of(&missing);
    assert_eq!(failed_stats.len(), MISSES, "{stats:?}");
    assert!(failed_stats
        .iter()
        .all(|r| (i64_of(r, "ret"), i64_of(r, "err")) == (-1, ENOENT)));

    // syncsnoop: FSYNCS fsyncs of the created fd, SYNCS syncs, nothing else.
    let syncs = retrace_json(&["syncsnoop", c, "-p", &pid.to_string()]);
    let fsyncs: Vec<&Value> = syncs.iter().filter(|r| str_of(r, "call") == "fsync").collect();
    assert_eq!(fsyncs.len(), FSYNCS, "{syncs:?}");
    for r in &fsyncs {
        assert_eq!(i64_of(r, "fd"), fd, "{r}");
        assert_eq!(i64_of(r, "ret"), 0, "{r}");
    }
    let plain: Vec<&Value> = syncs.iter().filter(|r| str_of(r, "call") == "sync").collect();
    assert_eq!(plain.len(), SYNCS, "{syncs:?}");
    assert!(plain.iter().all(|r| i64_of(r, "fd") == -1));
    assert_eq!(syncs.len(), FSYNCS + SYNCS, "{syncs:?}");
    for r in &syncs {
        let lat = r.get("lat_ms").and_then(Value::as_f64).unwrap();
        assert!(lat > 0.0 && lat < 10_000.0, "{r}");
    }

    // Renames: present to renamed and back, RENAMES times, then a missing one.
    let renamed = files.join("renamed").to_string_lossy().into_owned();
    let renames = sql(
        &cap,
        &format!("SELECT old_path, new_path, ret FROM file_rename WHERE pid = {pid} ORDER BY ts_ns"),
    );
    assert_eq!(renames.len(), 2 * RENAMES + 1, "{renames:?}");
    for (i, r) in renames.iter().take(2 * RENAMES).enumerate() {
        let (from, to) = if i % 2 == 0 { (&present, &renamed) } else { (&renamed, &present) };
        assert_eq!((str_of(r, "old_path"), str_of(r, "new_path")), (from.as_str(), to.as_str()));
        assert_eq!(i64_of(r, "ret"), 0, "{r}");
    }
    let last = &renames[2 * RENAMES];
    assert_eq!((str_of(last, "old_path"), i64_of(last, "ret")), (missing.as_str(), -ENOENT));
}
