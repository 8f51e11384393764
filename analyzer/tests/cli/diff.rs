//! `retrace diff` over the committed fixture pairs (`fixtures/diff-*`, made by
//! `fixtures/make.sh`): the same workload twice is not flagged and passes reasonable
//! `--fail-if` gates; injected changes (fio latency ×2, `sh` spawned 3×, a new `curl`
//! spawned 100×) are reported with their magnitude and fail the gates; captures of
//! another host say what is not comparable. Exact text against `tests/cli/snapshots/diff-*.snap`.
//! Regression tests for issue 4.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::*;

fn pair(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

const GATES: [&str; 4] = [
    "--fail-if",
    "biolatency.p99 > +10%",
    "--fail-if",
    "execsnoop.count > 2x",
];

fn diff_json(base: &str, new: &str, extra: &[&str]) -> (i32, Value) {
    let (b, n) = (pair(base), pair(new));
    let mut args = vec!["diff", &b, &n, "--json"];
    args.extend_from_slice(extra);
    let o = retrace(&args);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    (o.status.code().unwrap_or(-1), v)
}

fn tool<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tool"] == name)
        .unwrap_or_else(|| panic!("no {name} in {report}"))
}

fn key<'a>(t: &'a Value, k: &str) -> &'a Value {
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == k)
        .unwrap_or_else(|| panic!("no key {k} in {t}"))
}

/// Latencies (ns) of a capture's block_io rows, sorted, read without the analyzer.
fn latencies(capture: &str) -> Vec<u64> {
    let mut v: Vec<u64> = block_io(&PathBuf::from(capture))
        .iter()
        .map(|b| b.complete - b.issue)
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn the_same_workload_twice_is_not_a_regression() {
    let (code, report) = diff_json("diff-base", "diff-same", &GATES);
    assert_eq!(code, 0, "{report}");
    for t in report["tools"].as_array().unwrap() {
        // The pair records disk and proc only: the network tools cannot answer.
        if t["tool"].as_str().unwrap().starts_with("tcp") {
            assert_eq!(t["verdict"], "n/a", "{t}");
            continue;
        }
        assert_eq!(t["verdict"], "same", "{t}");
        assert_eq!(t["significant"], false);
    }
    assert_eq!(report["failed"], false);
    assert!(report["notes"].as_array().unwrap().is_empty(), "{report}");
    // Text mode too, with the gates: exit 0.
    let (b, n) = (pair("diff-base"), pair("diff-same"));
    let mut args = vec!["diff", b.as_str(), n.as_str()];
    args.extend(GATES);
    let out = ok(&args);
    assert!(out.contains("ok   biolatency.p99 > +10%"), "{out}");
}

#[test]
fn injected_changes_are_reported_with_their_size() {
    let (code, report) = diff_json("diff-base", "diff-slow", &GATES);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["failed"], true);
    // biolatency: fio (1500 of 1900 requests) is 2x slower; the median moves with it.
    let lat = tool(&report, "biolatency");
    assert_eq!(lat["verdict"], "slower");
    assert!(lat["test"]["p"].as_f64().unwrap() < 1e-10);
    let delta = lat["test"]["cliffs_delta"].as_f64().unwrap();
    assert!((0.4..0.8).contains(&delta), "{delta}");
    let (lb, ln) = (latencies(&pair("diff-base")), latencies(&pair("diff-slow")));
    let median = |v: &[u64]| v[v.len().div_ceil(2) - 1] as f64 / 1000.0;
    assert_eq!(lat["base"]["p50"].as_f64().unwrap(), median(&lb));
    assert_eq!(lat["new"]["p50"].as_f64().unwrap(), median(&ln));
    let ratio = median(&ln) / median(&lb);
    assert!((1.6..2.2).contains(&ratio), "median ratio {ratio}");
    assert_eq!(lat["base"]["count"], lb.len());
    // execsnoop: curl appeared 100 times; sh runs 3x as often.
    let ex = tool(&report, "execsnoop");
    assert_eq!(ex["verdict"], "changed");
    let curl = key(ex, "curl");
    assert_eq!(
        (curl["base"].as_u64(), curl["new"].as_u64()),
        (Some(0), Some(100))
    );
    assert_eq!(curl["base_rank"], Value::Null);
    assert_eq!(curl["new_rank"], 1);
    assert_eq!(curl["changed"], true);
    let sh = key(ex, "sh");
    assert_eq!(
        (sh["base"].as_u64(), sh["new"].as_u64()),
        (Some(10), Some(30))
    );
    assert_eq!(sh["changed"], true);
    assert_eq!(key(ex, "fio")["changed"], false);
    // biotop: fio's average latency doubled (its count did not change).
    let top = tool(&report, "biotop");
    assert_eq!(top["verdict"], "changed");
    let fio = key(top, "fio");
    assert_eq!(
        (fio["base"].as_u64(), fio["new"].as_u64()),
        (Some(1500), Some(1500))
    );
    let avg_ratio = fio["new_avg_us"].as_f64().unwrap() / fio["base_avg_us"].as_f64().unwrap();
    assert!(
        (1.9..2.1).contains(&avg_ratio),
        "fio latency ratio {avg_ratio}"
    );
    assert_eq!(key(top, "dd")["changed"], false);
    // Unchanged tools stay unflagged.
    for name in ["bitesize", "iosched", "seeksize"] {
        assert_eq!(tool(&report, name)["verdict"], "same", "{name}");
    }
    // Gates: both crossed, with the values they saw.
    let gates = report["fail_if"].as_array().unwrap();
    assert_eq!(gates.len(), 2);
    assert!(gates.iter().all(|g| g["crossed"] == true), "{gates:?}");
    assert_eq!(gates[1]["base"], 21.0);
    assert_eq!(gates[1]["new"], 161.0);
    // Summary: the reported changes come first.
    let order: Vec<&str> = report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tool"].as_str().unwrap())
        .collect();
    assert_eq!(&order[..2], ["execsnoop", "exitsnoop"]);
    let mut next: Vec<&str> = order[2..4].to_vec();
    next.sort();
    assert_eq!(next, ["biolatency", "biotop"]);
}

#[test]
fn a_gate_not_crossed_exits_0() {
    let (code, report) = diff_json(
        "diff-base",
        "diff-slow",
        &[
            "--fail-if",
            "biolatency.p50 > 3x",
            "--fail-if",
            "bitesize.p50 < -10%",
        ],
    );
    assert_eq!(code, 0, "{report}");
    // Tools named only by --fail-if are evaluated, not shown.
    let (_, report) = diff_json(
        "diff-base",
        "diff-slow",
        &["--tool", "bitesize", "--fail-if", "execsnoop.rate >= 2x"],
    );
    assert_eq!(report["tools"].as_array().unwrap().len(), 1);
    assert_eq!(report["failed"], true);
}

#[test]
fn what_is_not_comparable_is_said() {
    let (code, report) = diff_json(
        "diff-base",
        "diff-other",
        &["--fail-if", "exitsnoop.count > 2x"],
    );
    assert_eq!(code, 1, "a gate that cannot be evaluated fails: {report}");
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("different hosts")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("CPU counts (4 vs 8)")),
        "{notes:?}"
    );
    let ex = tool(&report, "execsnoop");
    assert_eq!(ex["comparable"], false);
    assert!(ex["reason"].as_str().unwrap().contains("source `proc`"));
    assert_eq!(tool(&report, "biolatency")["verdict"], "same");
    let gate = &report["fail_if"][0];
    assert_eq!(
        (gate["comparable"].clone(), gate["crossed"].clone()),
        (false.into(), true.into())
    );
}

#[test]
fn bad_gates_are_usage_errors() {
    let (b, n) = (pair("diff-base"), pair("diff-same"));
    for bad in [
        "biolatency.p99",
        "biolatency.p42 > 1",
        "nosuch.count > 2x",
        "execsnoop.count > lots",
    ] {
        let (code, err) = fails(&["diff", &b, &n, "--fail-if", bad]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let (code, _) = fails(&["diff", &b, &n, "--tool", "nosuch"]);
    assert_eq!(code, 2);
}

#[test]
fn diff_text_snapshots() {
    let (base, same, slow, other) = (
        pair("diff-base"),
        pair("diff-same"),
        pair("diff-slow"),
        pair("diff-other"),
    );
    let cases: Vec<(&str, Vec<&str>, i32)> = vec![
        ("diff-same", vec!["diff", &base, &same], 0),
        (
            "diff-slow",
            vec!["diff", &base, &slow, "--fail-if", "biolatency.p99 > +10%"],
            1,
        ),
        (
            "diff-slow-detail",
            vec![
                "diff",
                &base,
                &slow,
                "--tool",
                "biolatency",
                "--tool",
                "execsnoop",
                "--tool",
                "biotop",
                "--rows",
                "4",
            ],
            0,
        ),
        (
            "diff-other",
            vec!["diff", &base, &other, "--tool", "execsnoop"],
            0,
        ),
    ];
    assert_snapshots(cases.into_iter().map(|(name, args, code)| {
        let o = retrace(&args);
        assert_eq!(o.status.code(), Some(code), "{name}: {}", stderr(&o));
        (name, stdout(&o))
    }));
}

#[test]
fn an_incomplete_capture_is_a_note() {
    let tmp = copy_capture(Path::new(&pair("diff-same")));
    edit_manifest(tmp.path(), |m| m["complete"] = false.into());
    let new = tmp.path().to_string_lossy().into_owned();
    let base = pair("diff-base");
    let o = retrace(&["diff", &base, &new, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let notes = report["notes"].to_string();
    assert!(notes.contains("is incomplete"), "{notes}");
    assert!(stderr(&o).contains("retrace: note: NEW"), "{}", stderr(&o));
    let text = ok(&["diff", &base, &new]);
    assert!(text.contains("\nnote: NEW ("), "{text}");
}
