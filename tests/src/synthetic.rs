//! Large synthetic captures for the analyzer benchmark (`bench/analyzer.py`, through the
//! `gen-synthetic` binary): `sched_switch` + `sched_wakeup` from a small scheduler
//! simulation and `block_io` from a queueing model, in the real schema, written with
//! the recorder's own `CaptureWriter` segment by segment, so any number of rows fits in
//! bounded memory. Deterministic for a given seed.
//!
//! What makes them realistic enough to time queries on:
//! - several CPUs, a few hundred threads in a few dozen processes, command names from a
//!   small set; thread activity is skewed (Zipf weights), so a few threads dominate;
//! - on-CPU runs, idle periods, run-queue waits and block I/O latencies are log-normal;
//! - every thread's events are consistent: it is switched in only when not running,
//!   woken only after it blocked, so runqlat / cpudist / runqslower find their pairs;
//! - timestamps are monotonic within each table (events are held in a small reorder
//!   buffer until no earlier event can follow), as in a recording.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use arrow::array::{
    ArrayRef, BooleanArray, Int32Array, RecordBatch, StringArray, UInt32Array, UInt64Array,
};
use retrace_schema::manifest::{
    ClockPair, Filters, HostInfo, ProbeAttach, SourceState, SourceStatus,
};
use retrace_schema::tables::{BLOCK_IO, SCHED_SWITCH, SCHED_WAKEUP};
use retrace_schema::writer::{create_capture_dir, CaptureWriter, SegmentPolicy};
use retrace_schema::{Manifest, Table, FORMAT_VERSION};

use crate::rng::Rng;

/// CLOCK_MONOTONIC ns at which the synthetic recording starts (about 1 h after boot).
pub const START_NS: u64 = 3_600 * NS_PER_S;
/// Wall clock at the start: 2025-01-15T08:00:00Z.
const START_WALL_NS: u64 = 1_736_928_000 * NS_PER_S;
const NS_PER_S: u64 = 1_000_000_000;
const US: f64 = 1_000.0;

/// Rows handed to the writer at a time.
const BATCH_ROWS: usize = 128 * 1024;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Scheduler events in all: sched_switch + sched_wakeup rows (0: no `sched` source).
    pub sched_events: u64,
    /// block_io rows (0: no `disk` source).
    pub block_io: u64,
    /// CPUs of the simulated host.
    pub cpus: u32,
    /// Threads of the simulated host (a sixth of them are process main threads).
    pub threads: u32,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            sched_events: 10_000_000,
            block_io: 0,
            cpus: 8,
            threads: 300,
            seed: 1,
        }
    }
}

/// Command names: a small set, as on a real server.
const COMMS: [&str; 16] = [
    "postgres",
    "java",
    "nginx",
    "node",
    "redis-server",
    "python3",
    "containerd",
    "kubelet",
    "sshd",
    "systemd",
    "rsyslogd",
    "bash",
    "dockerd",
    "envoy",
    "jbd2/vda1-8",
    "kworker/u16:2",
];

/// A normal deviate (Box-Muller; one of the pair is dropped, which is fine here).
fn normal(rng: &mut Rng) -> f64 {
    let u1 = ((rng.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
    let u2 = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Log-normal with the given median and sigma (of the underlying normal), clamped.
fn lognormal(rng: &mut Rng, median: f64, sigma: f64, lo: f64, hi: f64) -> u64 {
    (median * (sigma * normal(rng)).exp()).clamp(lo, hi) as u64
}

fn uniform(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Pick an index with probability proportional to its weight (`cum` holds the running
/// sums of the weights).
fn pick(rng: &mut Rng, cum: &[f64]) -> usize {
    let x = uniform(rng) * cum[cum.len() - 1];
    cum.partition_point(|&c| c <= x).min(cum.len() - 1)
}

/// Running sums of Zipf weights 1/(rank+1)^s, the ranks shuffled so that activity does
/// not follow the ids.
fn zipf_cum(rng: &mut Rng, n: usize, s: f64) -> Vec<f64> {
    let mut ranks: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.range(0, i as u64 + 1) as usize;
        ranks.swap(i, j);
    }
    let mut acc = 0.0;
    ranks
        .iter()
        .map(|&r| {
            acc += 1.0 / ((r + 1) as f64).powf(s);
            acc
        })
        .collect()
}

#[derive(Debug, Clone)]
struct Process {
    pid: u32,
    comm: &'static str,
}

#[derive(Debug, Clone)]
struct Thread {
    tid: u32,
    pid: u32,
    comm: &'static str,
    prio: i32,
    /// Median on-CPU run of this thread, ns.
    run_median: f64,
    running: bool,
    /// Blocked (needs a wakeup before it can run again) rather than runnable.
    blocked: bool,
    /// When it was last switched out.
    last_out: u64,
}

/// The simulated host's processes and threads.
struct Population {
    threads: Vec<Thread>,
    thread_cum: Vec<f64>,
}

fn population(rng: &mut Rng, threads: u32) -> Population {
    let nproc = (threads / 6).max(1) as usize;
    let procs: Vec<Process> = (0..nproc)
        .map(|p| Process {
            pid: 400 + p as u32 * 37,
            comm: COMMS[(p * 7 + p / COMMS.len()) % COMMS.len()],
        })
        .collect();
    // Threads per process are skewed too: a JVM or a database has many.
    let proc_cum = zipf_cum(rng, nproc, 1.0);
    let mut list = Vec::with_capacity(threads as usize);
    for i in 0..threads.max(1) as usize {
        let p = if i < nproc { i } else { pick(rng, &proc_cum) };
        let tid = if i < nproc {
            procs[p].pid
        } else {
            20_000 + i as u32 * 3
        };
        let rt = rng.chance(0.02);
        list.push(Thread {
            tid,
            pid: procs[p].pid,
            comm: procs[p].comm,
            prio: if rt {
                rng.range(0, 99) as i32
            } else if rng.chance(0.1) {
                rng.range(100, 140) as i32
            } else {
                120
            },
            // 20 µs .. 2 ms medians: interactive threads to batch ones.
            run_median: 20.0 * US * (100f64).powf(uniform(rng)),
            running: false,
            blocked: true,
            last_out: START_NS,
        });
    }
    let thread_cum = zipf_cum(rng, list.len(), 1.1);
    Population {
        threads: list,
        thread_cum,
    }
}

#[derive(Debug, Clone, Copy)]
struct Switch {
    ts: u64,
    cpu: u32,
    prev: Option<usize>,
    prev_state: u32,
    next: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
struct Wakeup {
    ts: u64,
    cpu: u32,
    target_cpu: u32,
    thread: usize,
    waker: Option<usize>,
    new: bool,
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

fn batch(table: &Table, columns: Vec<ArrayRef>) -> RecordBatch {
    RecordBatch::try_new(table.schema(), columns).expect("columns match the table schema")
}

/// The idle task's names, one per CPU, as the kernel spells them.
fn swapper_names(cpus: u32) -> Vec<&'static str> {
    (0..cpus)
        .map(|c| &*Box::leak(format!("swapper/{c}").into_boxed_str()))
        .collect()
}

fn switch_batch(rows: &[Switch], pop: &Population, swappers: &[&'static str]) -> RecordBatch {
    let t = |i: Option<usize>| i.map(|i| &pop.threads[i]);
    batch(
        &SCHED_SWITCH,
        vec![
            u64s(rows.iter().map(|s| s.ts)),
            u32s(rows.iter().map(|s| s.cpu)),
            u32s(rows.iter().map(|s| t(s.prev).map_or(0, |t| t.tid))),
            u32s(rows.iter().map(|s| t(s.prev).map_or(0, |t| t.pid))),
            strs(
                rows.iter()
                    .map(|s| t(s.prev).map_or(swappers[s.cpu as usize], |t| t.comm)),
            ),
            i32s(rows.iter().map(|s| t(s.prev).map_or(120, |t| t.prio))),
            u32s(rows.iter().map(|s| s.prev_state)),
            u32s(rows.iter().map(|s| t(s.next).map_or(0, |t| t.tid))),
            u32s(rows.iter().map(|s| t(s.next).map_or(0, |t| t.pid))),
            strs(
                rows.iter()
                    .map(|s| t(s.next).map_or(swappers[s.cpu as usize], |t| t.comm)),
            ),
            i32s(rows.iter().map(|s| t(s.next).map_or(120, |t| t.prio))),
        ],
    )
}

fn wakeup_batch(rows: &[Wakeup], pop: &Population) -> RecordBatch {
    let th = &pop.threads;
    batch(
        &SCHED_WAKEUP,
        vec![
            u64s(rows.iter().map(|w| w.ts)),
            u32s(rows.iter().map(|w| w.cpu)),
            u32s(rows.iter().map(|w| w.target_cpu)),
            u32s(rows.iter().map(|w| th[w.thread].tid)),
            u32s(rows.iter().map(|w| th[w.thread].pid)),
            strs(rows.iter().map(|w| th[w.thread].comm)),
            i32s(rows.iter().map(|w| th[w.thread].prio)),
            u32s(rows.iter().map(|w| w.waker.map_or(0, |i| th[i].tid))),
            u32s(rows.iter().map(|w| w.waker.map_or(0, |i| th[i].pid))),
            Arc::new(BooleanArray::from(
                rows.iter().map(|w| w.new).collect::<Vec<_>>(),
            )),
        ],
    )
}

/// Simulate the scheduler until `events` sched_switch + sched_wakeup rows are written.
/// Returns the end time of the simulation.
fn write_sched(
    w: &mut CaptureWriter,
    rng: &mut Rng,
    pop: &mut Population,
    spec: &Spec,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<u64, retrace_schema::Error> {
    let cpus = spec.cpus.max(1);
    let swappers = swapper_names(cpus);
    // Per CPU: the thread on it (None: idle) and when it was switched in.
    let mut current: Vec<Option<usize>> = vec![None; cpus as usize];
    let mut last_switch: Vec<u64> = vec![START_NS; cpus as usize];
    let mut heap: BinaryHeap<Reverse<(u64, u32)>> = (0..cpus)
        .map(|c| Reverse((START_NS + rng.range(0, 50_000), c)))
        .collect();
    let mut switches: Vec<Switch> = Vec::with_capacity(BATCH_ROWS);
    let mut wakeups: Vec<Wakeup> = Vec::with_capacity(BATCH_ROWS * 2);
    let mut written = 0u64;
    let mut now = START_NS;
    while written + ((switches.len() + wakeups.len()) as u64) < spec.sched_events {
        let Reverse((t, c)) = heap.pop().expect("one entry per CPU");
        now = t;
        let ci = c as usize;
        let prev = current[ci];
        let mut prev_state = 0;
        if let Some(p) = prev {
            let th = &mut pop.threads[p];
            th.running = false;
            th.last_out = t;
            // Most switches out are blocking (sleep, I/O); some are preemptions.
            prev_state = if rng.chance(0.25) {
                0
            } else if rng.chance(0.03) {
                2
            } else {
                1
            };
            th.blocked = prev_state != 0;
        }
        // The next thread: a weighted pick among those not running, else idle.
        let mut next = None;
        if !rng.chance(0.08) {
            for _ in 0..4 {
                let i = pick(rng, &pop.thread_cum);
                if !pop.threads[i].running && Some(i) != prev {
                    next = Some(i);
                    break;
                }
            }
        }
        if let Some(n) = next {
            let th = &pop.threads[n];
            if th.blocked {
                // Woken between its switch-out (and this CPU's last switch) and now,
                // after a log-normal run-queue wait.
                let wait = lognormal(rng, 15.0 * US, 1.4, 500.0, 50e6);
                let ts = t.saturating_sub(wait).max(th.last_out).max(last_switch[ci]);
                let waker = if rng.chance(0.3) {
                    None
                } else {
                    Some(pick(rng, &pop.thread_cum))
                };
                wakeups.push(Wakeup {
                    ts,
                    cpu: if rng.chance(0.6) {
                        c
                    } else {
                        rng.range(0, cpus as u64) as u32
                    },
                    target_cpu: c,
                    thread: n,
                    waker,
                    new: rng.chance(0.002),
                });
            }
            let th = &mut pop.threads[n];
            th.blocked = false;
            th.running = true;
        }
        switches.push(Switch {
            ts: t,
            cpu: c,
            prev,
            prev_state,
            next,
        });
        current[ci] = next;
        last_switch[ci] = t;
        let dur = match next {
            Some(n) => lognormal(rng, pop.threads[n].run_median, 1.2, 1_000.0, 100e6),
            None => lognormal(rng, 300.0 * US, 1.5, 1_000.0, 200e6),
        };
        heap.push(Reverse((t + dur, c)));

        if switches.len() >= BATCH_ROWS {
            w.write(&SCHED_SWITCH, &switch_batch(&switches, pop, &swappers))?;
            written += switches.len() as u64;
            switches.clear();
            progress("sched", written);
        }
        if wakeups.len() >= BATCH_ROWS * 2 {
            // Every later wakeup is at or after some CPU's last switch.
            let watermark = *last_switch.iter().min().expect("cpus > 0");
            wakeups.sort_by_key(|w| w.ts);
            let n = wakeups.partition_point(|w| w.ts < watermark);
            if n > 0 {
                w.write(&SCHED_WAKEUP, &wakeup_batch(&wakeups[..n], pop))?;
                written += n as u64;
                wakeups.drain(..n);
            }
        }
    }
    w.write(&SCHED_SWITCH, &switch_batch(&switches, pop, &swappers))?;
    wakeups.sort_by_key(|w| w.ts);
    for chunk in wakeups.chunks(BATCH_ROWS) {
        w.write(&SCHED_WAKEUP, &wakeup_batch(chunk, pop))?;
    }
    progress(
        "sched",
        written + switches.len() as u64 + wakeups.len() as u64,
    );
    Ok(now)
}

#[derive(Debug, Clone, Copy)]
struct Disk {
    name: &'static str,
    major: u32,
    minor: u32,
    sectors: u64,
    /// Median device latency, ns.
    latency: f64,
    weight: f64,
}

const DISKS: [Disk; 3] = [
    Disk {
        name: "nvme0n1",
        major: 259,
        minor: 0,
        sectors: 1 << 31,
        latency: 90.0 * US,
        weight: 0.5,
    },
    Disk {
        name: "vda",
        major: 253,
        minor: 0,
        sectors: 1 << 28,
        latency: 600.0 * US,
        weight: 0.35,
    },
    Disk {
        name: "vdb",
        major: 253,
        minor: 16,
        sectors: 1 << 30,
        latency: 2_500.0 * US,
        weight: 0.15,
    },
];

/// rwbs strings with their weights and raw cmd_flags (REQ_OP in the low bits).
const OPS: [(&str, f64, u32); 8] = [
    ("R", 0.38, 0),
    ("RA", 0.08, 1 << 19),
    ("RS", 0.04, 1 << 11),
    ("W", 0.22, 1),
    ("WS", 0.15, 1 | 1 << 11),
    ("WM", 0.04, 1 | 1 << 12),
    ("FWS", 0.03, 1 | 1 << 11 | 1 << 17),
    ("D", 0.01, 3),
];

/// Request sizes (bytes) with their weights: mostly 4 KiB, a long tail to 1 MiB.
const SIZES: [(u32, f64); 9] = [
    (512, 0.01),
    (4096, 0.55),
    (8192, 0.1),
    (16384, 0.08),
    (32768, 0.06),
    (65536, 0.07),
    (131072, 0.07),
    (524288, 0.04),
    (1048576, 0.02),
];

fn cum_of(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    weights
        .map(|w| {
            acc += w;
            acc
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
struct Bio {
    insert: Option<u64>,
    issue: u64,
    complete: u64,
    disk: usize,
    sector: u64,
    bytes: u32,
    op: usize,
    thread: usize,
    error: i32,
}

fn bio_batch(rows: &[Bio], pop: &Population) -> RecordBatch {
    let th = &pop.threads;
    batch(
        &BLOCK_IO,
        vec![
            Arc::new(rows.iter().map(|b| b.insert).collect::<UInt64Array>()),
            u64s(rows.iter().map(|b| b.issue)),
            u64s(rows.iter().map(|b| b.complete)),
            u32s(rows.iter().map(|b| DISKS[b.disk].major)),
            u32s(rows.iter().map(|b| DISKS[b.disk].minor)),
            strs(rows.iter().map(|b| DISKS[b.disk].name)),
            u64s(rows.iter().map(|b| b.sector)),
            u32s(rows.iter().map(|b| b.bytes)),
            strs(rows.iter().map(|b| OPS[b.op].0)),
            u32s(rows.iter().map(|b| OPS[b.op].2)),
            u32s(rows.iter().map(|b| th[b.thread].pid)),
            u32s(rows.iter().map(|b| th[b.thread].tid)),
            strs(rows.iter().map(|b| th[b.thread].comm)),
            i32s(rows.iter().map(|b| b.error)),
        ],
    )
}

/// Block I/O: Poisson arrivals (~8 k IOPS), a weighted disk, operation and size, the
/// issuing thread by (skewed) I/O activity, runs of sequential sectors, log-normal
/// device latency per disk (writes slower), 70% of requests queued in the scheduler
/// first. Returns the last completion time.
fn write_block_io(
    w: &mut CaptureWriter,
    rng: &mut Rng,
    pop: &Population,
    rows: u64,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<u64, retrace_schema::Error> {
    let disk_cum = cum_of(DISKS.iter().map(|d| d.weight));
    let op_cum = cum_of(OPS.iter().map(|o| o.1));
    let size_cum = cum_of(SIZES.iter().map(|s| s.1));
    // Who does I/O is skewed differently from who uses the CPU.
    let io_cum = zipf_cum(rng, pop.threads.len(), 1.3);
    let mut next_sector = [0u64; DISKS.len()];
    let mut issue = START_NS;
    let mut pending: Vec<Bio> = Vec::with_capacity(BATCH_ROWS * 2);
    let (mut made, mut written, mut last) = (0u64, 0u64, START_NS);
    while made < rows {
        issue += lognormal(rng, 80.0 * US, 1.0, 200.0, 20e6);
        let d = pick(rng, &disk_cum);
        let op = pick(rng, &op_cum);
        let bytes = SIZES[pick(rng, &size_cum)].0;
        let sector = if rng.chance(0.4) {
            next_sector[d]
        } else {
            rng.range(0, DISKS[d].sectors) & !7
        };
        next_sector[d] = sector + bytes as u64 / 512;
        let write = OPS[op].0.contains('W');
        let median =
            DISKS[d].latency * if write { 1.5 } else { 1.0 } * (1.0 + bytes as f64 / 262_144.0);
        let lat = lognormal(rng, median, 0.8, 2_000.0, 10e9);
        let insert = rng
            .chance(0.7)
            .then(|| issue - lognormal(rng, 12.0 * US, 1.5, 300.0, 5e6).min(issue - START_NS));
        pending.push(Bio {
            insert,
            issue,
            complete: issue + lat,
            disk: d,
            sector,
            bytes,
            op,
            thread: pick(rng, &io_cum),
            error: if rng.chance(1e-5) { -5 } else { 0 },
        });
        made += 1;
        if pending.len() >= BATCH_ROWS * 2 {
            // Requests issued later complete later than `issue`.
            pending.sort_by_key(|b| b.complete);
            let n = pending.partition_point(|b| b.complete < issue);
            if n > 0 {
                last = pending[n - 1].complete;
                w.write(&BLOCK_IO, &bio_batch(&pending[..n], pop))?;
                written += n as u64;
                pending.drain(..n);
                progress("block_io", written);
            }
        }
    }
    pending.sort_by_key(|b| b.complete);
    for chunk in pending.chunks(BATCH_ROWS) {
        w.write(&BLOCK_IO, &bio_batch(chunk, pop))?;
    }
    if let Some(b) = pending.last() {
        last = b.complete;
    }
    progress("block_io", rows);
    Ok(last)
}

fn attached(name: &str, probes: &[&str]) -> SourceStatus {
    SourceStatus {
        name: name.to_string(),
        status: SourceState::Attached {
            probes: probes
                .iter()
                .map(|p| ProbeAttach {
                    probe: p.to_string(),
                    attach: "tp_btf".into(),
                })
                .collect(),
        },
        lost_events: 0,
    }
}

fn manifest(spec: &Spec, out: &Path) -> Manifest {
    let mut sources = Vec::new();
    let mut names = Vec::new();
    if spec.sched_events > 0 {
        names.push("sched");
        sources.push(attached(
            "sched",
            &["sched_switch", "sched_wakeup", "sched_wakeup_new"],
        ));
    }
    if spec.block_io > 0 {
        names.push("disk");
        sources.push(attached(
            "disk",
            &["block_rq_insert", "block_rq_issue", "block_rq_complete"],
        ));
    }
    Manifest {
        format_version: FORMAT_VERSION,
        retrace_version: env!("CARGO_PKG_VERSION").into(),
        command_line: vec![
            "gen-synthetic".into(),
            format!("--seed={}", spec.seed),
            format!("--sched-events={}", spec.sched_events),
            format!("--block-io={}", spec.block_io),
            format!("--sources={}", names.join(",")),
            out.display().to_string(),
        ],
        host: HostInfo {
            hostname: "synthetic".into(),
            kernel_release: "6.18.0-synthetic".into(),
            boot_id: format!(
                "00000000-0000-4000-8000-{:012x}",
                spec.seed & 0xffff_ffff_ffff
            ),
            cpu_count: spec.cpus,
            arch: "x86_64".into(),
        },
        clock_start: ClockPair {
            monotonic_ns: START_NS,
            wall_ns: START_WALL_NS,
        },
        clock_end: None,
        sources,
        filters: Filters::default(),
        tables: Default::default(),
        command: None,
        ended_by: Some("duration".into()),
        recording: Default::default(),
        complete: false,
    }
}

/// Write a synthetic capture into `dir` (replacing what is there). `progress` is called
/// with a table name and the rows written to it so far.
pub fn write(
    dir: &Path,
    spec: &Spec,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<Manifest, retrace_schema::Error> {
    let mut rng = Rng::new(spec.seed ^ 0x5359_4e54_4845_5449);
    let mut pop = population(&mut rng, spec.threads);
    create_capture_dir(dir, true)?;
    // Segments close by size, as a long recording's would by time.
    let policy = SegmentPolicy {
        max_age: None,
        max_bytes: Some(64 << 20),
    };
    let mut w = CaptureWriter::create(dir, manifest(spec, dir), policy)?;
    let mut end = START_NS + NS_PER_S;
    if spec.sched_events > 0 {
        w.add_table(&SCHED_SWITCH)?;
        w.add_table(&SCHED_WAKEUP)?;
        end = end.max(write_sched(&mut w, &mut rng, &mut pop, spec, progress)?);
    }
    if spec.block_io > 0 {
        w.add_table(&BLOCK_IO)?;
        end = end.max(write_block_io(
            &mut w,
            &mut rng,
            &pop,
            spec.block_io,
            progress,
        )?);
    }
    let m = w.manifest_mut();
    m.clock_end = Some(ClockPair {
        monotonic_ns: end + 1,
        wall_ns: START_WALL_NS + (end + 1 - START_NS),
    });
    w.finish()
}

/// Parse a row count such as `10M`, `100m`, `500k`, `2500000`, `1e7`.
pub fn parse_count(s: &str) -> Option<u64> {
    let s = s.trim().replace('_', "");
    let (num, mult) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], 1e3),
        'm' | 'M' => (&s[..s.len() - 1], 1e6),
        'g' | 'G' => (&s[..s.len() - 1], 1e9),
        _ => (&s[..], 1.0),
    };
    let v: f64 = num.parse().ok()?;
    (v >= 0.0 && v.is_finite()).then_some((v * mult).round() as u64)
}

/// Seconds since `t0`, for progress lines.
pub fn elapsed(t0: Instant) -> f64 {
    t0.elapsed().as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_parse() {
        assert_eq!(parse_count("10M"), Some(10_000_000));
        assert_eq!(parse_count("500k"), Some(500_000));
        assert_eq!(parse_count("1e7"), Some(10_000_000));
        assert_eq!(parse_count("12"), Some(12));
        assert_eq!(parse_count("x"), None);
    }

    #[test]
    fn small_capture_is_consistent_and_deterministic() {
        let spec = Spec {
            sched_events: 300_000,
            block_io: 50_000,
            cpus: 4,
            threads: 60,
            seed: 7,
        };
        let a = std::env::temp_dir().join(format!("retrace-synth-a-{}", std::process::id()));
        let b = std::env::temp_dir().join(format!("retrace-synth-b-{}", std::process::id()));
        let ma = write(&a, &spec, &mut |_, _| {}).unwrap();
        let mb = write(&b, &spec, &mut |_, _| {}).unwrap();
        let rows = |m: &Manifest, t: &str| m.tables.get(t).map_or(0, |t| t.rows);
        let sched = rows(&ma, "sched_switch") + rows(&ma, "sched_wakeup");
        assert!((300_000..300_000 + 2 * BATCH_ROWS as u64).contains(&sched));
        assert!(rows(&ma, "sched_wakeup") > sched / 4);
        assert_eq!(rows(&ma, "block_io"), 50_000);
        assert!(ma.complete);
        for t in ["sched_switch", "sched_wakeup", "block_io"] {
            assert_eq!(ma.tables[t].rows, mb.tables[t].rows, "{t}");
            assert_eq!(ma.tables[t].bytes, mb.tables[t].bytes, "{t}");
        }
        std::fs::remove_dir_all(&a).unwrap();
        std::fs::remove_dir_all(&b).unwrap();
    }
}
