//! The block I/O tools on the fixture, each checked against values computed here from
//! the raw `block_io` rows.

use std::collections::BTreeMap;

use crate::support::*;

fn fx() -> String {
    fixture().to_string_lossy().into_owned()
}

/// (key, bucket) -> count from a histogram tool's JSON.
fn hist_json(
    rows: &[serde_json::Map<String, serde_json::Value>],
    key: &str,
) -> BTreeMap<(String, u64), i64> {
    let mut m = BTreeMap::new();
    for r in rows {
        let k = match r.get(key) {
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        *m.entry((k, num(r, "bucket") as u64)).or_insert(0) += num(r, "count");
    }
    m
}

#[test]
fn biolatency_counts_every_request_in_its_usec_slot() {
    let bios = block_io(&fixture());
    let rows = json_rows(&["biolatency", &fx()]);
    let total: i64 = rows.iter().map(|r| num(r, "count")).sum();
    assert_eq!(
        total as usize,
        bios.len(),
        "total equals the number of rows"
    );
    let want = tally(
        bios.iter()
            .map(|b| (String::new(), slot((b.complete - b.issue) / 1000))),
    );
    assert_eq!(hist_json(&rows, "disk"), want);
    assert!(rows
        .iter()
        .all(|r| r["interval_index"] == 0 && r["disk"].is_null() && r["flags"].is_null()));
}

#[test]
fn biolatency_msecs_per_disk() {
    let bios = block_io(&fixture());
    let rows = json_rows(&["biolatency", &fx(), "-m", "-D"]);
    let want = tally(
        bios.iter()
            .map(|b| (b.disk.clone(), slot((b.complete - b.issue) / 1_000_000))),
    );
    assert_eq!(hist_json(&rows, "disk"), want);
    assert_eq!(
        want.keys()
            .map(|(d, _)| d.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        3
    );
}

#[test]
fn biolatency_queued_measures_from_insert_when_known() {
    let bios = block_io(&fixture());
    assert!(bios.iter().any(|b| b.insert.is_none()) && bios.iter().any(|b| b.insert.is_some()));
    let rows = json_rows(&["biolatency", &fx(), "-Q"]);
    let want = tally(bios.iter().map(|b| {
        (
            String::new(),
            slot((b.complete - b.insert.unwrap_or(b.issue)) / 1000),
        )
    }));
    assert_eq!(hist_json(&rows, "disk"), want);
}

#[test]
fn biolatency_per_flag_and_single_disk() {
    let bios = block_io(&fixture());
    let label = |rwbs: &str| match rwbs {
        "R" => "Read",
        "W" => "Write",
        "WS" => "Sync-Write",
        "FWFS" => "PreFlush-FUA-Sync-Write",
        "F" => "Flush",
        "RA" => "ReadAhead-Read",
        "RM" => "Metadata-Read",
        other => panic!("fixture has unexpected rwbs {other}"),
    };
    let rows = json_rows(&["biolatency", &fx(), "-F"]);
    let want = tally(bios.iter().map(|b| {
        (
            label(&b.rwbs).to_string(),
            slot((b.complete - b.issue) / 1000),
        )
    }));
    assert_eq!(hist_json(&rows, "flags"), want);

    let rows = json_rows(&["biolatency", &fx(), "-d", "vdb"]);
    let total: i64 = rows.iter().map(|r| num(r, "count")).sum();
    assert_eq!(
        total as usize,
        bios.iter().filter(|b| b.disk == "vdb").count()
    );
}

#[test]
fn biosnoop_lists_each_request() {
    let bios = block_io(&fixture());
    let rows = json_rows(&["biosnoop", &fx()]);
    assert_eq!(rows.len(), bios.len());
    let mut sorted = bios.clone();
    sorted.sort_by_key(|b| (b.complete, b.issue));
    for (r, b) in rows.iter().zip(&sorted) {
        assert_eq!(num(r, "ts_complete_ns") as u64, b.complete);
        assert_eq!(text(r, "comm"), b.comm);
        assert_eq!(num(r, "pid") as u32, b.pid);
        assert_eq!(num(r, "sector") as u64, b.sector);
        assert_eq!(num(r, "bytes") as u32, b.bytes);
        assert_eq!(text(r, "rwbs"), b.rwbs);
        let lat = r["lat_ms"].as_f64().unwrap();
        assert!((lat - (b.complete - b.issue) as f64 / 1e6).abs() < 1e-9);
        match b.insert {
            None => assert!(r["que_ms"].is_null()),
            Some(i) => {
                let q = r["que_ms"].as_f64().unwrap();
                assert!((q - (b.issue - i) as f64 / 1e6).abs() < 1e-9);
            }
        }
        let t = r["time_s"].as_f64().unwrap();
        assert!((t - (b.complete - START_NS) as f64 / 1e9).abs() < 1e-9);
    }
}

#[test]
fn biosnoop_filters_by_disk_and_pid() {
    let bios = block_io(&fixture());
    let rows = json_rows(&["biosnoop", &fx(), "-d", "nvme0n1"]);
    assert_eq!(
        rows.len(),
        bios.iter().filter(|b| b.disk == "nvme0n1").count()
    );
    let rows = json_rows(&["biosnoop", &fx(), "-p", "4242"]);
    assert_eq!(rows.len(), bios.iter().filter(|b| b.pid == 4242).count());
    assert!(rows
        .iter()
        .all(|r| text(r, "comm") == "fio" && num(r, "bytes") == 4096));
    let out = ok(&["biosnoop", &fx(), "-Q", "-p", "4300"]);
    let header = out.lines().next().unwrap();
    assert!(
        header.contains("QUE(ms)") && header.ends_with("LAT(ms)"),
        "{header}"
    );
}

#[test]
fn biotop_ranks_processes_by_bytes() {
    let bios = block_io(&fixture());
    let mut want: BTreeMap<(u32, String, String, String), (i64, i64)> = BTreeMap::new();
    for b in &bios {
        let d = if b.rwbs.starts_with('W') || b.rwbs.starts_with("FW") {
            "W"
        } else {
            "R"
        };
        let e = want
            .entry((b.pid, b.comm.clone(), d.to_string(), b.disk.clone()))
            .or_default();
        e.0 += 1;
        e.1 += b.bytes as i64;
    }
    let rows = json_rows(&["biotop", &fx()]);
    assert_eq!(rows.len(), want.len().min(20));
    let mut prev = i64::MAX;
    for r in &rows {
        let key = (
            num(r, "pid") as u32,
            text(r, "comm"),
            text(r, "d"),
            text(r, "disk"),
        );
        let (io, bytes) = want[&key];
        assert_eq!(num(r, "io"), io);
        assert_eq!(num(r, "bytes"), bytes);
        assert_eq!(num(r, "kbytes"), bytes / 1024);
        assert!(bytes <= prev, "sorted by bytes, largest first");
        prev = bytes;
    }
    assert_eq!(json_rows(&["biotop", &fx(), "-r", "2"]).len(), 2);
}

#[test]
fn bitesize_puts_sizes_in_kbyte_slots_per_process() {
    let bios = block_io(&fixture());
    let rows = json_rows(&["bitesize", &fx()]);
    let want = tally(
        bios.iter()
            .map(|b| (b.comm.clone(), slot(b.bytes as u64 / 1024))),
    );
    assert_eq!(hist_json(&rows, "comm"), want);
    // fio's 4 KiB reads are all in slot 2 ("4 -> 7").
    let fio: Vec<_> = rows.iter().filter(|r| text(r, "comm") == "fio").collect();
    assert_eq!(fio.len(), 1);
    assert_eq!(num(fio[0], "bucket"), 2);
}

#[test]
fn iosched_histograms_queue_time_of_queued_requests() {
    let bios = block_io(&fixture());
    let rows = json_rows(&["iosched", &fx()]);
    let want = tally(bios.iter().filter_map(|b| {
        b.insert
            .map(|i| (b.disk.clone(), slot((b.issue - i) / 1000)))
    }));
    assert_eq!(hist_json(&rows, "disk"), want);
}

#[test]
fn bioerr_lists_failed_requests() {
    let bios = block_io(&fixture());
    let failed: Vec<_> = bios.iter().filter(|b| b.error != 0).collect();
    assert!(failed.len() >= 3);
    let rows = json_rows(&["bioerr", &fx()]);
    assert_eq!(rows.len(), failed.len());
    for r in &rows {
        let b = failed
            .iter()
            .find(|b| b.complete == num(r, "ts_complete_ns") as u64)
            .expect("a failed row");
        assert_eq!(num(r, "error"), b.error as i64);
        let name = match b.error {
            -5 => "EIO",
            -110 => "ETIMEDOUT",
            -61 => "ENODATA",
            e => panic!("unexpected errno {e}"),
        };
        assert_eq!(text(r, "error_name"), name);
        assert_eq!(
            (num(r, "maj") as u32, num(r, "min") as u32),
            (b.major, b.minor)
        );
    }
    let out = ok(&["bioerr", &fx()]);
    assert!(
        out.contains("error: -5 (EIO), comm: dd, pid: 4300"),
        "{out}"
    );
}

/// Per disk, in `order`, the distance of each request from where the previous ended.
fn distances(bios: &[Bio], by_issue: bool) -> Vec<(Bio, Option<u64>)> {
    let mut out = Vec::new();
    let mut disks: BTreeMap<String, Vec<Bio>> = BTreeMap::new();
    for b in bios.iter().filter(|b| b.bytes > 0) {
        disks.entry(b.disk.clone()).or_default().push(b.clone());
    }
    for (_, mut list) in disks {
        if by_issue {
            list.sort_by_key(|b| (b.issue, b.complete, b.sector));
        } else {
            list.sort_by_key(|b| (b.complete, b.issue, b.sector));
        }
        let mut prev_end: Option<u64> = None;
        for b in list {
            let d = prev_end.map(|p| b.sector.abs_diff(p));
            prev_end = Some(b.sector + b.bytes as u64 / 512);
            out.push((b, d));
        }
    }
    out
}

#[test]
fn seeksize_histograms_seek_distance_per_process() {
    let bios = block_io(&fixture());
    let want = tally(
        distances(&bios, true)
            .into_iter()
            .filter_map(|(b, d)| d.map(|d| (b.comm.clone(), slot(d)))),
    );
    let rows = json_rows(&["seeksize", &fx()]);
    assert_eq!(hist_json(&rows, "comm"), want);
}

#[test]
fn biopattern_splits_random_and_sequential() {
    let bios = block_io(&fixture());
    let mut want: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for (b, d) in distances(&bios, false) {
        if let Some(d) = d {
            let e = want.entry(b.disk.clone()).or_default();
            if d == 0 {
                e.1 += 1;
            } else {
                e.0 += 1;
            }
            e.2 += b.bytes as i64;
        }
    }
    let rows = json_rows(&["biopattern", &fx()]);
    assert_eq!(rows.len(), want.len());
    for r in &rows {
        let (rnd, seq, bytes) = want[&text(r, "disk")];
        assert_eq!(num(r, "random"), rnd);
        assert_eq!(num(r, "sequential"), seq);
        assert_eq!(num(r, "count"), rnd + seq);
        assert_eq!(num(r, "pct_rnd"), rnd * 100 / (rnd + seq));
        assert_eq!(num(r, "pct_seq"), seq * 100 / (rnd + seq));
        assert_eq!(num(r, "kbytes"), bytes / 1024);
    }
    // The fixture has both patterns on every disk.
    assert!(want.values().all(|(r, s, _)| *r > 0 && *s > 0));
}

#[test]
fn lost_disk_events_are_reported_after_text_and_on_stderr_with_json() {
    let text_out = ok(&["biolatency", &fx()]);
    let warning =
        "WARNING: 17 events lost in source disk (ring buffer full); counts above may be low";
    assert!(text_out.trim_end().ends_with(warning), "{text_out}");
    let o = retrace(&["biotop", &fx(), "--json"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains(warning));
    assert!(serde_json::from_slice::<serde_json::Value>(&o.stdout).is_ok());
    let o = retrace(&["biosnoop", &fx(), "--csv"]);
    assert!(stderr(&o).contains(warning));
    assert!(stdout(&o).starts_with(
        "ts_complete_ns,time_s,comm,pid,disk,rwbs,sector,bytes,que_ms,lat_ms,error\n"
    ));
}
