//! Source `fileio` end to end, driven by `tests/workloads/fileio.c` (built
//! static, so that it reads and writes nothing but what it is told to) on three
//! file systems the test makes: ext4 and xfs on loop devices, and tmpfs. It
//! writes, reads back, fsyncs and O_SYNC-writes a file on each, then reads a pipe
//! whose writer sleeps 60 ms before each byte, then creates a file it deletes
//! 250 ms later and mounts and unmounts a tmpfs. filetop, fsrwstat, filetype,
//! writesync, scread, vfssize, fileslower, fsdist, fsslower, filelife and
//! mountsnoop count exactly those calls, and the raw rows carry each file's inode
//! and device.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;

use serde_json::Value;

use super::common::*;

const COMM: &str = "rtfile-io";
const WRITES: i64 = 12;
const READS: i64 = 9;
const SYNC_WRITES: i64 = 4;
const SIZE: i64 = 8192;
const PIPE_READS: i64 = 5;
const FS: [&str; 3] = ["ext4", "xfs", "tmpfs"];

/// (key columns joined by spaces) -> a count column, over a tool's JSON rows.
fn by(rows: &[Value], keys: &[&str], value: &str) -> BTreeMap<String, i64> {
    rows.iter()
        .map(|r| {
            let k: Vec<String> = keys.iter().map(|k| r[*k].to_string().replace('"', "")).collect();
            (k.join(" "), i64_of(r, value))
        })
        .collect()
}

#[test]
fn reads_and_writes_are_counted_exactly_per_file_and_file_system() {
    let test = "reads_and_writes_are_counted_exactly_per_file_and_file_system";
    if !bpf_or_skip(test)
        || !have_program(test, "cc")
        || !have_program(test, "mkfs.ext4")
        || !have_program(test, "mkfs.xfs")
    {
        return;
    }
    let dir = scratch("fileio");
    let work = build_workload(dir.path(), "fileio", &["-O1", "-Wall", "-static"]);
    let mounts: Vec<Mounted> = FS.iter().map(|fs| mount_fs(dir.path(), fs)).collect();
    let cap = dir.path().join("cap");
    // Only the workload's calls (its name, filtered in the kernel): the whole
    // host is recorded otherwise, this test's own reads of the recorder included.
    let mut args: Vec<String> = ["-s", "fileio,files", "-c", COMM, "-o", cap.to_str().unwrap(), "--"]
        .map(String::from)
        .to_vec();
    args.push(work.to_string_lossy().into_owned());
    for n in [WRITES, READS, SYNC_WRITES, SIZE, PIPE_READS] {
        args.push(n.to_string());
    }
    args.extend(mounts.iter().map(|m| m.path.to_string_lossy().into_owned()));
    let out = record(&args.iter().map(String::as_str).collect::<Vec<_>>(), 0);
    assert_attached(&cap, "fileio");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let pid: i64 = printed(&stdout, "pid").parse().unwrap();
    let child: i64 = printed(&stdout, "child").parse().unwrap();
    let c = cap.to_str().unwrap();

    // The raw rows: each data file's inode and device, as stat() sees them.
    for (fs, m) in FS.iter().zip(&mounts) {
        let meta = std::fs::metadata(m.path.join("data")).unwrap();
        let rows = sql(
            &cap,
            &format!(
                "SELECT DISTINCT ino, dev_major, dev_minor FROM file_io \
                 WHERE name = 'data' AND fstype = '{fs}'"
            ),
        );
        assert_eq!(rows.len(), 1, "{fs}: {rows:?}");
        assert_eq!(u64_of(&rows[0], "ino"), meta.ino(), "{fs}");
        let dev = meta.dev();
        let (major, minor) = (libc::major(dev) as u64, libc::minor(dev) as u64);
        assert_eq!(
            (u64_of(&rows[0], "dev_major"), u64_of(&rows[0], "dev_minor")),
            (major, minor),
            "{fs}"
        );
    }

    // filetop: per file, the exact calls and Kbytes; T is R for all of them.
    let top = retrace_json(&["filetop", c, "-p", &pid.to_string(), "-r", "100"]);
    let data: Vec<&Value> = top.iter().filter(|r| str_of(r, "file") == "data").collect();
    assert_eq!(data.len(), FS.len(), "{top:?}");
    for r in &data {
        assert_eq!(i64_of(r, "tid"), pid);
        assert_eq!(str_of(r, "comm"), COMM);
        assert_eq!((i64_of(r, "reads"), i64_of(r, "writes")), (READS + 1, WRITES), "{r}");
        assert_eq!(i64_of(r, "rbytes"), (READS + 1) * SIZE, "{r}");
        assert_eq!(i64_of(r, "w_kb"), WRITES * SIZE / 1024, "{r}");
        assert_eq!(str_of(r, "t"), "R");
    }
    let sync: Vec<&Value> = top.iter().filter(|r| str_of(r, "file") == "sync").collect();
    assert_eq!(sync.len(), FS.len(), "{top:?}");
    assert!(sync.iter().all(|r| i64_of(r, "writes") == SYNC_WRITES && i64_of(r, "reads") == 0));
    // Nothing else is a regular file this static program read or wrote.
    assert_eq!(top.len(), 2 * FS.len(), "{top:?}");

    // fsrwstat: exact per file-system type; the pipe's reads, its writer's
    // writes and the one report to stdout (a pipe too) on pipefs.
    let fsrw = by(&retrace_json(&["fsrwstat", c]), &["fstype", "op"], "calls");
    let mut want = BTreeMap::new();
    for fs in FS {
        want.insert(format!("{fs} read"), READS + 1);
        want.insert(format!("{fs} write"), WRITES + SYNC_WRITES);
    }
    want.insert("pipefs read".to_string(), PIPE_READS);
    want.insert("pipefs write".to_string(), PIPE_READS + 1);
    assert_eq!(
        fsrw,
        want,
        "{:?}",
        sql(&cap, "SELECT pid, comm, call, fd, ret, ts_ns, ts_enter_ns FROM file_io WHERE fstype = 'pipefs'")
    );

    // filetype: by type, direction and command.
    let types = by(&retrace_json(&["filetype", c]), &["file_type", "op", "comm"], "calls");
    let n = FS.len() as i64;
    let want: BTreeMap<String, i64> = [
        (format!("regular read {COMM}"), n * (READS + 1)),
        (format!("regular write {COMM}"), n * (WRITES + SYNC_WRITES)),
        (format!("fifo read {COMM}"), PIPE_READS),
        (format!("fifo write {COMM}"), PIPE_READS + 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(types, want);

    // writesync: O_SYNC writes apart from the rest.
    let ws = retrace_json(&["writesync", c]);
    assert_eq!(ws.len(), 1, "{ws:?}");
    assert_eq!(i64_of(&ws[0], "regular"), n * WRITES);
    assert_eq!(i64_of(&ws[0], "sync"), n * SYNC_WRITES);
    assert_eq!(i64_of(&ws[0], "sync_bytes"), n * SYNC_WRITES * SIZE);

    // scread: read(2) only, so not the pread64 of each data file.
    let sc = by(&retrace_json(&["scread", c]), &["file"], "reads");
    let want: BTreeMap<String, i64> =
        [("data".to_string(), n * READS), ("[pipefs]".to_string(), PIPE_READS)]
            .into_iter()
            .collect();
    assert_eq!(sc, want);

    // vfssize: every successful call in its log2 slot: SIZE-byte calls in slot
    // 13, the pipe's bytes in slot 0, the report (12 to 30 bytes) in slot 3 or 4.
    let sizes = retrace_json(&["vfssize", c]);
    let slot = |op: &str, bucket: i64| -> i64 {
        sizes
            .iter()
            .filter(|r| str_of(r, "op") == op && i64_of(r, "bucket") == bucket)
            .map(|r| i64_of(r, "count"))
            .sum()
    };
    assert_eq!(slot("read", 13), n * (READS + 1));
    assert_eq!(slot("write", 13), n * (WRITES + SYNC_WRITES));
    assert_eq!(slot("read", 0), PIPE_READS);
    assert_eq!(slot("write", 0), PIPE_READS);
    let total: i64 = sizes.iter().map(|r| i64_of(r, "count")).sum();
    assert_eq!(total, n * (READS + 1 + WRITES + SYNC_WRITES) + 2 * PIPE_READS + 1);

    // fileslower: the pipe reads waited about 60 ms each; with -a and 40 ms,
    // they are all there, and every row is a call the raw rows say took 40 ms.
    let slow = retrace_json(&["fileslower", c, "40", "-a"]);
    let pipe_reads: Vec<&Value> = slow
        .iter()
        .filter(|r| str_of(r, "file") == "[pipefs]" && str_of(r, "d") == "R")
        .collect();
    assert_eq!(pipe_reads.len() as i64, PIPE_READS, "{slow:?}");
    for r in &pipe_reads {
        assert_eq!(i64_of(r, "tid"), pid);
        let ms = r["lat_ms"].as_f64().unwrap();
        assert!((40.0..2000.0).contains(&ms), "{r}");
    }
    let raw_slow = sql_count(
        &cap,
        "SELECT count(*) AS n FROM file_rw WHERE lat_ns >= 40000000",
    );
    assert_eq!(slow.len() as u64, raw_slow);
    // Without -a, only regular files: the pipe reads are gone.
    let regular = retrace_json(&["fileslower", c, "40"]);
    assert!(regular.iter().all(|r| str_of(r, "file") != "[pipefs]"), "{regular:?}");
    assert_eq!(regular.len() + pipe_reads.len(), slow.len(), "{slow:?}");

    // The child wrote the pipe: its writes are its own.
    let child_writes = sql_count(
        &cap,
        &format!("SELECT count(*) AS n FROM file_io WHERE pid = {child} AND write"),
    );
    assert_eq!(child_writes as i64, PIPE_READS);

    // The `files` source: two creating opens and one read-only open per file
    // system, and the short-lived file; nothing else (static). Each created file
    // was created by its open (FMODE_CREATED), also the O_TRUNC rewrites of a
    // file that did not exist yet.
    let opens = sql_count(&cap, &format!("SELECT count(*) AS n FROM file_open WHERE pid = {pid}"));
    assert_eq!(opens as i64, 3 * n + 1);
    let creates = sql_count(
        &cap,
        &format!("SELECT count(*) AS n FROM file_open WHERE pid = {pid} AND created"),
    );
    assert_eq!(creates as i64, 2 * n + 1);

    // fsdist: per file system, exactly the reads, writes, opens and fsyncs.
    let dist = retrace_json(&["fsdist", c]);
    let ops = |fs: &str, op: &str| -> i64 {
        dist.iter()
            .filter(|r| str_of(r, "fstype") == fs && str_of(r, "op") == op)
            .map(|r| i64_of(r, "count"))
            .sum()
    };
    for fs in FS {
        let short = i64::from(fs == "tmpfs");
        assert_eq!(ops(fs, "read"), READS + 1, "{fs}");
        assert_eq!(ops(fs, "write"), WRITES + SYNC_WRITES, "{fs}");
        assert_eq!(ops(fs, "open"), 3 + short, "{fs}");
        assert_eq!(ops(fs, "fsync"), 1, "{fs}");
    }
    // fsslower with no threshold lists them all, with the files' names.
    let xfs = retrace_json(&["fsslower", c, "-t", "xfs", "-m", "0"]);
    assert_eq!(xfs.len() as i64, READS + 1 + WRITES + SYNC_WRITES + 3 + 1, "{xfs:?}");
    assert_eq!(xfs.iter().filter(|r| str_of(r, "t") == "F").count(), 1);

    // filelife: the short-lived file, 250 ms old (the sleep, plus the close).
    let lives = retrace_json(&["filelife", c]);
    assert_eq!(lives.len(), 1, "{lives:?}");
    let short = mounts[2].path.join("short").to_string_lossy().into_owned();
    assert_eq!(str_of(&lives[0], "file"), short);
    let age = lives[0]["age_s"].as_f64().unwrap();
    assert!((0.25..0.275).contains(&age), "age {age}");

    // mountsnoop: the tmpfs mount and its umount, as written.
    let mnt = mounts[2].path.join("mnt").to_string_lossy().into_owned();
    let calls: Vec<String> = retrace_json(&["mountsnoop", c])
        .iter()
        .map(|r| str_of(r, "text").to_string())
        .collect();
    assert_eq!(
        calls,
        [
            format!(r#"mount("none", "{mnt}", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") = 0"#),
            format!(r#"umount("{mnt}", 0x0) = 0"#),
        ]
    );
    drop(mounts);
}
