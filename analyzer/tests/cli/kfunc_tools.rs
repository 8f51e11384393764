//! dcstat, dcsnoop, icstat and mdflush over `fixtures/kfuncs`, checked against the
//! raw vfs_cache and md_flush rows, and what they say about a capture whose kernel
//! had neither fentry nor kprobes (this project's VM).

use std::collections::BTreeMap;
use std::path::PathBuf;

use arrow::array::AsArray;
use arrow::datatypes::{UInt32Type, UInt64Type};

use crate::support::*;

fn kfuncs() -> PathBuf {
    fixture().join("../kfuncs")
}

fn fx() -> String {
    kfuncs().to_string_lossy().into_owned()
}

/// (ts_ns, pid, comm, event, name) of every vfs_cache row, in time order.
fn cache_events() -> Vec<(u64, u32, String, String, String)> {
    let mut out = Vec::new();
    for b in read_table(&kfuncs(), "vfs_cache") {
        let ts = b.column_by_name("ts_ns").unwrap().as_primitive::<UInt64Type>().clone();
        let pid = b.column_by_name("pid").unwrap().as_primitive::<UInt32Type>().clone();
        let (comm, event, name) = (
            b.column_by_name("comm").unwrap().as_string::<i32>().clone(),
            b.column_by_name("event").unwrap().as_string::<i32>().clone(),
            b.column_by_name("name").unwrap().as_string::<i32>().clone(),
        );
        for i in 0..b.num_rows() {
            out.push((
                ts.value(i),
                pid.value(i),
                comm.value(i).to_string(),
                event.value(i).to_string(),
                name.value(i).to_string(),
            ));
        }
    }
    out.sort();
    assert!(out.len() > 1000);
    out
}

/// Fixture start and the window's span (`retrace info`'s), from the manifest.
fn start_ns() -> u64 {
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(kfuncs().join("manifest.json")).unwrap()).unwrap();
    m["clock_start"]["monotonic_ns"].as_u64().unwrap()
}

#[test]
fn dcstat_rates_and_hit_ratio_per_interval() {
    let evs = cache_events();
    let start = start_ns();
    let per = |event: &str| -> BTreeMap<u64, i64> {
        tally(evs.iter().filter(|e| e.3 == event).map(|e| (e.0 - start) / 2_000_000_000))
    };
    let (refs, slow, miss) = (per("dentry_ref"), per("dentry_slow"), per("dentry_miss"));
    let rows = json_rows(&["dcstat", &fx(), "--interval", "2"]);
    assert_eq!(rows.len(), 10, "one line per 2 s of the 20 s capture, empty ones too");
    for r in &rows {
        let i = num(r, "interval_index") as u64;
        let get = |m: &BTreeMap<u64, i64>| *m.get(&i).unwrap_or(&0) as f64;
        let f = |k: &str| r[k].as_f64().unwrap();
        assert!((f("refs_s") - get(&refs) / 2.0).abs() < 1e-9, "{r:?}");
        assert!((f("slow_s") - get(&slow) / 2.0).abs() < 1e-9, "{r:?}");
        assert!((f("miss_s") - get(&miss) / 2.0).abs() < 1e-9, "{r:?}");
        let hit = if get(&refs) > 0.0 { 100.0 * (get(&refs) - get(&miss)) / get(&refs) } else { 0.0 };
        assert!((f("hit_pct") - hit).abs() < 1e-9, "{r:?}");
    }
    assert!(rows.iter().any(|r| r["refs_s"].as_f64() == Some(0.0)), "a quiet interval");
}

#[test]
fn icstat_counts_inode_lookups_and_misses() {
    let evs = cache_events();
    let refs = evs.iter().filter(|e| e.3 == "inode_ref").count() as i64;
    let misses = evs.iter().filter(|e| e.3 == "inode_miss").count() as i64;
    let rows = json_rows(&["icstat", &fx()]);
    assert_eq!(rows.len(), 1);
    assert_eq!((num(&rows[0], "refs"), num(&rows[0], "misses")), (refs, misses));
    assert!(misses > 0 && refs > misses);
}

#[test]
fn dcsnoop_lists_misses_and_with_all_references() {
    let evs = cache_events();
    let want = |all: bool| -> Vec<(String, String, String)> {
        evs.iter()
            .filter(|e| e.3 == "dentry_miss" || (all && e.3 == "dentry_ref"))
            .map(|e| (e.2.clone(), if e.3 == "dentry_miss" { "M" } else { "R" }.to_string(), e.4.clone()))
            .collect()
    };
    for (all, args) in [(false, vec!["dcsnoop", &fx()]), (true, vec!["dcsnoop", &fx(), "-a"])] {
        let args: Vec<&str> = args.iter().map(|s| s.as_ref()).collect();
        let got: Vec<(String, String, String)> = json_rows(&args)
            .iter()
            .map(|r| (text(r, "comm"), text(r, "type"), text(r, "file")))
            .collect();
        assert_eq!(got, want(all), "all: {all}");
    }
}

#[test]
fn mdflush_lists_every_flush() {
    let mut want = Vec::new();
    for b in read_table(&kfuncs(), "md_flush") {
        let comm = b.column_by_name("comm").unwrap().as_string::<i32>().clone();
        let disk = b.column_by_name("disk").unwrap().as_string::<i32>().clone();
        for i in 0..b.num_rows() {
            want.push((comm.value(i).to_string(), disk.value(i).to_string()));
        }
    }
    let got: Vec<(String, String)> = json_rows(&["mdflush", &fx()])
        .iter()
        .map(|r| (text(r, "comm"), text(r, "disk")))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn without_fentry_or_kprobes_the_tools_say_so() {
    // As this project's VM records them: the sources could not run.
    let cap = copy_capture(&kfuncs());
    edit_manifest(cap.path(), |m| {
        for (i, probes) in [(0, "lookup_fast, d_lookup, d_lookup:return, find_inode_fast, find_inode_fast:return"), (1, "md_flush_request")] {
            m["sources"][i]["status"] = serde_json::json!({
                "state": "unavailable",
                "reason": format!("this kernel offered no probe for {probes} (tried fentry, kprobe)"),
            });
        }
    });
    let c = cap.path().to_string_lossy().into_owned();
    for tool in ["dcstat", "dcsnoop", "icstat", "mdflush"] {
        let (code, err) = fails(&[tool, &c]);
        assert_ne!(code, 0, "{tool}");
        assert!(err.contains("this capture's kernel offered no probe for"), "{tool}: {err}");
    }
}

#[test]
fn kfunc_tool_text_snapshots() {
    assert_snapshots([
        ("dcstat-interval", ok(&["dcstat", &fx(), "--interval", "2"])),
        ("icstat-interval", ok(&["icstat", &fx(), "--interval", "5"])),
        ("dcsnoop", ok(&["dcsnoop", &fx(), "--until", "1s"])),
        ("mdflush", ok(&["mdflush", &fx()])),
    ]);
}
