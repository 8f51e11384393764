//! Source `disk` end to end: a fixed fio job of N direct 4 KiB random reads,
//! recorded, then counted by biosnoop, biolatency and bitesize.

use std::io::Write;

use serde_json::Value;

use super::common::*;

/// Reads the fio job issues.
const N: u64 = 400;

fn write_data_file(path: &std::path::Path, bytes: usize) {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0x42u8; 1 << 20];
    for _ in 0..bytes >> 20 {
        f.write_all(&chunk).unwrap();
    }
    f.sync_all().unwrap();
}

#[test]
fn fio_direct_random_reads_are_all_counted() {
    if !bpf_or_skip("fio_direct_random_reads_are_all_counted") || !have_program("fio", "fio") {
        return;
    }
    let dir = scratch("fio");
    let data = dir.path().join("data");
    write_data_file(&data, 16 << 20);
    let cap = dir.path().join("cap");
    let fio_json = dir.path().join("fio.json");
    let filename = format!("--filename={}", data.display());
    let output = format!("--output={}", fio_json.display());
    let number_ios = format!("--number_ios={N}");
    // --thread: the job runs as a thread of fio's own process, so every read is
    // issued by the pid that retrace-record launched.
    record(
        &[
            "-s",
            "disk",
            "-o",
            cap.to_str().unwrap(),
            "--",
            "fio",
            "--name=e2e",
            &filename,
            "--rw=randread",
            "--bs=4k",
            "--direct=1",
            "--ioengine=psync",
            "--size=16M",
            &number_ios,
            "--thread",
            "--numjobs=1",
            "--output-format=json",
            &output,
        ],
        0,
    );
    let m = manifest(&cap);
    let fio_pid = m["command"]["pid"].as_u64().expect("launched command pid");
    let c = cap.to_str().unwrap();

    // Independent count from the raw rows.
    let raw_reads = sql_count(
        &cap,
        &format!(
            "SELECT count(*) AS n FROM block_io \
             WHERE pid = {fio_pid} AND bytes = 4096 AND rwbs LIKE 'R%'"
        ),
    );
    assert!(
        raw_reads >= N,
        "raw rows: {raw_reads} reads of 4096 by fio, want >= {N}"
    );
    let total_rows = sql_count(&cap, "SELECT count(*) AS n FROM block_io");
    assert_eq!(
        total_rows,
        m["tables"]["block_io"]["rows"].as_u64().unwrap()
    );

    // biosnoop: one line per request.
    let snoop = retrace_json(&["biosnoop", c]);
    assert_eq!(
        snoop.len() as u64,
        total_rows,
        "biosnoop lists every request"
    );
    let fio_reads = snoop
        .iter()
        .filter(|r| {
            u64_of(r, "pid") == fio_pid
                && u64_of(r, "bytes") == 4096
                && str_of(r, "rwbs").starts_with('R')
        })
        .count() as u64;
    assert_eq!(fio_reads, raw_reads);
    assert!(
        fio_reads >= N,
        "biosnoop shows {fio_reads} 4 KiB reads by fio (pid {fio_pid}), want >= {N}"
    );

    // biolatency: the histogram's total is the number of rows.
    let hist = retrace_json(&["biolatency", c]);
    let hist_total: u64 = hist.iter().map(|r| u64_of(r, "count")).sum();
    assert_eq!(hist_total, total_rows, "biolatency total vs rows");

    // bitesize: fio's reads land in the 4 -> 7 Kbytes bucket (index 2), and every
    // bucket of comm fio holds what the raw rows say (fio may also fault in its
    // own pages on a cold cache, in other sizes).
    let sizes = retrace_json(&["bitesize", c]);
    let fio_bucket = |b: u64| -> u64 {
        sizes
            .iter()
            .filter(|r| str_of(r, "comm") == "fio" && u64_of(r, "bucket") == b)
            .map(|r| u64_of(r, "count"))
            .sum()
    };
    assert!(
        fio_bucket(2) >= N,
        "bitesize: {} fio I/Os in the 4K bucket, want >= {N}",
        fio_bucket(2)
    );
    let raw_buckets = sql(
        &cap,
        "SELECT CAST(CASE WHEN bytes < 2048 THEN 0 ELSE floor(log2(bytes / 1024)) END AS BIGINT) AS b, \
                count(*) AS n \
         FROM block_io WHERE comm = 'fio' GROUP BY 1",
    );
    for r in &raw_buckets {
        assert_eq!(
            fio_bucket(u64_of(r, "b")),
            u64_of(r, "n"),
            "bitesize bucket {r}"
        );
    }

    // Timing: device latency (issue → complete) of fio's direct reads cannot
    // exceed what fio measured around each read (submission + device +
    // completion). Readahead (rwbs A) of fio's own pages is not part of the job.
    let fio: Value = serde_json::from_str(&std::fs::read_to_string(&fio_json).unwrap()).unwrap();
    let job = &fio["jobs"][0];
    assert_eq!(
        job["read"]["total_ios"].as_u64(),
        Some(N),
        "fio did N reads"
    );
    let fio_mean_ns = job["read"]["clat_ns"]["mean"].as_f64().unwrap()
        + job["read"]["slat_ns"]["mean"].as_f64().unwrap_or(0.0);
    let ours = sql(
        &cap,
        &format!(
            "SELECT avg(ts_complete_ns - ts_issue_ns) AS mean_ns, \
                    min(ts_complete_ns - ts_issue_ns) AS min_ns \
             FROM block_io WHERE pid = {fio_pid} AND bytes = 4096 \
               AND rwbs LIKE 'R%' AND rwbs NOT LIKE '%A%'"
        ),
    );
    let mean_ns = ours[0]["mean_ns"].as_f64().unwrap();
    let min_ns = ours[0]["min_ns"].as_f64().unwrap();
    assert!(min_ns > 0.0, "every latency is positive");
    assert!(
        mean_ns <= fio_mean_ns * 1.10,
        "device latency {mean_ns:.0} ns > fio's completion latency {fio_mean_ns:.0} ns"
    );
    assert!(
        mean_ns >= fio_mean_ns * 0.05,
        "device latency {mean_ns:.0} ns implausibly small next to fio's {fio_mean_ns:.0} ns"
    );
}
