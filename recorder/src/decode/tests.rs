//! The two sides of the record contract checked against each other, without a
//! kernel: every catalog table decodes from its BPF object's BTF (each field its
//! origin names exists, with a usable type), every record has its kind, and the
//! constants the docs state are the ones the BPF side uses. Then records built
//! field by field from the BTF layout decode into the right columns.

use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Int32Type, UInt32Type, UInt64Type};
use retrace_schema::sources::sources;
use retrace_schema::tables::{
    tables_of_source, EXEC_ARGS_BYTES, EXEC_FILENAME_BYTES, EXEC_MAX_ARGS,
};

use super::layout::{ObjectLayouts, RecordLayout};
use super::plan::TableRows;
use super::Rows;
use crate::redact::Redact;

fn layouts(object: &str) -> ObjectLayouts {
    let bytes = retrace_recorder_bpf::object(object).unwrap_or_else(|| panic!("object {object}"));
    ObjectLayouts::of_object(object, bytes).unwrap()
}

#[test]
fn every_table_decodes_from_its_objects_btf() {
    let mut checked = 0;
    for def in sources() {
        let Some(object) = def.object else { continue };
        let l = layouts(object);
        for t in tables_of_source(def.name) {
            assert_eq!(t.source, def.name);
            let Some(record) = &t.record else { continue };
            l.kind(record)
                .unwrap_or_else(|e| panic!("{}: {e:#}", t.name));
            TableRows::new(Arc::new(t.clone()), &l).unwrap_or_else(|e| panic!("{}: {e:#}", t.name));
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} tables decoded from records");
}

/// The fast paths (columns copied in groups by type, record by record and batch
/// by batch) decode exactly what each column's general step decodes, for every
/// table and pseudo-random records.
#[test]
fn fast_paths_decode_what_the_general_steps_decode() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut random_byte = move || {
        // xorshift64: reproducible, no dependency.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as u8
    };
    let mut checked = 0;
    for def in sources() {
        let Some(object) = def.object else { continue };
        let l = layouts(object);
        for t in tables_of_source(def.name) {
            let Some(record) = &t.record else { continue };
            let size = l.record(record).unwrap().size;
            let table = Arc::new(t.clone());
            let mut fast = TableRows::new(table.clone(), &l).unwrap();
            let mut batched = TableRows::new(table.clone(), &l).unwrap();
            let mut general = TableRows::without_fast_paths(table, &l).unwrap();
            let mut cx = super::context::Context::new(Redact::default());
            let mut batch = Vec::new();
            for _ in 0..64 {
                let rec: Vec<u8> = (0..size).map(|_| random_byte()).collect();
                // Records with trailing frames need them present: both refuse alike.
                let a = fast.push(&rec, 3, &mut cx);
                let b = general.push(&rec, 3, &mut cx);
                assert_eq!(a, b, "{}", t.name);
                batch.extend_from_slice(&rec);
            }
            batched.push_batch(&batch, 3, &mut cx);
            let expected = general.finish();
            assert_eq!(fast.finish(), expected, "{}", t.name);
            assert_eq!(batched.finish(), expected, "{} in a batch", t.name);
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} tables compared");
}

#[test]
fn documented_bounds_are_the_bpf_sides() {
    let l = layouts("proc");
    let c = |n: &str| l.constants[n] as usize;
    assert_eq!(c("RT_EXEC_MAX_ARGS"), EXEC_MAX_ARGS);
    assert_eq!(c("RT_EXEC_ARGS_LEN"), EXEC_ARGS_BYTES);
    assert_eq!(c("RT_FILENAME_LEN"), EXEC_FILENAME_BYTES);
    let exec = l.record("rt_exec").unwrap();
    assert_eq!(exec.field("args").unwrap().len, Some(EXEC_ARGS_BYTES));
    assert_eq!(
        exec.field("filename").unwrap().len,
        Some(EXEC_FILENAME_BYTES)
    );
    assert_eq!(
        l.constants["RT_DEV_MINORBITS"], 20,
        "the kernel's MINORBITS"
    );
}

/// A record of `r`, zeroed, with fields set by name.
struct Rec<'a>(&'a RecordLayout, Vec<u8>);

impl<'a> Rec<'a> {
    fn new(r: &'a RecordLayout) -> Self {
        Rec(r, vec![0; r.size])
    }
    fn set(mut self, name: &str, v: i64) -> Self {
        let f = self.0.field(name).unwrap();
        self.1[f.offset..f.offset + f.size].copy_from_slice(&v.to_ne_bytes()[..f.size]);
        self
    }
    fn text(mut self, name: &str, s: &str) -> Self {
        let f = self.0.field(name).unwrap();
        self.1[f.offset..f.offset + s.len()].copy_from_slice(s.as_bytes());
        self
    }
}

#[test]
fn a_block_request_decodes_through_its_origins() {
    let l = layouts("disk");
    let r = l.record("rt_block_io").unwrap();
    let kind = l.kind("rt_block_io").unwrap() as i64;
    let rec = Rec::new(r)
        .set("kind", kind)
        .set("dev", (254 << 20) | 16)
        .set("ts_issue", 100)
        .set("ts_complete", 250)
        .set("bytes", 4096)
        .set("pid", 42)
        .set("status", 10) // BLK_STS_IOERR
        .text("rwbs", "WS")
        .text("comm", "fio");
    let mut rows = Rows::new(Redact::default());
    rows.add_source(3, tables_of_source("disk").map(|t| Arc::new(t.clone())), &l)
        .unwrap();
    assert_eq!(rows.push_record(3, &rec.1), 1);
    assert_eq!(rows.push_record(3, &rec.1[..10]), 0, "a short record");
    assert_eq!(rows.push_record(0, &rec.1), 0, "another source's kinds");
    assert_eq!((rows.events, rows.malformed), (1, 2));
    let out = rows.take_all();
    let b = &out.iter().find(|(t, _)| t.name == "block_io").unwrap().1;
    let u32s = |n: &str| {
        b.column_by_name(n)
            .unwrap()
            .as_primitive::<UInt32Type>()
            .value(0)
    };
    assert_eq!(
        (
            u32s("dev_major"),
            u32s("dev_minor"),
            u32s("bytes"),
            u32s("pid")
        ),
        (254, 16, 4096, 42)
    );
    let ins = b.column_by_name("ts_insert_ns").unwrap();
    assert!(ins.is_null(0), "ts_insert 0 is null");
    let err = b
        .column_by_name("error")
        .unwrap()
        .as_primitive::<Int32Type>()
        .value(0);
    assert_eq!(err, -libc::EIO);
    assert_eq!(
        b.column_by_name("rwbs")
            .unwrap()
            .as_string::<i32>()
            .value(0),
        "WS"
    );
    assert_eq!(
        b.column_by_name("comm")
            .unwrap()
            .as_string::<i32>()
            .value(0),
        "fio"
    );
}

#[test]
fn a_batch_is_split_into_rows_of_its_cpu() {
    let l = layouts("sched");
    let sw = l.record("rt_sched_switch").unwrap();
    let a = Rec::new(sw)
        .set("ts", 10)
        .set("prev_tid", 7)
        .set("prev_prio", -1)
        .text("prev_comm", "alpha");
    let b = Rec::new(sw)
        .set("ts", 20)
        .set("prev_tid", 8)
        .set("prev_prio", -1)
        .text("prev_comm", "beta");
    let h = l.record("rt_batch").unwrap();
    let head = Rec::new(h)
        .set("kind", l.kind("rt_batch").unwrap() as i64)
        .set("rec_kind", l.kind("rt_sched_switch").unwrap() as i64)
        .set("cpu", 3)
        .set("count", 2);
    let mut rec = head.1.clone();
    rec.extend_from_slice(&a.1);
    rec.extend_from_slice(&b.1);
    let mut rows = Rows::new(Redact::default());
    rows.add_source(
        0,
        tables_of_source("sched").map(|t| Arc::new(t.clone())),
        &l,
    )
    .unwrap();
    assert_eq!(rows.push_record(0, &rec), 2);
    rec.truncate(rec.len() - 1);
    assert_eq!(
        rows.push_record(0, &rec),
        0,
        "a short batch is malformed, not misread"
    );
    // Held batches come without a header, and unaligned.
    let w = l.record("rt_sched_wakeup").unwrap();
    let wk = Rec::new(w)
        .set("ts", 15)
        .set("tid", 9)
        .set("prio", 99)
        .set("is_new", 1);
    let mut held = vec![0u8];
    held.extend_from_slice(&wk.1);
    let wake_kind = l.kind("rt_sched_wakeup").unwrap();
    assert_eq!(rows.push_batch(0, wake_kind, 1, &held[1..]), 1);
    assert_eq!((rows.events, rows.malformed), (3, 1));
    let out = rows.take_all();
    let sw = &out
        .iter()
        .find(|(t, _)| t.name == "sched_switch")
        .unwrap()
        .1;
    let col = |n: &str| sw.column_by_name(n).unwrap().clone();
    assert_eq!(col("cpu").as_primitive::<UInt32Type>().values(), &[3, 3]);
    assert_eq!(
        col("prev_tid").as_primitive::<UInt32Type>().values(),
        &[7, 8]
    );
    assert_eq!(
        col("prev_prio").as_primitive::<Int32Type>().values(),
        &[-1, -1]
    );
    assert_eq!(
        col("ts_ns").as_primitive::<UInt64Type>().values(),
        &[10, 20]
    );
    assert_eq!(col("prev_comm").as_string::<i32>().value(1), "beta");
    let wk = &out
        .iter()
        .find(|(t, _)| t.name == "sched_wakeup")
        .unwrap()
        .1;
    assert_eq!(
        wk.column_by_name("cpu")
            .unwrap()
            .as_primitive::<UInt32Type>()
            .values(),
        &[1]
    );
    assert_eq!(
        wk.column_by_name("prio")
            .unwrap()
            .as_primitive::<Int32Type>()
            .values(),
        &[99]
    );
    assert!(wk.column_by_name("new").unwrap().as_boolean().value(0));
}

#[test]
fn softirq_names_come_from_the_kernel() {
    let names = super::context::softirq_names_of_kernel();
    if names.is_empty() {
        eprintln!("skipped: no kernel BTF at /sys/kernel/btf/vmlinux");
        return;
    }
    assert_eq!(&names[..4], ["hi", "timer", "net_tx", "net_rx"]);
    assert!(names.iter().any(|n| n == "rcu"));
}

/// Decode one record of `object`'s `record` through its source's tables; the
/// batch of the table it lands in.
fn decode_one(
    source: &str,
    object: &str,
    record: &str,
    build: impl FnOnce(Rec) -> Rec,
) -> arrow::array::RecordBatch {
    let l = layouts(object);
    let r = l.record(record).unwrap();
    let kind = l.kind(record).unwrap() as i64;
    let rec = build(Rec::new(r).set("kind", kind));
    let mut rows = Rows::new(Redact::default());
    rows.add_source(1, tables_of_source(source).map(|t| Arc::new(t.clone())), &l)
        .unwrap();
    assert_eq!(rows.push_record(1, &rec.1), 1, "{record} decodes");
    let table = record.strip_prefix("rt_").unwrap();
    rows.take_all()
        .into_iter()
        .find(|(t, _)| t.name == table)
        .unwrap()
        .1
}

fn text_of(b: &arrow::array::RecordBatch, col: &str) -> String {
    b.column_by_name(col)
        .unwrap()
        .as_string::<i32>()
        .value(0)
        .to_string()
}

#[test]
fn scsi_and_nvme_commands_decode_from_their_records() {
    // The SCSI and NVMe tracepoints are absent on the VM this project is tested
    // on: their records are checked here, built from the objects' BTF.
    let b = decode_one("scsi", "scsi", "rt_scsi_cmd", |r| {
        r.set("host_no", 2)
            .set("id", 1)
            .set("opcode", 0x2a)
            .set("driver_tag", 5)
            .set("result", 0x3_0000)
            .text("event", "done")
    });
    assert_eq!(text_of(&b, "event"), "done");
    assert_eq!(
        b.column_by_name("host_no")
            .unwrap()
            .as_primitive::<UInt32Type>()
            .value(0),
        2
    );
    assert_eq!(
        b.column_by_name("target")
            .unwrap()
            .as_primitive::<UInt32Type>()
            .value(0),
        1
    );
    assert_eq!(
        b.column_by_name("opcode")
            .unwrap()
            .as_primitive::<UInt32Type>()
            .value(0),
        0x2a
    );
    assert_eq!(
        b.column_by_name("driver_tag")
            .unwrap()
            .as_primitive::<Int32Type>()
            .value(0),
        5
    );
    assert_eq!(
        b.column_by_name("result")
            .unwrap()
            .as_primitive::<Int32Type>()
            .value(0),
        0x3_0000
    );
    let b = decode_one("nvme", "nvme", "rt_nvme_cmd", |r| {
        r.set("ctrl_id", 0)
            .set("qid", 3)
            .set("cid", 17)
            .set("status", 0x281)
            .set("result", 1 << 40)
            .text("event", "complete")
            .text("disk", "nvme0n1")
    });
    assert_eq!(text_of(&b, "disk"), "nvme0n1");
    assert_eq!(
        b.column_by_name("qid")
            .unwrap()
            .as_primitive::<Int32Type>()
            .value(0),
        3
    );
    assert_eq!(
        b.column_by_name("cid")
            .unwrap()
            .as_primitive::<UInt32Type>()
            .value(0),
        17
    );
    assert_eq!(
        b.column_by_name("status")
            .unwrap()
            .as_primitive::<UInt32Type>()
            .value(0),
        0x281
    );
    assert_eq!(
        b.column_by_name("result")
            .unwrap()
            .as_primitive::<UInt64Type>()
            .value(0),
        1 << 40
    );
}

#[test]
fn a_mapping_decodes_its_dentry_walk_into_a_path() {
    let slot = retrace_schema::tables::origin::DENTRY_SLOT;
    let b = decode_one("files", "files", "rt_file_mmap", |mut r| {
        let f = r.0.field("path").unwrap();
        for (i, name) in ["libc.so.6", "lib", "usr", "/"].iter().enumerate() {
            let at = f.offset + i * slot;
            r.1[at..at + name.len()].copy_from_slice(name.as_bytes());
        }
        r.set("ino", 1202)
    });
    assert_eq!(text_of(&b, "path"), "/usr/lib/libc.so.6");
}

#[test]
fn a_block_devices_own_pages_are_named_and_files_are_not() {
    // Any block device of this host: its dev_t as a bdev inode's number.
    let Some((major, minor, name)) = std::fs::read_dir("/sys/dev/block").ok().and_then(|d| {
        d.filter_map(Result::ok).find_map(|e| {
            let key = e.file_name().to_string_lossy().into_owned();
            let (ma, mi) = key.split_once(':')?;
            let link = std::fs::read_link(e.path()).ok()?;
            let name = link.file_name()?.to_string_lossy().into_owned();
            Some((ma.parse::<i64>().ok()?, mi.parse::<i64>().ok()?, name))
        })
    }) else {
        eprintln!("SKIP: this host has no block device");
        return;
    };
    let page = |sb_dev: i64, ino: i64| {
        decode_one("pagecache", "pagecache", "rt_page_cache", |r| {
            r.set("dev", sb_dev).set("ino", ino).text("event", "add")
        })
    };
    let dev_t = (major << 20) | minor;
    // The bdev pseudo file system's device: unnamed, and never mounted.
    let mounted = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let mounted_anon: Vec<i64> = mounted
        .lines()
        .filter_map(|l| {
            let (ma, mi) = l.split_whitespace().nth(2)?.split_once(':')?;
            (ma == "0").then(|| mi.parse::<i64>().ok()).flatten()
        })
        .collect();
    let bdev_sb = (1..).find(|m| !mounted_anon.contains(m)).unwrap();
    assert_eq!(text_of(&page(bdev_sb, dev_t), "bdev"), name, "a bdev inode");
    assert_eq!(
        text_of(&page((254 << 20) | 1, dev_t), "bdev"),
        "",
        "a file on a disk"
    );
    assert_eq!(
        text_of(&page(bdev_sb, 55), "bdev"),
        "",
        "a small inode number"
    );
    // `dirty` rows name no superblock (dev 0): never a block device's.
    assert_eq!(text_of(&page(0, dev_t), "bdev"), "", "no superblock");
    // An unnamed device that a mounted file system has (tmpfs, btrfs): not bdev's,
    // whatever its inode numbers.
    if let Some(minor) = mounted_anon.first() {
        assert_eq!(
            text_of(&page(*minor, dev_t), "bdev"),
            "",
            "mounted 0:{minor}"
        );
    }
}
