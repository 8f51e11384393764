//! fsoverview over `fixtures/files` and diskoverview over `fixtures/basic`, checked
//! against the raw file_io, file_open, file_sync and block_io rows.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::support::*;

fn files() -> PathBuf {
    fixture().join("../files")
}

/// (count, bytes, summed latency ns, max latency ns, calls >= 10 ms)
type Agg = (i64, i64, i64, i64, i64);

fn add(m: &mut BTreeMap<(String, String), Agg>, key: (String, String), bytes: i64, lat: i64) {
    let e = m.entry(key).or_insert((0, 0, 0, 0, 0));
    e.0 += 1;
    e.1 += bytes;
    e.2 += lat;
    e.3 = e.3.max(lat);
    e.4 += i64::from(lat >= 10_000_000);
}

fn int(r: &BTreeMap<String, String>, k: &str) -> i64 {
    r[k].parse().unwrap()
}

#[test]
fn fsoverview_sums_each_type_and_operation() {
    let mut want: BTreeMap<(String, String), Agg> = BTreeMap::new();
    let lat = |r: &BTreeMap<String, String>| int(r, "ts_ns") - int(r, "ts_enter_ns");
    for r in text_rows(&files(), "file_io").iter().filter(|r| !r["fstype"].is_empty()) {
        let op = if r["write"] == "true" { "write" } else { "read" };
        add(&mut want, (r["fstype"].clone(), op.into()), int(r, "ret").max(0), lat(r));
    }
    for r in text_rows(&files(), "file_open").iter().filter(|r| int(r, "ret") >= 0 && !r["fstype"].is_empty()) {
        add(&mut want, (r["fstype"].clone(), "open".into()), 0, lat(r));
    }
    for r in text_rows(&files(), "file_sync")
        .iter()
        .filter(|r| (r["call"] == "fsync" || r["call"] == "fdatasync") && !r["fstype"].is_empty())
    {
        add(&mut want, (r["fstype"].clone(), "fsync".into()), 0, lat(r));
    }
    let f = files().to_string_lossy().into_owned();
    let got = json_rows(&["fsoverview", &f]);
    assert_eq!(got.len(), want.len());
    for r in &got {
        let key = (text(r, "fstype"), text(r, "op"));
        let w = want[&key];
        assert_eq!(num(r, "calls"), w.0, "{key:?}");
        assert_eq!(num(r, "kbytes"), w.1 / 1024, "{key:?}");
        assert!((r["avg_us"].as_f64().unwrap() - w.2 as f64 / w.0 as f64 / 1000.0).abs() < 1e-6, "{key:?}");
        assert_eq!(num(r, "max_us"), w.3 / 1000, "{key:?}");
        assert_eq!(num(r, "slow"), w.4, "{key:?}");
    }
    // -t: one type.
    let ext4 = json_rows(&["fsoverview", &f, "-t", "ext4"]);
    assert!(!ext4.is_empty() && ext4.iter().all(|r| text(r, "fstype") == "ext4"));
}

#[test]
fn diskoverview_sums_each_disk_and_operation() {
    let bios = block_io(&fixture());
    let op = |rwbs: &str| {
        let b = rwbs.as_bytes();
        let letter = if b.len() > 1 && b[0] == b'F' && b"RWDFN".contains(&b[1]) { b[1] } else { b[0] };
        match letter {
            b'R' => "read",
            b'W' => "write",
            b'F' => "flush",
            b'D' => "discard",
            _ => "other",
        }
    };
    let mut want: BTreeMap<(String, String), (Agg, i64, i64, i64)> = BTreeMap::new();
    for b in &bios {
        let e = want.entry((b.disk.clone(), op(&b.rwbs).to_string())).or_default();
        let lat = (b.complete - b.issue) as i64;
        e.0 .0 += 1;
        e.0 .1 += i64::from(b.bytes);
        e.0 .2 += lat;
        e.0 .3 = e.0 .3.max(lat);
        if let Some(ins) = b.insert.filter(|i| *i <= b.issue) {
            e.1 += (b.issue - ins) as i64;
            e.2 += 1;
        }
        e.3 += i64::from(b.error != 0);
    }
    let fx = fixture().to_string_lossy().into_owned();
    let got = json_rows(&["diskoverview", &fx]);
    assert_eq!(got.len(), want.len());
    let span_s = 20.0;
    for r in &got {
        let key = (text(r, "disk"), text(r, "op"));
        let (a, queued, nq, errors) = want[&key];
        assert_eq!(num(r, "requests"), a.0, "{key:?}");
        assert_eq!(num(r, "kbytes"), a.1 / 1024, "{key:?}");
        assert!((r["iops"].as_f64().unwrap() - a.0 as f64 / span_s).abs() < 1e-6, "{key:?}");
        assert!((r["avg_us"].as_f64().unwrap() - a.2 as f64 / a.0 as f64 / 1000.0).abs() < 1e-6, "{key:?}");
        assert_eq!(num(r, "max_us"), a.3 / 1000, "{key:?}");
        let q = if nq > 0 { queued as f64 / nq as f64 / 1000.0 } else { 0.0 };
        assert!((r["queued_us"].as_f64().unwrap() - q).abs() < 1e-6, "{key:?}");
        assert_eq!(num(r, "errors"), errors, "{key:?}");
    }
    assert!(want.keys().any(|(_, op)| op == "flush"), "a flush in the fixture");
}

#[test]
fn overview_text_snapshots() {
    let f = files().to_string_lossy().into_owned();
    let fx = fixture().to_string_lossy().into_owned();
    assert_snapshots([
        ("fsoverview", ok(&["fsoverview", &f])),
        ("diskoverview-interval", ok(&["diskoverview", &fx, "--interval", "10"])),
    ]);
}
