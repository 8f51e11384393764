//! The capture writer without BPF: rotation, the flight-recorder ring, snapshots,
//! abort after an error, and the reserve that makes the last manifest possible.
#![cfg(feature = "write")]

use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StringArray, UInt32Array, UInt64Array};
use retrace_schema::manifest::{ClockPair, Filters, HostInfo, Manifest};
use retrace_schema::tables::PROCESS_FORK;
use retrace_schema::writer::{create_capture_dir, CaptureWriter, SegmentPolicy};

fn manifest() -> Manifest {
    Manifest {
        format_version: retrace_schema::FORMAT_VERSION,
        retrace_version: "test".into(),
        command_line: vec![],
        host: HostInfo {
            hostname: "h".into(),
            kernel_release: "k".into(),
            boot_id: "b".into(),
            cpu_count: 1,
            arch: "x86_64".into(),
        },
        clock_start: ClockPair {
            monotonic_ns: 0,
            wall_ns: 0,
        },
        clock_end: None,
        sources: vec![],
        filters: Filters::default(),
        tables: Default::default(),
        command: None,
        ended_by: None,
        recording: Default::default(),
        complete: false,
    }
}

/// `n` fork rows starting at timestamp `t0`, in reverse time order.
fn forks(t0: u64, n: u64) -> RecordBatch {
    let ts: Vec<u64> = (0..n).rev().map(|i| t0 + i).collect();
    let ids: Vec<u32> = (0..n as u32).collect();
    let cols: Vec<ArrayRef> = vec![
        Arc::new(UInt64Array::from(ts)),
        Arc::new(UInt32Array::from(ids.clone())),
        Arc::new(UInt32Array::from(ids.clone())),
        Arc::new(UInt32Array::from(ids.clone())),
        Arc::new(UInt32Array::from(ids)),
        Arc::new(StringArray::from(vec!["x"; n as usize])),
    ];
    RecordBatch::try_new(PROCESS_FORK.schema(), cols).unwrap()
}

fn no_time_rotation() -> SegmentPolicy {
    SegmentPolicy {
        max_age: None,
        max_bytes: None,
    }
}

fn files(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn segments_are_whole_files_and_rows_are_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cap");
    create_capture_dir(&dir, false).unwrap();
    let mut w = CaptureWriter::create(&dir, manifest(), no_time_rotation()).unwrap();
    w.write(&PROCESS_FORK, &forks(100, 10)).unwrap();
    // While open, only the temp file exists and the manifest says incomplete.
    assert_eq!(
        files(&dir.join("process_fork")),
        vec![".000000.parquet.tmp"]
    );
    w.rotate().unwrap();
    w.write(&PROCESS_FORK, &forks(200, 5)).unwrap();
    let m = w.finish().unwrap();
    assert!(m.complete);
    assert_eq!(m.tables["process_fork"].rows, 15);
    assert_eq!(m.tables["process_fork"].segments, 2);
    assert_eq!(
        files(&dir.join("process_fork")),
        vec!["000000.parquet", "000001.parquet"]
    );
    assert!(
        !dir.join(".reserve").exists(),
        "the reserve is released at the end"
    );
    let on_disk = Manifest::read(&dir).unwrap();
    assert_eq!(on_disk, m);
}

#[test]
fn ring_keeps_the_newest_segments_within_its_size() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cap");
    create_capture_dir(&dir, false).unwrap();
    let mut w = CaptureWriter::create(&dir, manifest(), no_time_rotation()).unwrap();
    w.write(&PROCESS_FORK, &forks(0, 1000)).unwrap();
    w.rotate().unwrap();
    let one = w.manifest().tables["process_fork"].bytes;
    // Room for about two segments.
    w.set_ring_limit(one * 2 + one / 2);
    for i in 1..6 {
        w.write(&PROCESS_FORK, &forks(i * 10_000, 1000)).unwrap();
        w.rotate().unwrap();
    }
    let m = w.finish().unwrap();
    let ring = m.recording.ring.clone().unwrap();
    assert_eq!(
        files(&dir.join("process_fork")),
        vec!["000004.parquet", "000005.parquet"]
    );
    assert_eq!(m.tables["process_fork"].segments, 2);
    assert_eq!(m.tables["process_fork"].rows, 2000);
    assert_eq!(ring.dropped_segments, 4);
    assert_eq!(ring.dropped_rows, 4000);
    assert!(m.tables["process_fork"].bytes <= ring.max_bytes);
}

#[test]
fn snapshot_is_a_complete_capture_and_recording_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cap");
    create_capture_dir(&dir, false).unwrap();
    let mut w = CaptureWriter::create(&dir, manifest(), no_time_rotation()).unwrap();
    w.write(&PROCESS_FORK, &forks(0, 10)).unwrap();
    let snap = tmp.path().join("snap");
    let sm = w.snapshot(&snap).unwrap();
    assert!(sm.complete);
    assert_eq!(sm.tables["process_fork"].rows, 10);
    assert_eq!(Manifest::read(&snap).unwrap(), sm);
    w.write(&PROCESS_FORK, &forks(100, 7)).unwrap();
    let m = w.finish().unwrap();
    assert_eq!(m.tables["process_fork"].rows, 17);
    assert_eq!(files(&snap.join("process_fork")), vec!["000000.parquet"]);
}

#[test]
fn abort_keeps_closed_segments_and_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cap");
    create_capture_dir(&dir, false).unwrap();
    let mut w = CaptureWriter::create(&dir, manifest(), no_time_rotation()).unwrap();
    w.write(&PROCESS_FORK, &forks(0, 10)).unwrap();
    w.rotate().unwrap();
    w.write(&PROCESS_FORK, &forks(100, 10)).unwrap();
    let m = w.abort("disk full").unwrap();
    assert!(!m.complete);
    assert_eq!(m.ended_by.as_deref(), Some("error: disk full"));
    assert_eq!(m.tables["process_fork"].rows, 10);
    assert_eq!(files(&dir.join("process_fork")), vec!["000000.parquet"]);
    assert_eq!(Manifest::read(&dir).unwrap(), m);
}

#[test]
fn output_folder_is_private_and_never_a_symlink() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cap");
    create_capture_dir(&dir, false).unwrap();
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    std::fs::write(dir.join("x"), b"").unwrap();
    let err = create_capture_dir(&dir, false).unwrap_err().to_string();
    assert!(err.contains("not empty"), "{err}");
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&dir, &link).unwrap();
    let err = create_capture_dir(&link, true).unwrap_err().to_string();
    assert!(err.contains("symbolic link"), "{err}");
}

/// Fork rows with these timestamps; `parent_pid` numbers them in arrival order.
fn forks_at(ts: &[u64]) -> RecordBatch {
    let n = ts.len();
    let ids: Vec<u32> = (0..n as u32).collect();
    let cols: Vec<ArrayRef> = vec![
        Arc::new(UInt64Array::from(ts.to_vec())),
        Arc::new(UInt32Array::from(ids.clone())),
        Arc::new(UInt32Array::from(ids.clone())),
        Arc::new(UInt32Array::from(ids.clone())),
        Arc::new(UInt32Array::from(ids)),
        Arc::new(StringArray::from(vec!["x"; n])),
    ];
    RecordBatch::try_new(PROCESS_FORK.schema(), cols).unwrap()
}

/// (ts, arrival number) of every row of the capture's fork table, in file order.
fn read_forks(dir: &std::path::Path) -> Vec<(u64, u32)> {
    use arrow::array::AsArray;
    use arrow::datatypes::{UInt32Type, UInt64Type};
    let mut out = Vec::new();
    for f in files(&dir.join("process_fork")) {
        let file = std::fs::File::open(dir.join("process_fork").join(f)).unwrap();
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        for b in reader {
            let b = b.unwrap();
            let ts = b.column(0).as_primitive::<UInt64Type>();
            let id = b.column(1).as_primitive::<UInt32Type>();
            out.extend(ts.values().iter().copied().zip(id.values().iter().copied()));
        }
    }
    out
}

#[test]
fn rows_are_written_in_time_order_ties_in_arrival_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cap");
    create_capture_dir(&dir, false).unwrap();
    let mut w = CaptureWriter::create(&dir, manifest(), no_time_rotation()).unwrap();
    // Sorted runs, as the per-CPU rings deliver them, with a tie across runs.
    w.write(&PROCESS_FORK, &forks_at(&[10, 20, 30, 5, 15, 20, 40, 1]))
        .unwrap();
    // Already sorted: written as it is.
    w.write(&PROCESS_FORK, &forks_at(&[50, 60, 60, 70]))
        .unwrap();
    w.finish().unwrap();
    assert_eq!(
        read_forks(&dir),
        [
            (1, 7),
            (5, 3),
            (10, 0),
            (15, 4),
            (20, 1),
            (20, 5),
            (30, 2),
            (40, 6),
            (50, 0),
            (60, 1),
            (60, 2),
            (70, 3)
        ]
    );
}
