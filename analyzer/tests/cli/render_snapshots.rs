//! Exact text: tools over a tiny capture written here, whose expected output is written
//! by hand, and every tool over the fixture against committed snapshots
//! (`tests/cli/snapshots/*.snap`; see `support::assert_snapshots` to review changes).

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, Int32Array, RecordBatch, StringArray, UInt32Array, UInt64Array};
use retrace_schema::manifest::{
    ClockPair, Filters, HostInfo, ProbeAttach, SourceState, SourceStatus,
};
use retrace_schema::tables::BLOCK_IO;
use retrace_schema::writer::{create_capture_dir, CaptureWriter, SegmentPolicy};
use retrace_schema::{Manifest, FORMAT_VERSION};

use crate::support::*;

const T0: u64 = 5_000_000_000_000;

/// A capture with only a `disk` source and these requests: (disk, issue offset ms,
/// latency us, queue us or none, bytes, rwbs, pid, comm).
type Req = (
    &'static str,
    u64,
    u64,
    Option<u64>,
    u32,
    &'static str,
    u32,
    &'static str,
);

fn tiny_capture(dir: &Path, reqs: &[Req]) {
    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        retrace_version: "test".into(),
        command_line: vec!["retrace-record".into()],
        host: HostInfo {
            hostname: "tiny".into(),
            kernel_release: "6.18".into(),
            boot_id: "b".into(),
            cpu_count: 1,
            arch: "x86_64".into(),
        },
        clock_start: ClockPair {
            monotonic_ns: T0,
            wall_ns: 1_700_000_000_000_000_000,
        },
        clock_end: Some(ClockPair {
            monotonic_ns: T0 + 10_000_000_000,
            wall_ns: 1_700_000_010_000_000_000,
        }),
        sources: vec![SourceStatus {
            name: "disk".into(),
            status: SourceState::Attached {
                probes: vec![ProbeAttach {
                    probe: "block_rq_issue".into(),
                    attach: "tp_btf".into(),
                }],
            },
            lost_events: 0,
        }],
        filters: Filters::default(),
        tables: Default::default(),
        command: None,
        ended_by: Some("duration".into()),
        recording: Default::default(),
        complete: false,
    };
    create_capture_dir(dir, true).unwrap();
    let mut w = CaptureWriter::create(
        dir,
        manifest,
        SegmentPolicy {
            max_age: None,
            max_bytes: None,
        },
    )
    .unwrap();
    let issue = |r: &Req| T0 + r.1 * 1_000_000;
    let cols: Vec<ArrayRef> = vec![
        Arc::new(
            reqs.iter()
                .map(|r| r.3.map(|q| issue(r) - q * 1000))
                .collect::<UInt64Array>(),
        ),
        Arc::new(UInt64Array::from_iter_values(reqs.iter().map(issue))),
        Arc::new(UInt64Array::from_iter_values(
            reqs.iter().map(|r| issue(r) + r.2 * 1000),
        )),
        Arc::new(UInt32Array::from_iter_values(reqs.iter().map(|_| 8))),
        Arc::new(UInt32Array::from_iter_values(reqs.iter().map(|r| {
            if r.0 == "sda" {
                0
            } else {
                16
            }
        }))),
        Arc::new(StringArray::from_iter_values(reqs.iter().map(|r| r.0))),
        Arc::new(UInt64Array::from_iter_values(
            reqs.iter().enumerate().map(|(i, _)| 1000 + i as u64 * 8),
        )),
        Arc::new(UInt32Array::from_iter_values(reqs.iter().map(|r| r.4))),
        Arc::new(StringArray::from_iter_values(reqs.iter().map(|r| r.5))),
        Arc::new(UInt32Array::from_iter_values(reqs.iter().map(|_| 0))),
        Arc::new(UInt32Array::from_iter_values(reqs.iter().map(|r| r.6))),
        Arc::new(UInt32Array::from_iter_values(reqs.iter().map(|r| r.6))),
        Arc::new(StringArray::from_iter_values(reqs.iter().map(|r| r.7))),
        Arc::new(Int32Array::from_iter_values(reqs.iter().map(|_| 0))),
    ];
    w.write(
        &BLOCK_IO,
        &RecordBatch::try_new(BLOCK_IO.schema(), cols).unwrap(),
    )
    .unwrap();
    w.finish().unwrap();
}

const TINY: &[Req] = &[
    ("sda", 100, 0, Some(3), 4096, "R", 10, "fio"),
    ("sda", 200, 1, None, 4096, "R", 10, "fio"),
    ("sda", 300, 2, Some(40), 4096, "R", 10, "fio"),
    ("sda", 400, 3, Some(1), 8192, "W", 11, "dd"),
    ("sda", 500, 4, None, 8192, "W", 11, "dd"),
    ("sdb", 600, 5, Some(2), 8192, "WS", 11, "dd"),
    ("sdb", 700, 7, None, 4096, "WS", 11, "dd"),
    ("sdb", 800, 8, Some(9), 1024, "R", 12, "cat"),
    ("sdb", 900, 100, None, 131072, "RA", 12, "cat"),
    ("sdb", 6000, 1000, None, 131072, "RA", 12, "cat"),
];

fn tiny() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    tiny_capture(tmp.path(), TINY);
    tmp
}

#[test]
fn biolatency_histogram_exact_text() {
    let cap = tiny();
    let out = ok(&["biolatency".as_ref(), cap.path().as_os_str()]);
    assert_eq!(
        out,
        "     usecs               : count    distribution
         0 -> 1          : 2        |**************************              |
         2 -> 3          : 2        |**************************              |
         4 -> 7          : 3        |****************************************|
         8 -> 15         : 1        |*************                           |
        16 -> 31         : 0        |                                        |
        32 -> 63         : 0        |                                        |
        64 -> 127        : 1        |*************                           |
       128 -> 255        : 0        |                                        |
       256 -> 511        : 0        |                                        |
       512 -> 1023       : 1        |*************                           |
"
    );
}

#[test]
fn biolatency_per_disk_and_interval_exact_text() {
    let cap = tiny();
    let out = ok(&[
        "biolatency".as_ref(),
        cap.path().as_os_str(),
        "-D".as_ref(),
        "--interval".as_ref(),
        "5".as_ref(),
    ]);
    assert_eq!(
        out,
        "22:13:25

disk = sda
     usecs               : count    distribution
         0 -> 1          : 2        |****************************************|
         2 -> 3          : 2        |****************************************|
         4 -> 7          : 1        |********************                    |

disk = sdb
     usecs               : count    distribution
         0 -> 1          : 0        |                                        |
         2 -> 3          : 0        |                                        |
         4 -> 7          : 2        |****************************************|
         8 -> 15         : 1        |********************                    |
        16 -> 31         : 0        |                                        |
        32 -> 63         : 0        |                                        |
        64 -> 127        : 1        |********************                    |

22:13:30

disk = sdb
     usecs               : count    distribution
         0 -> 1          : 0        |                                        |
         2 -> 3          : 0        |                                        |
         4 -> 7          : 0        |                                        |
         8 -> 15         : 0        |                                        |
        16 -> 31         : 0        |                                        |
        32 -> 63         : 0        |                                        |
        64 -> 127        : 0        |                                        |
       128 -> 255        : 0        |                                        |
       256 -> 511        : 0        |                                        |
       512 -> 1023       : 1        |****************************************|
"
    );
}

#[test]
fn bitesize_and_biosnoop_exact_text() {
    let cap = tiny();
    let out = ok(&[
        "bitesize".as_ref(),
        cap.path().as_os_str(),
        "-c".as_ref(),
        "dd".as_ref(),
    ]);
    assert_eq!(
        out,
        "Process Name = dd
     Kbytes              : count    distribution
         0 -> 1          : 0        |                                        |
         2 -> 3          : 0        |                                        |
         4 -> 7          : 1        |*************                           |
         8 -> 15         : 3        |****************************************|
"
    );
    let out = ok(&[
        "biosnoop".as_ref(),
        cap.path().as_os_str(),
        "-Q".as_ref(),
        "-p".as_ref(),
        "12".as_ref(),
    ]);
    assert_eq!(
        out,
        "TIME(s)     COMM           PID     DISK    T    SECTOR     BYTES   QUE(ms) LAT(ms)
0.800008    cat            12      sdb     R    1056       1024      0.009   0.008
0.900100    cat            12      sdb     RA   1064       131072        -   0.100
6.001000    cat            12      sdb     RA   1072       131072        -   1.000
"
    );
}

#[test]
fn biotop_and_biopattern_exact_text() {
    let cap = tiny();
    let out = ok(&["biotop".as_ref(), cap.path().as_os_str()]);
    assert_eq!(
        out,
        "PID     COMM             D MAJ MIN DISK       I/O  Kbytes  AVGms
12      cat              R 8   16  sdb          3     257   0.37
11      dd               W 8   0   sda          2      16   0.00
10      fio              R 8   0   sda          3      12   0.00
11      dd               W 8   16  sdb          2      12   0.01
"
    );
    let out = ok(&["biopattern".as_ref(), cap.path().as_os_str()]);
    assert_eq!(
        out,
        "DISK     %RND  %SEQ    COUNT     KBYTES
sda        25    75        4         24
sdb        75    25        4        261
"
    );
}

#[test]
fn tools_without_their_source_say_so() {
    let cap = tiny();
    let (code, err) = fails(&["execsnoop".as_ref(), cap.path().as_os_str()]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "retrace: execsnoop cannot run: this capture was recorded without source `proc` (record with --sources proc)\n"
    );
}

/// Every tool over the fixture, against a committed snapshot.
#[test]
fn fixture_outputs_match_snapshots() {
    let fx = fixture().to_string_lossy().into_owned();
    let cases: &[(&str, &[&str])] = &[
        ("info", &["info", &fx]),
        ("tools", &["tools", &fx]),
        ("biolatency", &["biolatency", &fx]),
        ("biolatency-D-m", &["biolatency", &fx, "-D", "-m"]),
        ("biolatency-F-Q", &["biolatency", &fx, "-F", "-Q"]),
        ("biosnoop-Q-vdb", &["biosnoop", &fx, "-Q", "-d", "vdb"]),
        ("biotop-interval", &["biotop", &fx, "--interval", "10"]),
        ("bitesize", &["bitesize", &fx]),
        ("iosched", &["iosched", &fx]),
        ("bioerr", &["bioerr", &fx]),
        ("seeksize", &["seeksize", &fx]),
        (
            "biopattern-interval",
            &["biopattern", &fx, "--interval", "5"],
        ),
        ("execsnoop-x-T", &["execsnoop", &fx, "-x", "-T"]),
        ("exitsnoop-T-t", &["exitsnoop", &fx, "-T", "-t"]),
    ];
    assert_snapshots(
        cases
            .iter()
            .map(|(name, args)| (*name, ok(args).replace(&fx, "fixtures/basic"))),
    );
}
