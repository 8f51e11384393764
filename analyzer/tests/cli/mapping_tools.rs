//! mmapfiles, fmapfault, bufgrow, vfscount and opensnoop -e over `fixtures/files`,
//! checked against the raw file_mmap, page_cache, file_* and file_io rows read
//! with parquet's own reader.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::support::*;

fn files() -> PathBuf {
    fixture().join("../files")
}

fn fx() -> String {
    files().to_string_lossy().into_owned()
}

fn rows(table: &str) -> Vec<BTreeMap<String, String>> {
    text_rows(&files(), table)
}

fn int(r: &BTreeMap<String, String>, k: &str) -> i64 {
    r[k].parse().unwrap_or_else(|_| panic!("{k}={:?}", r[k]))
}

#[test]
fn mmapfiles_counts_file_mappings_by_path() {
    let mut want: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in rows("file_mmap").iter().filter(|r| int(r, "ino") > 0) {
        let e = want.entry(r["path"].clone()).or_default();
        if int(r, "ret") >= 0 {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    let got: BTreeMap<String, (i64, i64)> = json_rows(&["mmapfiles", &fx()])
        .iter()
        .map(|r| (text(r, "path"), (num(r, "mmaps"), num(r, "failed"))))
        .collect();
    assert_eq!(got, want);
    assert!(want.values().any(|&(_, failed)| failed > 0), "a failed mmap is counted");
    // -p: one process's mappings only.
    let python: i64 = rows("file_mmap")
        .iter()
        .filter(|r| int(r, "ino") > 0 && r["pid"] == "5400" && int(r, "ret") >= 0)
        .count() as i64;
    let got: i64 = json_rows(&["mmapfiles", &fx(), "-p", "5400"])
        .iter()
        .map(|r| num(r, "mmaps"))
        .sum();
    assert_eq!(got, python);
}

#[test]
fn fmapfault_counts_file_faults_by_command_and_names_them() {
    // Names: a mmap's path first, then an open's.
    let mut names: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for r in rows("file_open").iter().filter(|r| int(r, "ino") > 0 && int(r, "ret") >= 0) {
        let key = (r["dev_major"].clone(), r["dev_minor"].clone(), r["ino"].clone());
        names.entry(key).or_insert_with(|| r["path"].clone());
    }
    for r in rows("file_mmap").iter().filter(|r| int(r, "ino") > 0) {
        let key = (r["dev_major"].clone(), r["dev_minor"].clone(), r["ino"].clone());
        names.insert(key, r["path"].clone());
    }
    let mut want: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in rows("page_cache").iter().filter(|r| r["event"] == "fault") {
        let key = (r["dev_major"].clone(), r["dev_minor"].clone(), r["ino"].clone());
        let file = names.get(&key).cloned().unwrap_or_else(|| {
            format!("inode {} on {}:{}", r["ino"], r["dev_major"], r["dev_minor"])
        });
        *want.entry((r["comm"].clone(), file)).or_default() += 1;
    }
    let got: BTreeMap<(String, String), i64> = json_rows(&["fmapfault", &fx()])
        .iter()
        .map(|r| ((text(r, "comm"), text(r, "file")), num(r, "faults")))
        .collect();
    assert_eq!(got, want);
    assert!(want.keys().any(|(_, f)| f.starts_with("inode ")), "an unnamed file");
    assert!(want.keys().any(|(_, f)| f.starts_with('/')), "a named file");
}

#[test]
fn bufgrow_sums_block_device_pages_in_kbytes() {
    let mut want: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in rows("page_cache")
        .iter()
        .filter(|r| r["event"] == "add" && !r["bdev"].is_empty())
    {
        *want.entry((r["comm"].clone(), r["bdev"].clone())).or_default() += int(r, "pages") * 4;
    }
    let got: BTreeMap<(String, String), i64> = json_rows(&["bufgrow", &fx()])
        .iter()
        .map(|r| ((text(r, "comm"), text(r, "bdev")), num(r, "kb")))
        .collect();
    assert_eq!(got, want);
    assert!(want.len() >= 3);
}

#[test]
fn vfscount_counts_each_call_under_its_vfs_function() {
    let mut want: BTreeMap<String, i64> = BTreeMap::new();
    let mut add = |f: &str| *want.entry(f.to_string()).or_default() += 1;
    for r in rows("file_io") {
        add(match r["call"].as_str() {
            "read" | "pread64" => "vfs_read",
            "readv" | "preadv" | "preadv2" => "vfs_readv",
            "write" | "pwrite64" => "vfs_write",
            _ => "vfs_writev",
        });
    }
    for r in rows("file_open").iter().filter(|r| int(r, "ret") >= 0) {
        add("vfs_open");
        if r["created"] == "true" {
            add("vfs_create");
        }
    }
    for r in rows("file_sync") {
        if r["call"] == "fsync" || r["call"] == "fdatasync" {
            add("vfs_fsync_range");
        }
    }
    for r in rows("file_stat") {
        add(if r["call"] == "statfs" { "vfs_statfs" } else { "vfs_statx" });
    }
    for r in rows("file_unlink") {
        let rmdir = r["call"] == "rmdir" || int(&r, "flags") & 0x200 != 0;
        add(if rmdir { "vfs_rmdir" } else { "vfs_unlink" });
    }
    let got: BTreeMap<String, i64> = json_rows(&["vfscount", &fx()])
        .iter()
        .map(|r| (text(r, "func"), num(r, "count")))
        .collect();
    assert_eq!(got, want);
    assert!(want.contains_key("vfs_create") && want.contains_key("vfs_rmdir"));
    let text_out = ok(&["vfscount", &fx()]);
    assert!(
        text_out.contains("note: counts the system calls that lead to each vfs_* function"),
        "the fallback is stated with the output: {text_out}"
    );
}

#[test]
fn opensnoop_extended_fields_print_the_flags_in_octal() {
    let opens = rows("file_open");
    let out = ok(&["opensnoop", &fx(), "-e"]);
    let mut lines = out.lines();
    let header = lines.next().unwrap();
    assert!(header.contains(" FLAGS PATH"), "{header}");
    let body: Vec<&str> = lines.take_while(|l| !l.is_empty()).collect();
    assert_eq!(body.len(), opens.len());
    for (line, r) in body.iter().zip(&opens) {
        let flags: u64 = r["flags"].parse().unwrap();
        let want = format!(" {flags:08o} {}", r["path"]);
        assert!(line.ends_with(&want), "{line:?} should end with {want:?}");
    }
}

/// Their text, as the live tools lay it out, with the fallback note.
#[test]
fn mapping_tool_text_snapshots() {
    assert_snapshots([
        ("mmapfiles", ok(&["mmapfiles", &fx()])),
        ("fmapfault", ok(&["fmapfault", &fx()])),
        ("bufgrow-interval", ok(&["bufgrow", &fx(), "--interval", "5"])),
        ("vfscount", ok(&["vfscount", &fx()])),
        ("opensnoop-e", ok(&["opensnoop", &fx(), "-e", "-n", "cat"])),
    ]);
}
