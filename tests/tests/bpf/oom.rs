//! Source `oom` end to end: `tests/workloads/memhog.c` joins a fresh memory
//! cgroup limited to 64 MiB (no swap) and touches memory until the cgroup's OOM
//! killer kills it; the capture holds exactly that one kill, naming the hog as
//! victim and as the allocating task, and oomkill prints it. A second recording
//! with the `signal` source too sees the kernel's SIGKILL to the victim.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::common::*;

const HOG: &str = "rtoom-hog";
const LIMIT: u64 = 64 << 20;
/// The hog stops by itself, alive, after this much: far above the limit, far
/// below the machine's memory, should the cgroup not hold it.
const HOG_MAX_MIB: &str = "512";
/// A process killed by SIGKILL, as retrace-record passes the command's status on.
const KILLED_STATUS: i32 = 128 + libc::SIGKILL;

/// A memory cgroup of its own for one test, removed when dropped (also when the
/// test fails): anything still in it is killed first.
struct MemCgroup {
    dir: PathBuf,
    /// cgroup v1 (memory.limit_in_bytes) rather than v2 (memory.max).
    v1: bool,
}

impl MemCgroup {
    /// A cgroup limited to `limit` bytes of memory and no swap: v1 where the
    /// memory controller is mounted on its own, else v2 where it is enabled.
    fn new(test: &str, limit: u64) -> Result<MemCgroup, String> {
        let name = format!("retrace-e2e-{test}-{}", std::process::id());
        let v1 = Path::new("/sys/fs/cgroup/memory");
        if v1.join("memory.limit_in_bytes").exists() {
            let cg = MemCgroup::create(v1.join(&name), true)?;
            cg.write("memory.limit_in_bytes", limit)?;
            // memsw (memory + swap) cannot be below the memory limit: set after it.
            if cg.dir.join("memory.memsw.limit_in_bytes").exists() {
                cg.write("memory.memsw.limit_in_bytes", limit)?;
            }
            return Ok(cg);
        }
        let root = cgroup2_root().ok_or("no memory cgroup (neither v1 nor v2 with memory)")?;
        // Children of the root get the memory controller only when it is enabled
        // in the root's subtree (allowed in the root, which may hold processes).
        let enabled = std::fs::read_to_string(root.join("cgroup.subtree_control"))
            .unwrap_or_default()
            .split_whitespace()
            .any(|c| c == "memory");
        if !enabled {
            std::fs::write(root.join("cgroup.subtree_control"), "+memory")
                .map_err(|e| format!("enabling memory in {}: {e}", root.display()))?;
        }
        let cg = MemCgroup::create(root.join(&name), false)?;
        cg.write("memory.max", limit)?;
        if cg.dir.join("memory.swap.max").exists() {
            cg.write("memory.swap.max", 0)?;
        }
        Ok(cg)
    }

    fn create(dir: PathBuf, v1: bool) -> Result<MemCgroup, String> {
        std::fs::create_dir(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        Ok(MemCgroup { dir, v1 })
    }

    fn write(&self, file: &str, value: u64) -> Result<(), String> {
        let p = self.dir.join(file);
        std::fs::write(&p, value.to_string()).map_err(|e| format!("writing {}: {e}", p.display()))
    }

    fn procs(&self) -> PathBuf {
        self.dir.join("cgroup.procs")
    }

    /// OOM kills in this cgroup as the kernel counts them (v1 memory.oom_control,
    /// v2 memory.events).
    fn oom_kills(&self) -> u64 {
        let file = if self.v1 {
            "memory.oom_control"
        } else {
            "memory.events"
        };
        let text = std::fs::read_to_string(self.dir.join(file)).expect(file);
        text.lines()
            .find_map(|l| l.strip_prefix("oom_kill "))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no oom_kill counter in {file}:\n{text}"))
    }
}

impl Drop for MemCgroup {
    fn drop(&mut self) {
        // A cgroup can only be removed once empty: kill what is left (a hog the
        // limit did not stop, after a failed assertion) and wait for it to go.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let procs = std::fs::read_to_string(self.procs()).unwrap_or_default();
            let pids: Vec<i32> = procs
                .lines()
                .filter_map(|l| l.trim().parse().ok())
                .collect();
            if pids.is_empty() || Instant::now() > deadline {
                break;
            }
            for pid in pids {
                // SAFETY: kill has no memory-safety preconditions.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        while std::fs::remove_dir(&self.dir).is_err() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if self.dir.exists() {
            eprintln!("warning: could not remove {}", self.dir.display());
        }
    }
}

/// The cgroup v2 mount whose controllers include memory.
fn cgroup2_root() -> Option<PathBuf> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<_> = l.split_whitespace().collect();
            (f.len() > 2 && f[2] == "cgroup2").then(|| PathBuf::from(f[1]))
        })
        .find(|root| {
            std::fs::read_to_string(root.join("cgroup.controllers"))
                .is_ok_and(|c| c.split_whitespace().any(|c| c == "memory"))
        })
}

/// The test's cgroup, or None with the reason printed (a failure under
/// RETRACE_REQUIRE_BPF=1, as for the other missing prerequisites).
fn cgroup_or_skip(test: &str) -> Option<MemCgroup> {
    match MemCgroup::new(test, LIMIT) {
        Ok(cg) => Some(cg),
        Err(e) if std::env::var("RETRACE_REQUIRE_BPF").is_ok_and(|v| v == "1") => {
            panic!("{test}: {e}")
        }
        Err(e) => {
            eprintln!("SKIP {test}: {e}");
            None
        }
    }
}

fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) as u64 }
}

/// Record `sources` while the hog runs in `cg` until killed; returns the capture
/// and the hog's pid.
fn record_hog(dir: &Path, cg: &MemCgroup, sources: &str) -> (PathBuf, u64) {
    let hog = build_workload(dir, "memhog", &["-O1", "-Wall"]);
    let cap = dir.join("cap");
    record(
        &[
            "-s",
            sources,
            "-o",
            cap.to_str().unwrap(),
            "--",
            hog.to_str().unwrap(),
            cg.procs().to_str().unwrap(),
            HOG_MAX_MIB,
        ],
        KILLED_STATUS,
    );
    let pid = manifest(&cap)["command"]["pid"]
        .as_u64()
        .expect("command pid");
    (cap, pid)
}

/// The probes a source attached with (fails with the manifest's reason otherwise).
fn probes(cap: &Path, source: &str) -> Vec<(String, String)> {
    let m = manifest(cap);
    let s = m["sources"]
        .as_array()
        .expect("manifest sources")
        .iter()
        .find(|s| s["name"] == source)
        .unwrap_or_else(|| panic!("source {source} is not in the manifest: {}", m["sources"]))
        .clone();
    assert_eq!(s["status"]["state"], "attached", "source {source}: {s}");
    assert_eq!(s["lost_events"], 0, "events lost: {s}");
    s["status"]["probes"]
        .as_array()
        .expect("probes")
        .iter()
        .map(|p| {
            (
                str_of(p, "probe").to_string(),
                str_of(p, "attach").to_string(),
            )
        })
        .collect()
}

/// Whether the source probes the OOM killer's function (fentry or kprobe on
/// oom_kill_process) rather than the mark_victim tracepoint.
fn on_the_killer(attach: &[(String, String)]) -> bool {
    attach.iter().any(|(_, a)| a == "kprobe" || a == "fentry")
}

#[test]
fn an_oom_kill_in_a_memory_cgroup_is_recorded_once() {
    let test = "an_oom_kill_in_a_memory_cgroup_is_recorded_once";
    if !bpf_or_skip(test) || !have_program(test, "cc") {
        return;
    }
    let Some(cg) = cgroup_or_skip("oom") else {
        return;
    };
    let dir = scratch("oom");
    let (cap, hog) = record_hog(dir.path(), &cg, "oom");
    assert_eq!(
        cg.oom_kills(),
        1,
        "the kernel's count of OOM kills in the cgroup"
    );
    let attach = probes(&cap, "oom");
    assert!(!attach.is_empty(), "oom attached no probe");
    let from_killer = on_the_killer(&attach);

    // Other OOM kills on the machine may be recorded too: only the hog's is ours.
    let rows = sql(
        &cap,
        &format!(
            "SELECT ts_ns, pid, tid, comm, victim_pid, victim_comm, victim_uid, \
             total_vm_pages, rss_pages, total_pages FROM oom_kill WHERE victim_pid = {hog}"
        ),
    );
    assert_eq!(
        rows.len(),
        1,
        "oom_kill rows of the hog (probes {attach:?}): {rows:?}"
    );
    let r = &rows[0];
    assert_eq!(str_of(r, "victim_comm"), HOG, "{r}");
    // A cgroup's OOM kill runs in the task whose charge failed: the hog itself.
    assert_eq!(u64_of(r, "pid"), hog, "the allocating task: {r}");
    assert_eq!(u64_of(r, "tid"), hog, "{r}");
    assert_eq!(str_of(r, "comm"), HOG, "{r}");
    // SAFETY: getuid has no preconditions.
    assert_eq!(
        u64_of(r, "victim_uid"),
        u64::from(unsafe { libc::getuid() }),
        "{r}"
    );
    // Nearly all of the hog's resident memory is the cgroup's limit of touched
    // pages (the counters are approximate; the binary and libc add a little).
    let limit_pages = LIMIT / page_size();
    let rss = u64_of(r, "rss_pages");
    assert!(
        (limit_pages / 2..=limit_pages * 5 / 4).contains(&rss),
        "rss_pages {rss}, limit {limit_pages} pages: {r}"
    );
    assert!(u64_of(r, "total_vm_pages") >= rss, "{r}");
    // The OOM domain's size is known only to a probe on the killer itself.
    if from_killer {
        let total = u64_of(r, "total_pages");
        assert!(total >= limit_pages, "total_pages {total}: {r}");
    } else {
        assert_eq!(r["total_pages"], Value::Null, "from {attach:?}: {r}");
    }

    let c = cap.to_str().unwrap();
    let json: Vec<_> = retrace_json(&["oomkill", c])
        .into_iter()
        .filter(|r| u64_of(r, "victim_pid") == hog)
        .collect();
    assert_eq!(json.len(), 1, "oomkill rows of the hog: {json:?}");
    assert_eq!(str_of(&json[0], "victim_comm"), HOG);
    assert_eq!(u64_of(&json[0], "pid"), hog);
    assert_eq!(str_of(&json[0], "comm"), HOG);

    let text = retrace(&["oomkill", c]);
    let pid = hog.to_string();
    let lines: Vec<_> = text
        .lines()
        .filter(|l| l.contains(HOG) && words(l).any(|w| w == pid))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "oomkill lines naming {HOG} ({pid}):\n{text}"
    );
}

/// The words of a line, split at anything but digits, letters and `-` (which
/// command names contain), so that `PID 1234 ("comm")` and `1234,` both yield
/// `1234`.
fn words(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
}

/// The OOM killer sends the victim SIGKILL from the kernel (si_code SI_KERNEL),
/// in the allocating task: with both sources the capture holds that signal next
/// to the kill.
#[test]
fn the_oom_killer_s_sigkill_is_recorded_as_sent_by_the_kernel() {
    let test = "the_oom_killer_s_sigkill_is_recorded_as_sent_by_the_kernel";
    if !bpf_or_skip(test) || !have_program(test, "cc") {
        return;
    }
    let Some(cg) = cgroup_or_skip("oomsig") else {
        return;
    };
    let dir = scratch("oomsig");
    let (cap, hog) = record_hog(dir.path(), &cg, "oom,signal");
    assert_eq!(
        cg.oom_kills(),
        1,
        "the kernel's count of OOM kills in the cgroup"
    );
    let attach = probes(&cap, "oom");
    probes(&cap, "signal");

    let kills = sql(
        &cap,
        &format!(
            "SELECT ts_ns, pid, comm, code, result FROM signal_generate \
             WHERE target_pid = {hog} AND sig = {}",
            libc::SIGKILL
        ),
    );
    assert_eq!(kills.len(), 1, "SIGKILLs to the hog: {kills:?}");
    let k = &kills[0];
    const SI_KERNEL: i64 = 0x80;
    assert_eq!(k["code"].as_i64(), Some(SI_KERNEL), "{k}");
    assert_eq!(u64_of(k, "pid"), hog, "sent in the allocating task: {k}");
    assert_eq!(str_of(k, "comm"), HOG, "{k}");
    assert_eq!(k["result"].as_i64(), Some(0), "{k}");

    let oom = sql(
        &cap,
        &format!("SELECT ts_ns FROM oom_kill WHERE victim_pid = {hog}"),
    );
    assert_eq!(oom.len(), 1, "{oom:?}");
    // Both happen within one call of the killer, which signals the victim and
    // then marks it (the mark_victim tracepoint); a probe on the killer's entry fires
    // before either.
    let (sig_ts, oom_ts) = (u64_of(k, "ts_ns"), u64_of(&oom[0], "ts_ns"));
    let (first, then) = if on_the_killer(&attach) {
        (oom_ts, sig_ts)
    } else {
        (sig_ts, oom_ts)
    };
    assert!(
        first <= then && then - first < 100_000_000,
        "SIGKILL at {sig_ts}, oom_kill at {oom_ts} (probes {attach:?})"
    );
}
