//! --since / --until (offsets and wall-clock times) and --interval.

use std::collections::BTreeMap;

use crate::support::*;

fn fx() -> String {
    fixture().to_string_lossy().into_owned()
}

fn total(rows: &[serde_json::Map<String, serde_json::Value>]) -> i64 {
    rows.iter().map(|r| num(r, "count")).sum()
}

fn completing_in(lo_s: f64, hi_s: f64) -> usize {
    let lo = START_NS + (lo_s * 1e9) as u64;
    let hi = START_NS + (hi_s * 1e9) as u64;
    block_io(&fixture())
        .iter()
        .filter(|b| b.complete >= lo && b.complete < hi)
        .count()
}

#[test]
fn offsets_select_a_window() {
    let rows = json_rows(&["biolatency", &fx(), "--since", "5s", "--until", "10s"]);
    assert_eq!(total(&rows) as usize, completing_in(5.0, 10.0));
    // An --until past the end is clamped to the capture.
    let rows = json_rows(&["biolatency", &fx(), "--since", "15s", "--until", "1h"]);
    assert_eq!(total(&rows) as usize, completing_in(15.0, 25.0));
}

#[test]
fn forms_of_time() {
    let a = json_rows(&["biolatency", &fx(), "--since", "2500ms", "--until", "0.25m"]);
    assert_eq!(total(&a) as usize, completing_in(2.5, 15.0));
    // Wall clock: the fixture starts at 2024-03-01T12:00:00Z; tests run with TZ=UTC.
    let b = json_rows(&[
        "biolatency",
        &fx(),
        "--since",
        "12:00:02.5",
        "--until",
        "12:00:15",
    ]);
    assert_eq!(a, b);
    let c = json_rows(&[
        "biolatency",
        &fx(),
        "--since",
        "2024-03-01T12:00:02.5Z",
        "--until",
        "2024-03-01T13:00:15+01:00",
    ]);
    assert_eq!(a, c);
    // execsnoop uses its own table's time column.
    let execs = process_exec(&fixture());
    let rows = json_rows(&["execsnoop", &fx(), "-x", "--until", "5s"]);
    assert_eq!(
        rows.len(),
        execs
            .iter()
            .filter(|e| e.ts < START_NS + 5_000_000_000)
            .count()
    );
}

#[test]
fn windows_outside_the_capture_are_errors() {
    let fx = fx();
    for args in [
        vec!["--since", "1.5m"],
        vec!["--until", "11:00:00"],
        vec!["--since", "10s", "--until", "5s"],
    ] {
        let mut all = vec!["biolatency", fx.as_str()];
        all.extend(args.iter().copied());
        let (code, err) = fails(&all);
        assert_eq!(code, 1);
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let (_, err) = fails(&["biolatency", &fx, "--since", "1.5m"]);
    assert!(err.contains("after the end of the capture"), "{err}");
}

#[test]
fn intervals_split_the_window() {
    let rows = json_rows(&["biolatency", &fx(), "--interval", "5"]);
    let mut per: BTreeMap<i64, i64> = BTreeMap::new();
    for r in &rows {
        *per.entry(num(r, "interval_index")).or_default() += num(r, "count");
    }
    assert_eq!(per.keys().copied().collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    for (i, n) in &per {
        let lo = *i as f64 * 5.0;
        assert_eq!(*n as usize, completing_in(lo, lo + 5.0), "interval {i}");
    }
    // Text: one header per interval, the wall-clock time at its end.
    let out = ok(&["biolatency", &fx(), "--interval", "5"]);
    let headers: Vec<&str> = out
        .lines()
        .filter(|l| l.len() == 8 && l.contains(':'))
        .collect();
    assert_eq!(
        headers,
        vec!["12:00:05", "12:00:10", "12:00:15", "12:00:20"]
    );
    // Intervals not on whole seconds get milliseconds in their headers.
    let out = ok(&[
        "biotop",
        &fx(),
        "--interval",
        "2.5",
        "--since",
        "1s",
        "--until",
        "6s",
    ]);
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("12:")).collect();
    assert_eq!(headers, vec!["12:00:03.500", "12:00:06.000"]);
}

#[test]
fn interval_with_no_events_prints_just_its_header() {
    let out = ok(&["bioerr", &fx(), "--since", "0s", "--until", "1s"]);
    assert!(
        out.trim().ends_with("counts above may be low") || out.is_empty(),
        "{out}"
    );
    let out = ok(&["iosched", &fx(), "--interval", "1", "--since", "19.9s"]);
    assert!(out.starts_with("12:00:20.000\n"), "{out}");
}
