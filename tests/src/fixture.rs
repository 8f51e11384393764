//! The `basic` fixture: a small, deterministic capture that exercises every analyzer
//! tool. Three disks; reads, writes, sync, flush, preflush/FUA, metadata and readahead
//! requests; queue times present and absent; a few failed requests; random and
//! sequential runs; latencies over many log2 buckets; execs (failing, truncated
//! arguments, several users), forks (processes and threads), exits (codes, signals,
//! a core dump, threads), a /proc snapshot, and lost events on the `disk` source.
//!
//! Written with `retrace_schema::writer::CaptureWriter`, the recorder's own writer, in
//! several segments per table.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Int32Array, ListBuilder, RecordBatch, StringArray, StringBuilder,
    UInt32Array, UInt64Array,
};
use retrace_schema::manifest::{
    ChildCommand, ClockPair, Filters, HostInfo, ProbeAttach, SourceState, SourceStatus,
};
use retrace_schema::tables::{
    BLOCK_IO, PROCESS_EXEC, PROCESS_EXIT, PROCESS_FORK, PROCESS_SNAPSHOT,
};
use retrace_schema::writer::{create_capture_dir, CaptureWriter, SegmentPolicy};
use retrace_schema::{Manifest, Table, FORMAT_VERSION};

use crate::rng::Rng;

// One module per file of `src/fixture/` (listed by build.rs), and `listed()`, the
// fixtures they write.
include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));

/// Writes one fixture's capture into the directory it is given.
pub type WriteFixture = dyn Fn(&Path) -> Result<Manifest, retrace_schema::Error>;

/// What writes one committed capture: `fixtures/<name>`.
pub struct Fixture {
    pub name: &'static str,
    pub write: Box<WriteFixture>,
}

impl Fixture {
    pub fn new(
        name: &'static str,
        write: impl Fn(&Path) -> Result<Manifest, retrace_schema::Error> + 'static,
    ) -> Self {
        Fixture {
            name,
            write: Box::new(write),
        }
    }
}

/// Every committed fixture: `basic` (this file), then those of `src/fixture/*.rs`.
pub fn all() -> Vec<Fixture> {
    let mut all = vec![Fixture::new("basic", write_basic)];
    all.extend(listed());
    all
}

/// CLOCK_MONOTONIC ns at which the fixture's recording starts.
pub const START_NS: u64 = 1_000_000_000_000;
/// Length of the recording.
pub const SPAN_NS: u64 = 20 * NS_PER_S;
/// Wall clock at the start: 2024-03-01T12:00:00Z.
pub const START_WALL_NS: u64 = 1_709_294_400 * NS_PER_S;
/// Events the `disk` source lost.
pub const DISK_LOST_EVENTS: u64 = 17;

const NS_PER_S: u64 = 1_000_000_000;
const SEED: u64 = 0x7265_7472_6163_6501;

/// One completed block request.
#[derive(Debug, Clone)]
struct Bio {
    insert: Option<u64>,
    issue: u64,
    complete: u64,
    major: u32,
    minor: u32,
    disk: &'static str,
    sector: u64,
    bytes: u32,
    rwbs: &'static str,
    pid: u32,
    tid: u32,
    comm: &'static str,
    error: i32,
}

#[derive(Debug, Clone)]
struct Exec {
    ts: u64,
    pid: u32,
    ppid: u32,
    uid: u32,
    comm: &'static str,
    filename: String,
    args: Vec<String>,
    truncated: bool,
    ret: i32,
}

#[derive(Debug, Clone)]
struct Fork {
    ts: u64,
    parent_pid: u32,
    parent_tid: u32,
    child_pid: u32,
    child_tid: u32,
    comm: &'static str,
}

#[derive(Debug, Clone)]
struct Exit {
    ts: u64,
    start: u64,
    pid: u32,
    tid: u32,
    ppid: u32,
    comm: &'static str,
    code: i32,
    signal: i32,
    core: bool,
}

#[derive(Debug, Clone)]
struct Snap {
    pid: u32,
    ppid: u32,
    uid: u32,
    comm: &'static str,
    cmdline: &'static str,
    start: u64,
    cgroup: &'static str,
}

/// A disk of the fixture machine.
#[derive(Clone, Copy)]
struct Disk {
    name: &'static str,
    major: u32,
    minor: u32,
}

const VDA: Disk = Disk {
    name: "vda",
    major: 253,
    minor: 0,
};
const VDB: Disk = Disk {
    name: "vdb",
    major: 253,
    minor: 16,
};
const NVME: Disk = Disk {
    name: "nvme0n1",
    major: 259,
    minor: 0,
};

fn at(s: f64) -> u64 {
    START_NS + (s * NS_PER_S as f64) as u64
}

/// The raw `cmd_flags` of an rwbs string (REQ_OP in the low bits, a few REQ_* flags of
/// recent kernels above; only for realism, the analyzer reads rwbs).
fn cmd_flags(rwbs: &str) -> u32 {
    let op = match rwbs.trim_start_matches('F').chars().next() {
        Some('W') => 1,
        Some('D') => 3,
        Some('R') => 0,
        _ if rwbs == "F" => 2,
        _ => 0,
    };
    let mut f = op;
    if rwbs.contains('S') {
        f |= 1 << 11;
    }
    if rwbs.contains('M') {
        f |= 1 << 12;
    }
    if rwbs.contains('A') {
        f |= 1 << 19;
    }
    f
}

struct BioStream<'a> {
    rng: &'a mut Rng,
    out: &'a mut Vec<Bio>,
}

impl BioStream<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        disk: Disk,
        issue: u64,
        lat: u64,
        sector: u64,
        bytes: u32,
        rwbs: &'static str,
        (pid, tid, comm): (u32, u32, &'static str),
    ) {
        let insert = if self.rng.chance(0.7) {
            Some(issue - self.rng.log_spread(9, 17))
        } else {
            None
        };
        self.out.push(Bio {
            insert,
            issue,
            complete: issue + lat,
            major: disk.major,
            minor: disk.minor,
            disk: disk.name,
            sector,
            bytes,
            rwbs,
            pid,
            tid,
            comm,
            error: 0,
        });
    }
}

fn block_io(rng: &mut Rng) -> Vec<Bio> {
    let mut out = Vec::new();
    let mut s = BioStream { rng, out: &mut out };

    // fio: 4 KiB direct reads on vda, random with sequential runs of 8.
    let mut sector = 0;
    for i in 0..500u64 {
        let issue = at(0.2) + i * 38_000_000 + s.rng.range(0, 1_000_000);
        if i % 16 < 8 {
            sector = s.rng.range(0, 1 << 21) * 8;
        } else {
            sector += 8;
        }
        let lat = s.rng.log_spread(12, 24);
        let tid = 4243 + (i % 2) as u32;
        s.push(VDA, issue, lat, sector, 4096, "R", (4242, tid, "fio"));
    }
    // dd: sequential 128 KiB direct writes on vdb.
    for i in 0..200u64 {
        let issue = at(2.0) + i * 50_000_000 + s.rng.range(0, 2_000_000);
        let lat = s.rng.log_spread(16, 22);
        s.push(
            VDB,
            issue,
            lat,
            2048 + i * 256,
            131_072,
            "W",
            (4300, 4300, "dd"),
        );
    }
    // writeback: random sync writes of 8-64 KiB on vdb.
    for i in 0..100u64 {
        let issue = at(0.5) + i * 190_000_000 + s.rng.range(0, 5_000_000);
        let lat = s.rng.log_spread(14, 20);
        let bytes = 8192 << s.rng.range(0, 4);
        let sector = s.rng.range(1 << 20, 1 << 22) * 8;
        s.push(
            VDB,
            issue,
            lat,
            sector,
            bytes as u32,
            "WS",
            (120, 120, "kworker/u8:2"),
        );
    }
    // jbd2: journal commits (preflush + FUA writes) and cache flushes on vda.
    for i in 0..40u64 {
        let issue = at(0.3) + i * 480_000_000 + s.rng.range(0, 3_000_000);
        let lat = s.rng.log_spread(10, 18);
        s.push(
            VDA,
            issue,
            lat,
            4_000_000 + i * 8,
            4096,
            "FWFS",
            (310, 310, "jbd2/vda1-8"),
        );
        let issue = issue + lat + 100_000;
        let lat = s.rng.log_spread(10, 18);
        if i % 2 == 0 {
            s.push(VDA, issue, lat, 0, 0, "F", (310, 310, "jbd2/vda1-8"));
        }
    }
    // cat: readahead (sequential 128 KiB) and metadata reads on nvme0n1.
    for i in 0..150u64 {
        let issue = at(5.0) + i * 66_000_000 + s.rng.range(0, 1_000_000);
        let lat = s.rng.log_spread(10, 16);
        s.push(
            NVME,
            issue,
            lat,
            10_000 + i * 256,
            131_072,
            "RA",
            (4400, 4400, "cat"),
        );
    }
    for i in 0..30u64 {
        let issue = at(5.1) + i * 300_000_000 + s.rng.range(0, 1_000_000);
        let lat = s.rng.log_spread(11, 15);
        let sector = s.rng.range(0, 1 << 16) * 8;
        s.push(NVME, issue, lat, sector, 4096, "RM", (4400, 4400, "cat"));
    }
    // Extremes: a request completing in 0 ns and one taking 1.5 s.
    s.push(VDA, at(9.0), 0, 123_456, 4096, "R", (4242, 4242, "fio"));
    s.push(
        VDB,
        at(10.0),
        1_500_000_000,
        2_000_000,
        131_072,
        "WS",
        (120, 120, "kworker/u8:2"),
    );

    // Failed requests.
    let fail = |out: &mut Vec<Bio>, disk: &str, nth: usize, error: i32| {
        let idx = out
            .iter()
            .enumerate()
            .filter(|(_, b)| b.disk == disk)
            .nth(nth)
            .map(|(i, _)| i)
            .expect("enough requests");
        out[idx].error = error;
    };
    fail(&mut out, "vdb", 20, -5);
    fail(&mut out, "vdb", 21, -5);
    fail(&mut out, "vdb", 150, -5);
    fail(&mut out, "nvme0n1", 7, -110);
    fail(&mut out, "nvme0n1", 160, -110);
    fail(&mut out, "vda", 333, -61);
    out.sort_by_key(|b| (b.complete, b.issue));
    out
}

/// Processes: execs, forks and exits of a small shell session plus the I/O workers.
fn processes(rng: &mut Rng) -> (Vec<Exec>, Vec<Fork>, Vec<Exit>, Vec<Snap>) {
    let mut execs = Vec::new();
    let mut forks = Vec::new();
    let mut exits = Vec::new();
    let snaps = vec![
        Snap {
            pid: 1,
            ppid: 0,
            uid: 0,
            comm: "systemd",
            cmdline: "/sbin/init",
            start: 2 * NS_PER_S,
            cgroup: "/init.scope",
        },
        Snap {
            pid: 2,
            ppid: 0,
            uid: 0,
            comm: "kthreadd",
            cmdline: "",
            start: 2 * NS_PER_S,
            cgroup: "/",
        },
        Snap {
            pid: 120,
            ppid: 2,
            uid: 0,
            comm: "kworker/u8:2",
            cmdline: "",
            start: 3 * NS_PER_S,
            cgroup: "/",
        },
        Snap {
            pid: 310,
            ppid: 2,
            uid: 0,
            comm: "jbd2/vda1-8",
            cmdline: "",
            start: 4 * NS_PER_S,
            cgroup: "/",
        },
        Snap {
            pid: 800,
            ppid: 1,
            uid: 0,
            comm: "sshd",
            cmdline: "sshd: /usr/sbin/sshd -D",
            start: 10 * NS_PER_S,
            cgroup: "/system.slice/ssh.service",
        },
        Snap {
            pid: 900,
            ppid: 800,
            uid: 1000,
            comm: "bash",
            cmdline: "-bash",
            start: 500 * NS_PER_S,
            cgroup: "/user.slice/user-1000.slice/session-1.scope",
        },
        Snap {
            pid: 4500,
            ppid: 900,
            uid: 1000,
            comm: "make",
            cmdline: "make -j2",
            start: 990 * NS_PER_S,
            cgroup: "/user.slice/user-1000.slice/session-1.scope",
        },
    ];

    let mut spawn = |ts: u64,
                     pid: u32,
                     ppid: u32,
                     uid: u32,
                     comm: &'static str,
                     filename: &str,
                     args: &[&str],
                     ret: i32,
                     end: Option<(u64, i32, i32, bool)>| {
        let fork_ts = ts - 400_000;
        let parent_comm = if ppid == 900 { "bash" } else { "make" };
        forks.push(Fork {
            ts: fork_ts,
            parent_pid: ppid,
            parent_tid: ppid,
            child_pid: pid,
            child_tid: pid,
            comm: parent_comm,
        });
        execs.push(Exec {
            ts,
            pid,
            ppid,
            uid,
            comm: if ret == 0 { comm } else { parent_comm },
            filename: filename.to_string(),
            args: args.iter().map(|s| s.to_string()).collect(),
            truncated: false,
            ret,
        });
        if let Some((exit_ts, code, signal, core)) = end {
            let exit_comm = if ret == 0 { comm } else { parent_comm };
            exits.push(Exit {
                ts: exit_ts,
                start: fork_ts,
                pid,
                tid: pid,
                ppid,
                comm: exit_comm,
                code,
                signal,
                core,
            });
        }
    };

    spawn(
        at(0.05),
        4242,
        900,
        1000,
        "fio",
        "/usr/bin/fio",
        &[
            "fio",
            "--name=randread",
            "--rw=randread",
            "--bs=4k",
            "--direct=1",
            "--size=64m",
        ],
        0,
        Some((at(19.6), 0, 0, false)),
    );
    spawn(
        at(1.9),
        4300,
        900,
        1000,
        "dd",
        "/usr/bin/dd",
        &[
            "dd",
            "if=/dev/zero",
            "of=/mnt/vdb/file",
            "bs=128k",
            "count=200",
            "oflag=direct",
        ],
        0,
        Some((at(12.3), 0, 0, false)),
    );
    spawn(
        at(4.9),
        4400,
        900,
        1000,
        "cat",
        "/usr/bin/cat",
        &["cat", "/mnt/nvme/big.iso"],
        0,
        Some((at(15.2), 0, 0, false)),
    );
    // make runs compilers: most succeed, some fail, some are killed.
    for i in 0..24u32 {
        let ts = at(1.0) + i as u64 * 700_000_000 + rng.range(0, 10_000_000);
        let (comm, file, args): (&'static str, &str, Vec<String>) = match i % 3 {
            0 => (
                "cc",
                "/usr/bin/cc",
                vec![
                    "cc".into(),
                    "-c".into(),
                    format!("src/file{i}.c"),
                    "-o".into(),
                    format!("obj/file{i}.o"),
                ],
            ),
            1 => (
                "ld",
                "/usr/bin/ld",
                vec![
                    "ld".into(),
                    "-o".into(),
                    format!("bin/prog{i}"),
                    format!("obj/file{i}.o"),
                ],
            ),
            _ => (
                "sh",
                "/bin/sh",
                vec![
                    "sh".into(),
                    "-c".into(),
                    format!("echo built {i} > log/{i}.txt"),
                ],
            ),
        };
        let life = rng.log_spread(24, 29);
        let (code, signal, core) = match i {
            5 => (1, 0, false),
            11 => (2, 0, false),
            14 => (0, 9, false),
            17 => (0, 15, false),
            20 => (0, 11, true),
            _ => (0, 0, false),
        };
        let argv: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        spawn(
            ts,
            5000 + i,
            4500,
            1000,
            comm,
            file,
            &argv,
            0,
            Some((ts + life, code, signal, core)),
        );
    }
    // Failed execs: no such file, permission denied; their children exit 127 and 126.
    spawn(
        at(3.3),
        5100,
        900,
        1000,
        "nosuch",
        "/usr/bin/nosuchcmd",
        &["nosuchcmd", "--flag"],
        -2,
        Some((at(3.31), 127, 0, false)),
    );
    spawn(
        at(6.6),
        5101,
        900,
        1000,
        "passwd",
        "/etc/passwd",
        &["/etc/passwd"],
        -13,
        Some((at(6.61), 126, 0, false)),
    );
    // An exec whose argument list was cut at the recorder's bound.
    let many: Vec<String> = std::iter::once("echo".to_string())
        .chain((1..retrace_schema::tables::EXEC_MAX_ARGS).map(|i| format!("arg{i}")))
        .collect();
    let many_ref: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
    spawn(
        at(8.8),
        5200,
        900,
        1000,
        "echo",
        "/usr/bin/echo",
        &many_ref,
        0,
        Some((at(8.81), 0, 0, false)),
    );
    // Root runs something (uid 0); it is still running at the end (no exit).
    spawn(
        at(11.1),
        5300,
        800,
        0,
        "systemctl",
        "/usr/bin/systemctl",
        &["systemctl", "status", "ssh"],
        0,
        None,
    );

    for e in execs.iter_mut().filter(|e| e.pid == 5200) {
        e.truncated = true;
    }

    // fio's worker threads: created and exited as threads (pid 4242, tid != pid).
    for (k, tid) in [4243u32, 4244].into_iter().enumerate() {
        let ts = at(0.1) + k as u64 * 1_000_000;
        forks.push(Fork {
            ts,
            parent_pid: 4242,
            parent_tid: 4242,
            child_pid: 4242,
            child_tid: tid,
            comm: "fio",
        });
        exits.push(Exit {
            ts: at(19.5) + k as u64 * 1000,
            start: ts,
            pid: 4242,
            tid,
            ppid: 900,
            comm: "fio",
            code: 0,
            signal: 0,
            core: false,
        });
    }
    // A thread of make that dies with a nonzero code (only visible with threads shown).
    forks.push(Fork {
        ts: at(2.5),
        parent_pid: 4500,
        parent_tid: 4500,
        child_pid: 4500,
        child_tid: 4501,
        comm: "make",
    });
    exits.push(Exit {
        ts: at(2.75),
        start: at(2.5),
        pid: 4500,
        tid: 4501,
        ppid: 900,
        comm: "make",
        code: 3,
        signal: 0,
        core: false,
    });
    // make itself exits at the end of its builds; a process from before the recording exits too.
    exits.push(Exit {
        ts: at(18.4),
        start: 990 * NS_PER_S,
        pid: 4500,
        tid: 4500,
        ppid: 900,
        comm: "make",
        code: 2,
        signal: 0,
        core: false,
    });

    execs.sort_by_key(|e| e.ts);
    forks.sort_by_key(|f| f.ts);
    exits.sort_by_key(|e| e.ts);
    (execs, forks, exits, snaps)
}

fn u64s(v: impl IntoIterator<Item = u64>) -> ArrayRef {
    Arc::new(UInt64Array::from_iter_values(v))
}
fn u32s(v: impl IntoIterator<Item = u32>) -> ArrayRef {
    Arc::new(UInt32Array::from_iter_values(v))
}
fn i32s(v: impl IntoIterator<Item = i32>) -> ArrayRef {
    Arc::new(Int32Array::from_iter_values(v))
}
fn strs<'a>(v: impl IntoIterator<Item = &'a str>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(v))
}
fn bools(v: impl IntoIterator<Item = bool>) -> ArrayRef {
    Arc::new(BooleanArray::from(v.into_iter().collect::<Vec<_>>()))
}

fn batch(table: &Table, columns: Vec<ArrayRef>) -> RecordBatch {
    RecordBatch::try_new(table.schema(), columns).expect("columns match the table schema")
}

fn bio_batch(rows: &[Bio]) -> RecordBatch {
    batch(
        &BLOCK_IO,
        vec![
            Arc::new(rows.iter().map(|b| b.insert).collect::<UInt64Array>()),
            u64s(rows.iter().map(|b| b.issue)),
            u64s(rows.iter().map(|b| b.complete)),
            u32s(rows.iter().map(|b| b.major)),
            u32s(rows.iter().map(|b| b.minor)),
            strs(rows.iter().map(|b| b.disk)),
            u64s(rows.iter().map(|b| b.sector)),
            u32s(rows.iter().map(|b| b.bytes)),
            strs(rows.iter().map(|b| b.rwbs)),
            u32s(rows.iter().map(|b| cmd_flags(b.rwbs))),
            u32s(rows.iter().map(|b| b.pid)),
            u32s(rows.iter().map(|b| b.tid)),
            strs(rows.iter().map(|b| b.comm)),
            i32s(rows.iter().map(|b| b.error)),
        ],
    )
}

fn exec_batch(rows: &[Exec]) -> RecordBatch {
    let mut args = ListBuilder::new(StringBuilder::new());
    for e in rows {
        for a in &e.args {
            args.values().append_value(a);
        }
        args.append(true);
    }
    batch(
        &PROCESS_EXEC,
        vec![
            u64s(rows.iter().map(|e| e.ts)),
            u64s(rows.iter().map(|e| e.ts - 150_000)),
            u32s(rows.iter().map(|e| e.pid)),
            u32s(rows.iter().map(|e| e.pid)),
            u32s(rows.iter().map(|e| e.ppid)),
            u32s(rows.iter().map(|e| e.uid)),
            strs(rows.iter().map(|e| e.comm)),
            strs(rows.iter().map(|e| e.filename.as_str())),
            Arc::new(args.finish()),
            bools(rows.iter().map(|e| e.truncated)),
            i32s(rows.iter().map(|e| e.ret)),
        ],
    )
}

fn fork_batch(rows: &[Fork]) -> RecordBatch {
    batch(
        &PROCESS_FORK,
        vec![
            u64s(rows.iter().map(|f| f.ts)),
            u32s(rows.iter().map(|f| f.parent_pid)),
            u32s(rows.iter().map(|f| f.parent_tid)),
            u32s(rows.iter().map(|f| f.child_pid)),
            u32s(rows.iter().map(|f| f.child_tid)),
            strs(rows.iter().map(|f| f.comm)),
        ],
    )
}

fn exit_batch(rows: &[Exit]) -> RecordBatch {
    batch(
        &PROCESS_EXIT,
        vec![
            u64s(rows.iter().map(|e| e.ts)),
            u64s(rows.iter().map(|e| e.start)),
            u32s(rows.iter().map(|e| e.pid)),
            u32s(rows.iter().map(|e| e.tid)),
            u32s(rows.iter().map(|e| e.ppid)),
            strs(rows.iter().map(|e| e.comm)),
            i32s(rows.iter().map(|e| e.code)),
            i32s(rows.iter().map(|e| e.signal)),
            bools(rows.iter().map(|e| e.core)),
        ],
    )
}

fn snapshot_batch(rows: &[Snap]) -> RecordBatch {
    batch(
        &PROCESS_SNAPSHOT,
        vec![
            u64s(rows.iter().map(|_| START_NS + 1_000_000)),
            u32s(rows.iter().map(|s| s.pid)),
            u32s(rows.iter().map(|s| s.ppid)),
            u32s(rows.iter().map(|s| s.uid)),
            strs(rows.iter().map(|s| s.comm)),
            strs(rows.iter().map(|s| s.cmdline)),
            u64s(rows.iter().map(|s| s.start)),
            strs(rows.iter().map(|s| s.cgroup)),
        ],
    )
}

pub(crate) fn attached(name: &str, probes: &[(&str, &str)], lost_events: u64) -> SourceStatus {
    SourceStatus {
        name: name.to_string(),
        status: SourceState::Attached {
            probes: probes
                .iter()
                .map(|(p, a)| ProbeAttach {
                    probe: p.to_string(),
                    attach: a.to_string(),
                })
                .collect(),
        },
        lost_events,
    }
}

/// The manifest of a fixture recorded with `--sources SOURCES --output NAME` over
/// the common span on the fixture host, ended by its duration.
pub(crate) fn fixture_manifest(
    name: &str,
    sources_arg: &str,
    sources: Vec<SourceStatus>,
) -> Manifest {
    Manifest {
        format_version: FORMAT_VERSION,
        retrace_version: "0.1.0".into(),
        command_line: ["retrace-record", "--sources", sources_arg, "--output", name]
            .map(String::from)
            .to_vec(),
        host: HostInfo {
            hostname: "fixture-host".into(),
            kernel_release: "6.18.0-fixture".into(),
            boot_id: "0b7c3f1e-5a1d-4c55-9b0e-6d2f4f1a2b3c".into(),
            cpu_count: 4,
            arch: "x86_64".into(),
        },
        clock_start: ClockPair {
            monotonic_ns: START_NS,
            wall_ns: START_WALL_NS,
        },
        clock_end: Some(ClockPair {
            monotonic_ns: START_NS + SPAN_NS,
            wall_ns: START_WALL_NS + SPAN_NS,
        }),
        sources,
        filters: Filters::default(),
        tables: Default::default(),
        command: None,
        ended_by: Some("duration".into()),
        recording: Default::default(),
        complete: true,
    }
}

fn manifest() -> Manifest {
    let mut m = fixture_manifest(
        "basic",
        "disk,proc",
        vec![
            attached(
                "disk",
                &[
                    ("block_rq_insert", "tp_btf"),
                    ("block_rq_issue", "tp_btf"),
                    ("block_rq_complete", "tp_btf"),
                ],
                DISK_LOST_EVENTS,
            ),
            attached(
                "proc",
                &[
                    ("sys_enter_execve", "tracepoint"),
                    ("sys_exit_execve", "tracepoint"),
                    ("sched_process_fork", "tp_btf"),
                    ("sched_process_exit", "tp_btf"),
                    ("/proc snapshot", "userspace"),
                ],
                0,
            ),
        ],
    );
    m.command_line
        .extend(["--", "fio", "job.fio"].map(String::from));
    m.command = Some(ChildCommand {
        argv: vec!["fio".into(), "job.fio".into()],
        pid: 4242,
        exit_status: Some(0),
    });
    m.ended_by = Some("command exited".into());
    // The basic capture is one a killed recorder left: incomplete.
    m.complete = false;
    m
}

/// Split time-sorted rows into `n` consecutive chunks of the capture span.
fn by_third<T: Clone>(rows: &[T], ts: impl Fn(&T) -> u64, part: u64) -> Vec<T> {
    let lo = START_NS + part * SPAN_NS / 3;
    let hi = START_NS + (part + 1) * SPAN_NS / 3;
    rows.iter()
        .filter(|r| {
            let t = ts(r);
            (t >= lo || part == 0) && (t < hi || part == 2)
        })
        .cloned()
        .collect()
}

/// Write the `basic` fixture capture into `dir` (replacing what is there).
pub fn write_basic(dir: &Path) -> Result<Manifest, retrace_schema::Error> {
    let mut rng = Rng::new(SEED);
    let bios = block_io(&mut rng);
    let (execs, forks, exits, snaps) = processes(&mut rng);

    create_capture_dir(dir, true)?;
    let policy = SegmentPolicy {
        max_age: None,
        max_bytes: None,
    };
    let mut w = CaptureWriter::create(dir, manifest(), policy)?;
    // Only the tables of its sources: tables added to the format later would change
    // the committed manifest.
    for t in retrace_schema::TABLES
        .iter()
        .filter(|t| ["disk", "proc"].contains(&t.source.as_ref()))
    {
        w.add_table(t)?;
    }
    w.write(&PROCESS_SNAPSHOT, &snapshot_batch(&snaps))?;
    for part in 0..3 {
        w.write(
            &BLOCK_IO,
            &bio_batch(&by_third(&bios, |b| b.complete, part)),
        )?;
        w.write(
            &PROCESS_EXEC,
            &exec_batch(&by_third(&execs, |e| e.ts, part)),
        )?;
        w.write(
            &PROCESS_FORK,
            &fork_batch(&by_third(&forks, |f| f.ts, part)),
        )?;
        w.write(
            &PROCESS_EXIT,
            &exit_batch(&by_third(&exits, |e| e.ts, part)),
        )?;
        w.rotate()?;
    }
    w.finish()
}
