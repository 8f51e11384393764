//! Source `pagecache` end to end, on an ext4 file system the test makes on a
//! loop device: a file of known size, written and synced before recording and
//! dropped from the cache, is read twice with dd (cold, then warm); then dd
//! dirties a second file and sync(1) writes it back. The raw rows count exactly
//! the file's pages added (once) and looked up (twice); cachestat's misses then
//! hits follow, and writeback shows the sync's work on the loop device.

use std::os::unix::fs::MetadataExt;
use std::process::Command;

use super::common::*;

/// The file read: 8 MiB, 2048 pages of 4 KiB.
const PAGES: u64 = 2048;
/// Pages dirtied before the sync.
const DIRTIED: u64 = 64;

fn sh(script: &str) {
    let st = Command::new("sh").args(["-c", script]).status().expect("sh");
    assert!(st.success(), "{script}");
}

#[test]
fn cold_then_warm_reads_are_misses_then_hits() {
    let test = "cold_then_warm_reads_are_misses_then_hits";
    if !bpf_or_skip(test) || !have_program(test, "mkfs.ext4") || !have_program(test, "dd") {
        return;
    }
    let dir = scratch("pagecache");
    let fs = mount_fs(dir.path(), "ext4");
    let file = fs.path.join("cold");
    let dirty = fs.path.join("dirty");
    let (f, d) = (file.to_str().unwrap(), dirty.to_str().unwrap());
    // Written and on disk, then dropped from the cache (clean pages go).
    sh(&format!("dd if=/dev/zero of={f} bs=1M count=8 conv=fsync status=none"));
    sh(&format!("dd if={f} iflag=nocache count=0 status=none"));
    let ino = std::fs::metadata(&file).unwrap().ino();
    let cap = dir.path().join("cap");
    let script = format!(
        "dd if={f} of=/dev/null bs=1M status=none; dd if={f} of=/dev/null bs=1M status=none; \
         dd if=/dev/zero of={d} bs=4k count={DIRTIED} status=none; sync"
    );
    // Only dd's page-cache events (writeback is recorded from every task).
    record(
        &["-s", "pagecache", "-c", "dd", "-o", cap.to_str().unwrap(), "--", "sh", "-c", &script],
        0,
    );
    assert_attached(&cap, "pagecache");
    let c = cap.to_str().unwrap();
    let raw = |q: &str| sql_count(&cap, &q.replace("INO", &ino.to_string()));

    // Exactly the file's pages entered the cache, once.
    assert_eq!(
        raw("SELECT CAST(sum(pages) AS BIGINT) AS n FROM page_cache WHERE event = 'add' AND ino = INO"),
        PAGES
    );
    // The reads looked them up twice: each lookup's batch ends where the next
    // lookup of the same read starts. The warm read exactly; the cold one may
    // miss a batch: when the batch's last folio is still under readahead I/O the
    // kernel can hand the batch back without it, and without firing
    // mm_filemap_get_pages (filemap_get_pages' error path), a few times in ten.
    let per_read = sql(
        &cap,
        &format!(
            "SELECT tid, min(ts_ns) AS first, \
             CAST(sum(CASE WHEN next > index THEN next - index ELSE pages END) AS BIGINT) AS n \
             FROM (SELECT tid, ts_ns, index, pages, lead(index) OVER (PARTITION BY tid, index + pages \
             ORDER BY ts_ns) AS next FROM page_cache WHERE event = 'get' AND ino = {ino}) \
             GROUP BY tid ORDER BY first"
        ),
    );
    assert_eq!(per_read.len(), 2, "two dd processes read the file: {per_read:?}");
    let (cold, warm) = (u64_of(&per_read[0], "n"), u64_of(&per_read[1], "n"));
    assert_eq!(warm, PAGES, "the warm read's lookups");
    assert!(
        (PAGES - 512..=PAGES).contains(&cold),
        "the cold read's lookups: {cold} of {PAGES}"
    );
    let looked_up = cold + warm;
    assert_eq!(
        raw("SELECT count(*) AS n FROM page_cache WHERE event = 'dirty' AND comm = 'dd'"),
        DIRTIED
    );

    // cachestat over the whole recording: the file's 2048 misses and 2048 hits,
    // plus dd's own text pages (faulted and mapped around, cached: hits) and the
    // second file's pages (added by the write, so dirtied, not missed). Misses
    // within 16 pages of the file's (the loader's files, if any was evicted);
    // hits exactly the accesses, the file's and the others' counted from the raw
    // rows, less the misses.
    let rows = retrace_json(&["cachestat", c]);
    assert_eq!(rows.len(), 1);
    let (hits, misses, dirties) = (
        u64_of(&rows[0], "hits"),
        u64_of(&rows[0], "misses"),
        u64_of(&rows[0], "dirties"),
    );
    assert!((PAGES..PAGES + 16).contains(&misses), "misses {misses}");
    let others = raw(
        "SELECT CAST(sum(pages) AS BIGINT) AS n FROM page_cache \
         WHERE event IN ('fault', 'map') OR (event = 'get' AND ino <> INO)",
    );
    assert_eq!(hits, looked_up + others - misses, "hits {hits}, other accesses {others}");
    assert_eq!(dirties, DIRTIED);

    // writeback: sync(1) had the flusher write the dirtied pages of the loop
    // device.
    let dev = std::fs::metadata(&dirty).unwrap().dev();
    let bdi = format!("{}:{}", libc::major(dev), libc::minor(dev));
    let works = retrace_json(&["writeback", c]);
    let ours: Vec<_> = works.iter().filter(|w| str_of(w, "bdi") == bdi).collect();
    assert!(!ours.is_empty(), "no writeback of {bdi}: {works:?}");
    // The flusher may also run an empty periodic work meanwhile; the pages were
    // written by the sync's.
    let wrote: Vec<_> = ours.iter().filter(|w| u64_of(w, "pages") > 0).collect();
    assert!(!wrote.is_empty() && wrote.iter().all(|w| str_of(w, "reason") == "sync"), "{ours:?}");
    let pages: u64 = ours.iter().map(|w| u64_of(w, "pages")).sum();
    assert!(pages >= DIRTIED, "{pages} pages written: {ours:?}");
    drop(fs);
}
