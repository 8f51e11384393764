//! Source `biostacks` end to end: dd overwrites N blocks with O_DIRECT of a file
//! on an ext4 loop device while `biostacks` and `disk` record. biostacks shows
//! exactly N requests of dd under a stack that goes through vfs_write, on the loop
//! device, and their latency from start to completion is at least what the
//! `disk` source measured from issue to completion for the same requests.

use serde_json::Value;

use super::common::*;

const N: u64 = 64;

#[test]
fn direct_writes_are_counted_under_their_write_stack() {
    let test = "direct_writes_are_counted_under_their_write_stack";
    if !bpf_or_skip(test) || !have_program(test, "mkfs.ext4") || !have_program(test, "dd") {
        return;
    }
    let dir = scratch("biostacks");
    let fs = mount_fs(dir.path(), "ext4");
    let file = fs.path.join("direct");
    // Allocated and on disk first: the recorded writes overwrite it, so that no
    // block allocation (a bitmap read under the same write) comes with them.
    let st = std::process::Command::new("dd")
        .args(["if=/dev/zero", &format!("of={}", file.display()), "bs=4k", &format!("count={N}"), "conv=fsync", "status=none"])
        .status()
        .unwrap();
    assert!(st.success());
    let cap = dir.path().join("cap");
    let c = cap.to_str().unwrap();
    let of = format!("of={}", file.display());
    let count = format!("count={N}");
    record(
        &[
            "-s", "biostacks,disk", "-c", "dd", "-o", c, "--",
            "dd", "if=/dev/zero", &of, "bs=4k", &count, "oflag=direct", "conv=notrunc", "status=none",
        ],
        0,
    );
    assert_attached(&cap, "biostacks");
    let loop_dev = sql(&cap, "SELECT DISTINCT disk FROM block_io_stack WHERE disk LIKE 'loop%'");
    assert_eq!(loop_dev.len(), 1, "dd wrote to one loop device: {loop_dev:?}");
    let disk = str_of(&loop_dev[0], "disk").to_string();

    let rows = retrace_json(&["biostacks", c, "-d", &disk]);
    let writes: Vec<&Value> = rows
        .iter()
        .filter(|r| str_of(r, "comm") == "dd")
        .filter(|r| r["kernel_stack"].as_array().unwrap().iter().any(|f| f == "vfs_write"))
        .collect();
    let requests: u64 = writes.iter().map(|r| u64_of(r, "requests")).sum();
    assert_eq!(requests, N, "{rows:?}");
    // The probe's own frames are stripped: the leaf is the block layer's.
    for r in &writes {
        let leaf = r["kernel_stack"][0].as_str().unwrap();
        assert!(!leaf.starts_with("bpf_"), "probe frames left: {leaf}");
    }
    // Start-to-completion (biostacks) covers issue-to-completion (disk) for each
    // of dd's requests on that device.
    let stacked: u64 = writes.iter().map(|r| u64_of(r, "total_us")).sum();
    let issued = sql_count(
        &cap,
        &format!(
            "SELECT CAST(sum(ts_complete_ns - ts_issue_ns) / 1000 AS BIGINT) AS n FROM block_io \
             WHERE comm = 'dd' AND disk = '{disk}' AND rwbs LIKE 'W%'"
        ),
    );
    assert!(stacked + N >= issued, "biostacks {stacked} us < disk {issued} us");
    drop(fs);
}
