//! Helpers shared by the BPF end-to-end tests: finding the binaries, deciding
//! whether BPF tests can run here, recording, and running the analyzer.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The folder holding the workspace's binaries (target/debug).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/debug/deps/bpf-<hash> → target/debug
    exe.parent()
        .and_then(Path::parent)
        .expect("test executable lives in target/<profile>/deps")
        .to_path_buf()
}

pub fn bin(name: &str) -> PathBuf {
    let p = bin_dir().join(name);
    assert!(
        p.exists(),
        "{} is missing: build the binaries first (cargo build --workspace --bins)",
        p.display()
    );
    p
}

/// Whether BPF tests can run; prints why not. Panics when they cannot but
/// RETRACE_REQUIRE_BPF=1 says they must.
pub fn bpf_or_skip(test: &str) -> bool {
    let required = std::env::var("RETRACE_REQUIRE_BPF").is_ok_and(|v| v == "1");
    // SAFETY: geteuid has no preconditions.
    let reason = if unsafe { libc::geteuid() } != 0 {
        Some("not running as root")
    } else if !Path::new("/sys/kernel/btf/vmlinux").exists() {
        Some("kernel has no BTF (/sys/kernel/btf/vmlinux)")
    } else {
        None
    };
    match reason {
        None => {
            hold_bpf_lock();
            true
        }
        Some(r) if required => panic!("{test}: BPF required (RETRACE_REQUIRE_BPF=1) but {r}"),
        Some(r) => {
            eprintln!("SKIP {test}: {r}");
            false
        }
    }
}

thread_local! {
    static BPF_GUARD: std::cell::RefCell<Option<std::sync::MutexGuard<'static, ()>>> =
        const { std::cell::RefCell::new(None) };
}

/// BPF tests run one at a time: concurrent recordings of a 2-CPU machine slow
/// each other's probes and workloads enough to blur what each test measures.
/// The lock is held by the test's thread until it ends (libtest runs each test
/// on a thread of its own; with one test thread it is simply kept).
fn hold_bpf_lock() {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    BPF_GUARD.with(|g| {
        let mut g = g.borrow_mut();
        if g.is_none() {
            *g = Some(LOCK.lock().unwrap_or_else(|e| e.into_inner()));
        }
    });
}

/// Whether an external program needed by a test is installed (required under
/// RETRACE_REQUIRE_BPF=1, where scripts/setup.sh installs it).
pub fn have_program(test: &str, prog: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {prog}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("RETRACE_REQUIRE_BPF").is_ok_and(|v| v == "1") {
            panic!("{test}: {prog} is not installed");
        }
        eprintln!("SKIP {test}: {prog} is not installed");
    }
    found
}

/// A scratch folder for one test, removed at the end.
pub fn scratch(test: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("retrace-e2e-{test}-"))
        .tempdir_in("/var/tmp")
        .expect("scratch folder")
}

/// Run retrace-record with these arguments; panics with its stderr on failure
/// unless `expect_code` says which exit code to expect.
pub fn record(args: &[&str], expect_code: i32) -> Output {
    let out = Command::new(bin("retrace-record"))
        .arg("--quiet")
        .args(args)
        .output()
        .expect("running retrace-record");
    assert_eq!(
        out.status.code(),
        Some(expect_code),
        "retrace-record {args:?} exited {:?}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Run `retrace ARGS` and return stdout; panics with stderr on failure.
pub fn retrace(args: &[&str]) -> String {
    let out = Command::new(bin("retrace"))
        .args(args)
        .output()
        .expect("running retrace");
    assert!(
        out.status.success(),
        "retrace {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Run `retrace ARGS --json` and parse the array of rows.
pub fn retrace_json(args: &[&str]) -> Vec<Value> {
    let mut a = args.to_vec();
    a.push("--json");
    let text = retrace(&a);
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(rows)) => rows,
        other => panic!("retrace {a:?}: expected a JSON array, got {other:?} from:\n{text}"),
    }
}

/// Rows of an SQL query over a capture.
pub fn sql(cap: &Path, query: &str) -> Vec<Value> {
    retrace_json(&["sql", cap.to_str().unwrap(), query])
}

/// One integer from an SQL query returning a single row with column `n`.
pub fn sql_count(cap: &Path, query: &str) -> u64 {
    let rows = sql(cap, query);
    rows.first()
        .and_then(|r| r.get("n"))
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("{query}: no integer `n` in {rows:?}"))
}

pub fn manifest(cap: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(cap.join("manifest.json")).unwrap()).unwrap()
}

pub fn u64_of(row: &Value, key: &str) -> u64 {
    row.get(key)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("no integer {key:?} in {row}"))
}

pub fn str_of<'a>(row: &'a Value, key: &str) -> &'a str {
    row.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string {key:?} in {row}"))
}

/// Tests that filter on comm `fio` must not see each other's fio: they take this
/// lock for their whole run.
pub fn fio_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Sum of a per-table manifest field (`rows`, `segments`, `bytes`) over the given
/// tables, or over every table when `tables` is empty.
pub fn manifest_total(m: &Value, field: &str, tables: &[&str]) -> u64 {
    m["tables"]
        .as_object()
        .expect("manifest tables")
        .iter()
        .filter(|(t, _)| tables.is_empty() || tables.contains(&t.as_str()))
        .map(|(_, s)| s[field].as_u64().expect("integer"))
        .sum()
}

/// Build `tests/workloads/NAME.c` into `dir` with `cc` and these flags (CI
/// installs the compiler: scripts/setup.sh); the binary's path.
pub fn build_workload(dir: &Path, name: &str, flags: &[&str]) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("workloads/{name}.c"));
    let out = dir.join(name);
    let status = Command::new("cc")
        .args(flags)
        .arg("-o")
        .arg(&out)
        .arg(&src)
        .status()
        .expect("running cc");
    assert!(status.success(), "building {}", src.display());
    out
}

/// The value after `key ` on a line of a workload's output.
pub fn printed<'a>(stdout: &'a str, key: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("the workload printed no {key:?} line:\n{stdout}"))
        .trim()
}

pub fn i64_of(row: &Value, key: &str) -> i64 {
    row.get(key)
        .and_then(Value::as_i64)
        .unwrap_or_else(|| panic!("no integer {key:?} in {row}"))
}

/// Fails with the manifest's reason when the source did not attach (also when
/// the recorder does not know it: then `record` already failed with its error),
/// or when it lost events.
pub fn assert_attached(cap: &Path, source: &str) {
    let m = manifest(cap);
    let s = m["sources"]
        .as_array()
        .expect("manifest sources")
        .iter()
        .find(|s| s["name"] == source)
        .unwrap_or_else(|| panic!("source {source} is not in the manifest: {}", m["sources"]));
    assert_eq!(
        s["status"]["state"], "attached",
        "source {source} did not attach: {s}"
    );
    assert_eq!(s["lost_events"], 0, "events lost: {s}");
}

/// A file system mounted for one test at `path`, unmounted when dropped (a loop
/// device that `mount -o loop` attached is detached with it).
pub struct Mounted {
    pub path: PathBuf,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

/// Mount a fresh file system of this type (tmpfs, or ext4 or xfs on a loop
/// device over a sparse image file) at `dir/<fstype>`.
pub fn mount_fs(dir: &Path, fstype: &str) -> Mounted {
    let path = dir.join(fstype);
    std::fs::create_dir(&path).expect("mount point");
    let run = |cmd: &mut Command| {
        let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        assert!(
            out.status.success(),
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    if fstype == "tmpfs" {
        run(Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64m", "tmpfs"])
            .arg(&path));
        return Mounted { path };
    }
    // mkfs.xfs refuses less than 300 MiB; the image is sparse either way.
    let image = dir.join(format!("{fstype}.img"));
    let f = std::fs::File::create(&image).expect("image file");
    f.set_len(320 << 20).expect("sizing the image");
    drop(f);
    let mkfs = format!("mkfs.{fstype}");
    run(Command::new(&mkfs).arg("-q").arg(&image));
    run(Command::new("mount")
        .args(["-o", "loop"])
        .arg(&image)
        .arg(&path));
    Mounted { path }
}
