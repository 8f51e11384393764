//! File mappings, file faults and the buffer cache end to end. A workload
//! (`tests/workloads/mapper.c`) maps a cold file on ext4 a known number of times,
//! then touches a known number of its pages through a MADV_RANDOM mapping, makes
//! one mapping that fails and one anonymous one: mmapfiles and fmapfault count
//! exactly those. Then dd reads a known number of blocks of a loop device with
//! readahead off: bufgrow shows exactly those Kbytes of the device's own cache.

use std::process::Command;

use super::common::*;

const MAPS: u64 = 7;
const TOUCHES: u64 = 50;

fn sh(script: &str) -> String {
    let out = Command::new("sh").args(["-c", script]).output().expect("sh");
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn mmaps_and_file_faults_are_counted_exactly() {
    let test = "mmaps_and_file_faults_are_counted_exactly";
    if !bpf_or_skip(test) || !have_program(test, "cc") || !have_program(test, "mkfs.ext4") {
        return;
    }
    let dir = scratch("mappings");
    let work = build_workload(dir.path(), "mapper", &["-O1", "-Wall"]);
    let fs = mount_fs(dir.path(), "ext4");
    let data = fs.path.join("data");
    let d = data.to_str().unwrap();
    // 16 pages per touch, written to disk, then dropped from the cache.
    let size_kb = TOUCHES * 16 * 4;
    sh(&format!("dd if=/dev/urandom of={d} bs=1k count={size_kb} conv=fsync status=none"));
    sh(&format!("dd if={d} iflag=nocache count=0 status=none"));
    let cap = dir.path().join("cap");
    let c = cap.to_str().unwrap();
    record(
        &[
            "-s", "files,pagecache", "-c", "rtmapper", "-o", c, "--",
            work.to_str().unwrap(), d, &MAPS.to_string(), &TOUCHES.to_string(),
        ],
        0,
    );
    assert_attached(&cap, "files");
    assert_attached(&cap, "pagecache");

    // The file's path within its file system (the loop mount's root is its "/").
    let rows = retrace_json(&["mmapfiles", c]);
    let ours: Vec<_> = rows.iter().filter(|r| str_of(r, "path") == "/data").collect();
    assert_eq!(ours.len(), 1, "{rows:?}");
    assert_eq!(u64_of(ours[0], "mmaps"), MAPS + 1, "{rows:?}");
    assert_eq!(u64_of(ours[0], "failed"), 1, "{rows:?}");
    assert_eq!(str_of(ours[0], "fstype"), "ext4");
    // The anonymous mapping is a row, but no file's.
    assert_eq!(
        sql_count(&cap, "SELECT count(*) AS n FROM file_mmap WHERE ino = 0 AND flags & 32 <> 0"),
        1
    );

    // Each touched page was read on its own (no readahead): added once. The
    // fault that read it may be retried once after the read (VM_FAULT_RETRY,
    // when the kernel dropped the mm lock for the I/O), and the tracepoint fires
    // at each attempt: between one and two faults per page.
    let faults = retrace_json(&["fmapfault", c]);
    let on_data: Vec<_> = faults.iter().filter(|r| str_of(r, "file") == "/data").collect();
    assert_eq!(on_data.len(), 1, "{faults:?}");
    let n = u64_of(on_data[0], "faults");
    assert!((TOUCHES..=2 * TOUCHES).contains(&n), "{n} faults for {TOUCHES} pages");
    let ino = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&data).unwrap());
    assert_eq!(
        sql_count(
            &cap,
            &format!("SELECT CAST(sum(pages) AS BIGINT) AS n FROM page_cache WHERE event = 'add' AND ino = {ino}")
        ),
        TOUCHES
    );
    drop(fs);
}

#[test]
fn block_device_reads_grow_the_buffer_cache_exactly() {
    let test = "block_device_reads_grow_the_buffer_cache_exactly";
    if !bpf_or_skip(test) || !have_program(test, "losetup") || !have_program(test, "dd") {
        return;
    }
    const BLOCKS: u64 = 100;
    let dir = scratch("bufgrow");
    let image = dir.path().join("disk.img");
    std::fs::File::create(&image).unwrap().set_len(64 << 20).unwrap();
    let dev = sh(&format!("losetup -f --show {}", image.display()));
    let name = dev.trim_start_matches("/dev/").to_string();
    let detach = Detach(dev.clone());
    // Readahead off: the device's cache grows by exactly the blocks read.
    std::fs::write(format!("/sys/block/{name}/queue/read_ahead_kb"), "0").unwrap();
    let cap = dir.path().join("cap");
    let c = cap.to_str().unwrap();
    // The shell holds the device open: its cache is dropped at the last close.
    let script = format!(
        "exec 3<{dev}; dd if={dev} iflag=nocache count=0 status=none; \
         dd if={dev} of=/dev/null bs=4k count={BLOCKS} skip=1000 status=none; \
         dd if={dev} of=/dev/null bs=4k count={BLOCKS} skip=1000 status=none"
    );
    record(&["-s", "pagecache", "-c", "dd", "-o", c, "--", "sh", "-c", &script], 0);
    assert_attached(&cap, "pagecache");
    let rows = retrace_json(&["bufgrow", c]);
    let ours: Vec<_> = rows.iter().filter(|r| str_of(r, "bdev") == name).collect();
    assert_eq!(ours.len(), 1, "{rows:?}");
    // The second read found every block cached (the device stayed open).
    assert_eq!(u64_of(ours[0], "kb"), BLOCKS * 4, "{rows:?}");
    assert_eq!(str_of(ours[0], "comm"), "dd");
    drop(detach);
}

/// Detaches a loop device when the test ends, passed or not.
struct Detach(String);

impl Drop for Detach {
    fn drop(&mut self) {
        let _ = Command::new("losetup").args(["-d", &self.0]).status();
    }
}
