//! `retrace diff` end to end (issue 4): the same fio job recorded twice is not
//! flagged and passes a `--fail-if` gate; the job with 128 KiB blocks instead of
//! 4 KiB is reported slower and larger and fails the gate.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::common::*;

fn write_data_file(path: &Path, bytes: usize) {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0x5au8; 1 << 20];
    for _ in 0..bytes >> 20 {
        f.write_all(&chunk).unwrap();
    }
    f.sync_all().unwrap();
}

/// The fio job: direct random reads of `bs` over a 16 MiB file (16M / bs requests).
fn fio_args(data: &Path, bs: &str) -> Vec<String> {
    [
        "fio",
        "--name=j",
        &format!("--filename={}", data.display()),
        "--rw=randread",
        &format!("--bs={bs}"),
        "--direct=1",
        "--ioengine=psync",
        "--size=16M",
        "--thread",
        "--output=/dev/null",
    ]
    .map(String::from)
    .to_vec()
}

fn record_fio(cap: &Path, data: &Path, bs: &str) {
    let mut args = vec![
        "-s",
        "disk",
        "--comm",
        "fio",
        "-o",
        cap.to_str().unwrap(),
        "--",
    ];
    let fio = fio_args(data, bs);
    args.extend(fio.iter().map(String::as_str));
    record(&args, 0);
}

/// `retrace diff A B --json ARGS`: (exit code, report); prints the text report too.
fn diff(a: &Path, b: &Path, args: &[&str]) -> (i32, Value) {
    let run = |extra: &[&str]| {
        Command::new(bin("retrace"))
            .args(["diff", a.to_str().unwrap(), b.to_str().unwrap()])
            .args(args)
            .args(extra)
            .output()
            .expect("running retrace diff")
    };
    let text = run(&[]);
    println!("{}", String::from_utf8_lossy(&text.stdout));
    let out = run(&["--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "retrace diff --json ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(text.status.code(), out.status.code());
    (out.status.code().unwrap_or(-1), report)
}

fn verdict<'a>(report: &'a Value, tool: &str) -> &'a str {
    report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tool"] == tool)
        .and_then(|t| t["verdict"].as_str())
        .unwrap_or_else(|| panic!("no {tool} in {report}"))
}

#[test]
fn diff_finds_a_slower_fio_job_and_not_a_repeated_one() {
    if !bpf_or_skip("diff_finds_a_slower_fio_job_and_not_a_repeated_one")
        || !have_program("fio", "fio")
    {
        return;
    }
    let _fio = fio_lock();
    let dir = scratch("diff");
    let data = dir.path().join("data");
    write_data_file(&data, 16 << 20);
    // A first, unrecorded run warms what caches the device has.
    let warm = Command::new("fio")
        .args(&fio_args(&data, "4k")[1..])
        .status()
        .expect("fio");
    assert!(warm.success());
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    record_fio(&a, &data, "4k");
    record_fio(&c, &data, "128k");

    let gate = ["--fail-if", "bitesize.p50 > +50%"];
    // The same job twice. This VM's neighbours now and then make one run's
    // device latency 2-3x another's (seen in CI: mean 45 us vs 110 us for one
    // job), which is a real change of what was measured, not a false verdict;
    // so a second pair is recorded before the test calls it a failure. Both
    // pairs are printed.
    let mut same = Value::Null;
    for attempt in 1..=2 {
        let _ = std::fs::remove_dir_all(&b);
        record_fio(&b, &data, "4k");
        let (code, report) = diff(&a, &b, &gate);
        let all_same = ["bitesize", "biolatency", "biotop"]
            .iter()
            .all(|t| verdict(&report, t) == "same");
        same = report;
        if code == 0 && all_same {
            break;
        }
        eprintln!("attempt {attempt}: the repeated job differed: {same}");
    }
    assert_eq!(verdict(&same, "bitesize"), "same", "{same}");
    assert_eq!(verdict(&same, "biolatency"), "same", "{same}");
    assert_eq!(verdict(&same, "biotop"), "same", "{same}");
    assert_eq!(same["failed"], false, "same job twice crossed the gate: {same}");

    let (code, slow) = diff(&a, &c, &gate);
    assert_eq!(code, 1, "128 KiB job did not cross the gate: {slow}");
    assert_eq!(verdict(&slow, "bitesize"), "larger", "{slow}");
    assert_eq!(verdict(&slow, "biolatency"), "slower", "{slow}");
    let (base, new) = (
        side(&slow, "bitesize", "base"),
        side(&slow, "bitesize", "new"),
    );
    assert_eq!(base["p50"], 4.0, "{base}");
    assert_eq!(new["p50"], 128.0, "{new}");
    // 16 MiB in 4 KiB vs 128 KiB requests: 32x fewer I/O (a few other requests of
    // comm fio may add to both).
    let ratio = base["count"].as_f64().unwrap() / new["count"].as_f64().unwrap();
    assert!((24.0..40.0).contains(&ratio), "I/O count ratio {ratio}");
}

/// One side (`base` or `new`) of a tool in a `--json` report.
fn side<'a>(report: &'a Value, tool: &str, side: &str) -> &'a Value {
    let t = report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tool"] == tool)
        .unwrap_or_else(|| panic!("no {tool} in {report}"));
    &t[side]
}
