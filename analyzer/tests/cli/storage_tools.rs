//! scsilatency, scsiresult and nvmelatency over `fixtures/storage`, checked against
//! the raw scsi_cmd and nvme_cmd rows paired here, and what the tools say about a
//! capture whose kernel had no such probe.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::support::*;

fn storage() -> PathBuf {
    fixture().join("../storage")
}

fn fx() -> String {
    storage().to_string_lossy().into_owned()
}

/// Every row of a table, each column as text, in time order.
fn rows(table: &str) -> Vec<BTreeMap<String, String>> {
    let mut out = text_rows(&storage(), table);
    out.sort_by_key(|r| r["ts_ns"].parse::<u64>().unwrap());
    assert!(out.len() > 100, "{table}");
    out
}

fn int(r: &BTreeMap<String, String>, k: &str) -> i64 {
    r[k].parse().unwrap()
}

type Row = BTreeMap<String, String>;

/// Completions paired with the dispatch or setup before them of the same key, when
/// no other completion of that key came between: (start row, completion row,
/// latency ns).
fn paired<'a>(rows: &'a [Row], keys: &[&str], start: &str, end: &str) -> Vec<(&'a Row, &'a Row, i64)> {
    let mut last: BTreeMap<Vec<String>, &Row> = BTreeMap::new();
    let mut out = Vec::new();
    for r in rows.iter().filter(|r| r["event"] == start || r["event"] == end) {
        let key: Vec<String> = keys.iter().map(|k| r[*k].clone()).collect();
        if r["event"] == end {
            if let Some(s) = last.get(&key).filter(|s| s["event"] == start) {
                out.push((*s, r, int(r, "ts_ns") - int(s, "ts_ns")));
            }
        }
        last.insert(key, r);
    }
    out
}

/// (section label, bucket) -> count from a log2 tool's JSON rows.
fn histogram(args: &[&str]) -> BTreeMap<(String, i64), i64> {
    json_rows(args)
        .iter()
        .map(|r| ((text(r, "label"), num(r, "bucket")), num(r, "count")))
        .collect()
}

#[test]
fn scsilatency_times_each_command_from_dispatch_to_completion() {
    let scsi = rows("scsi_cmd");
    let pairs = paired(&scsi, &["host_no", "channel", "target", "lun", "driver_tag"], "start", "done");
    let done = scsi.iter().filter(|r| r["event"] == "done").count();
    assert_eq!(pairs.len(), done - 1, "every completion but the one dispatched before the recording");
    // The refused command is timed from its second dispatch, not its first.
    let refused = scsi.iter().position(|r| r["event"] == "error").expect("a refused command");
    let (first, again) = (&scsi[refused - 1], &scsi[refused + 1]);
    assert_eq!((first["event"].as_str(), again["event"].as_str()), ("start", "start"));
    assert!(pairs.iter().any(|(s, _, _)| s["ts_ns"] == again["ts_ns"]));
    assert!(!pairs.iter().any(|(s, _, _)| s["ts_ns"] == first["ts_ns"]));
    let name = |op: i64| match op {
        0x28 => "READ_10",
        0x2a => "WRITE_10",
        0x35 => "SYNCHRONIZE_CACHE",
        0x88 => "READ_16",
        _ => panic!("opcode {op:#x}"),
    };
    let want = tally(
        pairs
            .iter()
            .map(|(_, d, ns)| (name(int(d, "opcode")).to_string(), slot(*ns as u64 / 1000) as i64)),
    );
    assert_eq!(histogram(&["scsilatency", &fx()]), want);
    let want_ms = tally(
        pairs
            .iter()
            .map(|(_, d, ns)| (name(int(d, "opcode")).to_string(), slot(*ns as u64 / 1_000_000) as i64)),
    );
    assert_eq!(histogram(&["scsilatency", &fx(), "-m"]), want_ms);
}

#[test]
fn scsiresult_counts_completions_by_host_byte_and_status() {
    let scsi = rows("scsi_cmd");
    let mut want: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in scsi.iter().filter(|r| r["event"] == "done" || r["event"] == "timeout") {
        let res = int(r, "result");
        let key = if r["event"] == "timeout" {
            ("TIMEOUT".to_string(), String::new())
        } else {
            let host = match (res >> 16) & 0xff {
                0 => "DID_OK",
                3 => "DID_TIME_OUT",
                8 => "DID_RESET",
                b => panic!("host byte {b}"),
            };
            let status = match res & 0xff {
                0 => "SAM_STAT_GOOD",
                2 => "SAM_STAT_CHECK_CONDITION",
                s => panic!("status {s}"),
            };
            (host.to_string(), status.to_string())
        };
        *want.entry(key).or_default() += 1;
    }
    let got: BTreeMap<(String, String), i64> = json_rows(&["scsiresult", &fx()])
        .iter()
        .map(|r| ((text(r, "host_byte"), text(r, "status")), num(r, "count")))
        .collect();
    assert_eq!(got, want);
    assert_eq!(want.len(), 5, "good, check condition, reset, timeout, timed out");
}

#[test]
fn nvmelatency_times_each_command_per_disk_and_opcode() {
    let nvme = rows("nvme_cmd");
    let pairs = paired(&nvme, &["ctrl_id", "qid", "cid"], "setup", "complete");
    assert_eq!(pairs.len(), nvme.iter().filter(|r| r["event"] == "complete").count());
    let name = |admin: bool, op: i64| match (admin, op) {
        (false, 0) => "nvme_cmd_flush",
        (false, 1) => "nvme_cmd_write",
        (false, 2) => "nvme_cmd_read",
        (false, 9) => "nvme_cmd_dsm",
        (true, 6) => "nvme_admin_identify",
        _ => panic!("opcode {op}"),
    };
    let want = tally(pairs.iter().map(|(s, _, ns)| {
        let cmd = name(s["qid"] == "0", int(s, "opcode"));
        ((s["disk"].clone(), cmd.to_string()), slot(*ns as u64 / 1000) as i64)
    }));
    let got: BTreeMap<((String, String), i64), i64> = json_rows(&["nvmelatency", &fx()])
        .iter()
        .map(|r| (((text(r, "disk"), text(r, "label")), num(r, "bucket")), num(r, "count")))
        .collect();
    assert_eq!(got, want);
    // -d: one disk's sections only.
    let one = json_rows(&["nvmelatency", &fx(), "-d", "nvme0n2"]);
    assert!(!one.is_empty() && one.iter().all(|r| text(r, "disk") == "nvme0n2"));
    let n: i64 = one.iter().map(|r| num(r, "count")).sum();
    assert_eq!(n as usize, pairs.iter().filter(|(s, _, _)| s["disk"] == "nvme0n2").count());
}

#[test]
fn a_kernel_without_the_probes_is_named_not_an_empty_output() {
    // The source ran, but this kernel had no scsi_dispatch_cmd_done.
    let cap = copy_capture(&storage());
    edit_manifest(cap.path(), |m| {
        let probes = m["sources"][0]["status"]["probes"].as_array_mut().unwrap();
        for p in probes.iter_mut() {
            if p["probe"] == "scsi:scsi_dispatch_cmd_done" {
                p["attach"] = "unavailable: tried tracepoint scsi:scsi_dispatch_cmd_done".into();
            }
        }
    });
    let (code, err) = fails(&["scsilatency", &s(cap.path())]);
    assert_ne!(code, 0);
    assert!(
        err.contains(
            "scsilatency cannot run: this capture's kernel offered no probe for scsi:scsi_dispatch_cmd_done \
             (tried tracepoint scsi:scsi_dispatch_cmd_done)"
        ),
        "{err}"
    );
    // No source at all: none of its probes existed (this project's VM).
    let cap = copy_capture(&storage());
    edit_manifest(cap.path(), |m| {
        m["sources"][1]["status"] = serde_json::json!({
            "state": "unavailable",
            "reason": "this kernel offered no probe for nvme:nvme_setup_cmd, nvme:nvme_complete_rq (tried tracepoint)"
        });
    });
    let (_, err) = fails(&["nvmelatency", &s(cap.path())]);
    assert!(
        err.contains("source `nvme` could not run when this capture was recorded: this capture's kernel offered no probe for nvme:nvme_setup_cmd"),
        "{err}"
    );
}

fn s(p: &std::path::Path) -> String {
    p.to_string_lossy().into_owned()
}

#[test]
fn storage_tool_text_snapshots() {
    assert_snapshots([
        ("scsilatency", ok(&["scsilatency", &fx()])),
        ("scsiresult", ok(&["scsiresult", &fx()])),
        ("nvmelatency-d", ok(&["nvmelatency", &fx(), "-d", "nvme0n1"])),
    ]);
}
