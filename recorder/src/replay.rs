//! A repeatable cost measurement of the user-space data path (decode → Arrow
//! builders → Parquet writer), without BPF: replays the sched records of an
//! existing capture in ring order (per 10 ms drain, CPU by CPU) through `Rows`
//! and a `CaptureWriter` thread, and prints CPU ns per event and bytes per switch.
//!
//! RETRACE_REPLAY=CAPTURE_DIR cargo test --release -p retrace-record replay -- --ignored --nocapture

use std::fs::File;
use std::path::Path;
use std::sync::mpsc::sync_channel;

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::{Int32Type, UInt32Type, UInt64Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use retrace_recorder_bpf::sched::types::{rt_sched_switch, rt_sched_wakeup};
use retrace_schema::manifest::Manifest;
use retrace_schema::writer::{create_capture_dir, CaptureWriter, SegmentPolicy};

use crate::cpu_guard::process_cpu;
use crate::decode::layout::ObjectLayouts;
use crate::decode::Rows;
use crate::redact::Redact;

fn thread_cpu() -> std::time::Duration {
    // SAFETY: ru is a valid out pointer.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut ru) };
    let tv = |t: libc::timeval| std::time::Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn batches(dir: &Path) -> Vec<RecordBatch> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "parquet") {
            let r = ParquetRecordBatchReaderBuilder::try_new(File::open(p).unwrap())
                .unwrap()
                .build()
                .unwrap();
            out.extend(r.map(|b| b.unwrap()));
        }
    }
    out
}

fn comm(dst: &mut [i8], s: &str) {
    for (d, c) in dst.iter_mut().zip(s.bytes().take(15)) {
        *d = c as i8;
    }
}

fn as_bytes<T: Copy>(v: &T) -> Vec<u8> {
    // SAFETY: plain C structs without padding holes that matter here.
    unsafe { std::slice::from_raw_parts((v as *const T).cast::<u8>(), std::mem::size_of::<T>()) }
        .to_vec()
}

/// (ts, cpu, record kind, record) of every sched row of the capture.
fn records(cap: &Path) -> Vec<(u64, u32, u32, Vec<u8>)> {
    let mut recs = Vec::new();
    for b in batches(&cap.join("sched_switch")) {
        let u64c = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_primitive::<UInt64Type>()
                .clone()
        };
        let u32c = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_primitive::<UInt32Type>()
                .clone()
        };
        let i32c = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_primitive::<Int32Type>()
                .clone()
        };
        let strc = |n: &str| b.column_by_name(n).unwrap().as_string::<i32>().clone();
        let (ts, cpu, pt, pp, pc, ppr, ps, nt, np, nc, npr) = (
            u64c("ts_ns"),
            u32c("cpu"),
            u32c("prev_tid"),
            u32c("prev_pid"),
            strc("prev_comm"),
            i32c("prev_prio"),
            u32c("prev_state"),
            u32c("next_tid"),
            u32c("next_pid"),
            strc("next_comm"),
            i32c("next_prio"),
        );
        for i in 0..b.num_rows() {
            let mut r = rt_sched_switch {
                ts: ts.value(i),
                prev_tid: pt.value(i),
                prev_pid: pp.value(i),
                next_tid: nt.value(i),
                next_pid: np.value(i),
                prev_prio: ppr.value(i) as i16,
                next_prio: npr.value(i) as i16,
                prev_state: ps.value(i),
                ..Default::default()
            };
            comm(&mut r.prev_comm, pc.value(i));
            comm(&mut r.next_comm, nc.value(i));
            recs.push((r.ts, cpu.value(i), 5, as_bytes(&r)));
        }
    }
    for b in batches(&cap.join("sched_wakeup")) {
        let u64c = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_primitive::<UInt64Type>()
                .clone()
        };
        let u32c = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_primitive::<UInt32Type>()
                .clone()
        };
        let ts = u64c("ts_ns");
        let cpu = u32c("cpu");
        let tcpu = u32c("target_cpu");
        let tid = u32c("tid");
        let pid = u32c("pid");
        let cm = b.column_by_name("comm").unwrap().as_string::<i32>().clone();
        let prio = b
            .column_by_name("prio")
            .unwrap()
            .as_primitive::<Int32Type>()
            .clone();
        let wt = u32c("waker_tid");
        let wp = u32c("waker_pid");
        let new = b.column_by_name("new").unwrap().as_boolean().clone();
        for i in 0..b.num_rows() {
            let mut r = rt_sched_wakeup {
                ts: ts.value(i),
                tid: tid.value(i),
                pid: pid.value(i),
                target_cpu: tcpu.value(i),
                prio: prio.value(i) as i16,
                waker_tid: wt.value(i),
                waker_pid: wp.value(i),
                is_new: new.value(i) as u8,
                ..Default::default()
            };
            comm(&mut r.comm, cm.value(i));
            recs.push((r.ts, cpu.value(i), 6, as_bytes(&r)));
        }
    }
    // Ring order: per 10 ms drain, each CPU's ring in turn, each in time order.
    recs.sort_by_key(|(ts, cpu, _, _)| (ts / 10_000_000, *cpu, *ts));
    recs
}

#[test]
#[ignore]
fn replay() {
    let Ok(cap) = std::env::var("RETRACE_REPLAY") else {
        eprintln!("set RETRACE_REPLAY=CAPTURE_DIR");
        return;
    };
    let cap = Path::new(&cap);
    let reps: usize = std::env::var("RETRACE_REPLAY_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let recs = records(cap);
    let mut manifest = Manifest::read(cap).unwrap();
    manifest.tables.clear();
    let out = std::env::temp_dir().join(format!("retrace-replay-{}", std::process::id()));
    create_capture_dir(&out, true).unwrap();
    let writer = CaptureWriter::create(&out, manifest, SegmentPolicy::default()).unwrap();
    let (tx, rx) = sync_channel::<(std::sync::Arc<retrace_schema::Table>, RecordBatch)>(16);
    let wt = std::thread::spawn(move || {
        let mut writer = writer;
        for (t, b) in rx {
            writer.write(&t, &b).unwrap();
        }
        let m = writer.finish().unwrap();
        (m, thread_cpu())
    });
    let faults = || {
        // SAFETY: ru is a valid out pointer.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
        ru.ru_minflt
    };
    let flt0 = faults();
    let cpu0 = process_cpu();
    let mut rows = Rows::new(Redact::default());
    let bytes = retrace_recorder_bpf::object("sched").unwrap();
    let layouts = ObjectLayouts::of_object("sched", bytes).unwrap();
    let tables =
        retrace_schema::tables::tables_of_source("sched").map(|t| std::sync::Arc::new(t.clone()));
    rows.add_source(0, tables, &layouts).unwrap();
    let mut events = 0u64;
    let mut buf = Vec::with_capacity(128);
    for rep in 0..reps {
        let shift = rep as u64 * 100_000_000_000;
        let mut window = u64::MAX;
        let mut windows = 0;
        for (ts, cpu, kind, rec) in &recs {
            let w = ts / 10_000_000;
            if w != window {
                window = w;
                windows += 1;
                let mut due = rows.take_full();
                if windows % 100 == 0 {
                    due.extend(rows.take_all());
                }
                for d in due {
                    tx.send(d).unwrap();
                }
            }
            buf.clear();
            buf.extend_from_slice(rec);
            buf[0..8].copy_from_slice(&(ts + shift).to_ne_bytes());
            // One record per batch: a little more work per event than the
            // kernel's 16 KiB batches.
            rows.push_batch(0, *kind, *cpu, &buf);
            events += 1;
        }
    }
    for d in rows.take_all() {
        tx.send(d).unwrap();
    }
    drop(tx);
    let poller = thread_cpu();
    let (m, writer_cpu) = wt.join().unwrap();
    let cpu = process_cpu() - cpu0;
    let sw = &m.tables["sched_switch"];
    let wk = &m.tables["sched_wakeup"];
    println!(
        "threads: poller {:.1} ns/event (incl. loading), writer {:.1} ns/event, {} page faults",
        poller.as_nanos() as f64 / events as f64,
        writer_cpu.as_nanos() as f64 / events as f64,
        faults() - flt0
    );
    println!(
        "replay: {events} events, {:.1} ns/event (incl. record copy), {:.3} B/switch, switch {} B, wakeup {} B",
        cpu.as_nanos() as f64 / events as f64,
        (sw.bytes + wk.bytes) as f64 / sw.rows as f64,
        sw.bytes,
        wk.bytes
    );
    if std::env::var("RETRACE_REPLAY_COLUMNS").is_ok() {
        for t in ["sched_switch", "sched_wakeup"] {
            let mut sizes: Vec<(String, i64, String)> = Vec::new();
            for e in std::fs::read_dir(out.join(t)).unwrap() {
                let p = e.unwrap().path();
                let r = parquet::file::serialized_reader::SerializedFileReader::new(
                    File::open(&p).unwrap(),
                )
                .unwrap();
                use parquet::file::reader::FileReader;
                for rg in r.metadata().row_groups() {
                    for (i, c) in rg.columns().iter().enumerate() {
                        if sizes.len() <= i {
                            sizes.push((
                                c.column_path().string(),
                                0,
                                format!("{:?}", c.encodings().collect::<Vec<_>>()),
                            ));
                        }
                        sizes[i].1 += c.compressed_size();
                    }
                }
            }
            for (name, bytes, enc) in sizes {
                println!(
                    "  {t}.{name}: {:.3} B/switch {enc}",
                    bytes as f64 / sw.rows as f64
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}
