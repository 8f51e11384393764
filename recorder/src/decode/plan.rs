//! One table's decoding, compiled from its declaration and its record's layout: a
//! list of steps, one per column, each reading a field through the decoder its
//! [`Origin`] names. Compiled once when a source starts; run for every record.

use std::sync::Arc;

use anyhow::{bail, Context as _, Result};
use arrow::array::RecordBatch;
use arrow::buffer::NullBuffer;
use retrace_schema::tables::{ColType, Origin, Table};

use super::buffers::Buf;
use super::context::Context;
use super::layout::{FieldLayout, ObjectLayouts, RecordLayout};

/// How one column's value is made from a record.
#[derive(Debug, Clone, Copy)]
enum Step {
    Int(FieldLayout),
    NonZero(FieldLayout),
    CStr(FieldLayout),
    Path(FieldLayout),
    Argv {
        args: FieldLayout,
        count: FieldLayout,
        size: FieldLayout,
    },
    DevMajor(FieldLayout),
    DevMinor(FieldLayout),
    DiskName(FieldLayout),
    BlkErrno(FieldLayout),
    WaitCode(FieldLayout),
    WaitSignal(FieldLayout),
    WaitCore(FieldLayout),
    BatchCpu,
    StackId {
        id: FieldLayout,
        user: bool,
        pid: FieldLayout,
    },
    TrailingStack {
        count: FieldLayout,
        user: bool,
        pid: FieldLayout,
    },
    SoftirqName(FieldLayout),
    PmcCounter(FieldLayout),
    /// Filled by user space in rows of its own; decoded rows hold the type's zero.
    Host,
}

/// An integer field, sign- or zero-extended. The record was checked to be at least
/// as long as its struct, so the field is in bounds.
#[inline]
fn int(rec: &[u8], f: FieldLayout) -> i64 {
    let b = &rec[f.offset..f.offset + f.size];
    match (f.size, f.signed) {
        (1, false) => i64::from(b[0]),
        (1, true) => i64::from(b[0] as i8),
        (2, false) => i64::from(u16::from_ne_bytes([b[0], b[1]])),
        (2, true) => i64::from(i16::from_ne_bytes([b[0], b[1]])),
        (4, false) => i64::from(u32::from_ne_bytes(b.try_into().expect("4 bytes"))),
        (4, true) => i64::from(i32::from_ne_bytes(b.try_into().expect("4 bytes"))),
        _ => i64::from_ne_bytes(b[..8].try_into().expect("8 bytes")),
    }
}

#[inline]
fn bytes(rec: &[u8], f: FieldLayout) -> &[u8] {
    &rec[f.offset..f.offset + f.size * f.len.unwrap_or(1)]
}

/// Rows of one table decoded from records.
pub struct TableRows {
    pub table: Arc<Table>,
    /// Bytes a record must have at least (its struct).
    record_size: usize,
    steps: Vec<Step>,
    bufs: Vec<Buf>,
    /// Validity of the nullable columns (None for the others).
    valid: Vec<Option<Vec<bool>>>,
    pub rows: usize,
    /// Bytes taken so far, about (declared row size, plus variable parts).
    pub bytes: usize,
    minor_bits: u32,
    /// The declared row size (computed once: this is the hot path).
    row_bytes: usize,
    /// Whether any column reads frames after the record.
    trailing: bool,
    /// Whether any column is nullable.
    nullable: bool,
}

impl TableRows {
    /// Compile the decoding of `table` from its record in `layouts`.
    pub fn new(table: Arc<Table>, layouts: &ObjectLayouts) -> Result<Self> {
        let record_name = table
            .record
            .as_deref()
            .with_context(|| format!("table {} is not decoded from a BPF record", table.name))?;
        let record = layouts.record(record_name)?;
        let minor_bits = layouts
            .constants
            .get("RT_DEV_MINORBITS")
            .map_or(0, |&v| v as u32);
        let mut steps = Vec::new();
        for c in table.columns.iter() {
            let step = step(&c.origin, c.ty, record, minor_bits)
                .with_context(|| format!("column {}.{}", table.name, c.name))?;
            steps.push(step);
        }
        let trailing = steps
            .iter()
            .any(|s| matches!(s, Step::TrailingStack { .. }));
        Ok(TableRows {
            row_bytes: table.row_bytes(),
            trailing,
            nullable: table.columns.iter().any(|c| c.nullable),
            bufs: table.columns.iter().map(|c| Buf::new(c.ty)).collect(),
            valid: table
                .columns
                .iter()
                .map(|c| c.nullable.then(Vec::new))
                .collect(),
            record_size: record.size,
            steps,
            rows: 0,
            bytes: 0,
            minor_bits,
            table,
        })
    }

    /// Bytes of one record (its struct).
    pub fn record_size(&self) -> usize {
        self.record_size
    }

    /// Decode one record recorded on `cpu`; false (and nothing added) when it is
    /// shorter than its struct or its trailing data.
    pub fn push(&mut self, rec: &[u8], cpu: u32, cx: &mut Context) -> bool {
        if rec.len() < self.record_size {
            return false;
        }
        // Trailing stacks: every frame count must fit before anything is added.
        if self.trailing {
            let mut trailing = 0usize;
            for s in &self.steps {
                if let Step::TrailingStack { count, .. } = s {
                    trailing += int(rec, *count).max(0) as usize * 8;
                }
            }
            if rec.len() < self.record_size + trailing {
                return false;
            }
        }
        let mut cursor = self.record_size;
        let mut extra = 0;
        for (i, s) in self.steps.iter().enumerate() {
            let buf = &mut self.bufs[i];
            let mut valid = true;
            match *s {
                Step::Int(f) => buf.push_int(int(rec, f)),
                Step::NonZero(f) => {
                    let v = int(rec, f);
                    valid = v != 0;
                    buf.push_int(v);
                }
                Step::CStr(f) => buf.push_c(bytes(rec, f)),
                Step::Path(f) => {
                    let text = c_text(bytes(rec, f));
                    buf.push_str(&cx.redact.path(&text));
                }
                Step::Argv { args, count, size } => {
                    let raw = bytes(rec, args);
                    let used = (int(rec, size).max(0) as usize).min(raw.len());
                    let n = int(rec, count).max(0) as usize;
                    let list = buf.str_list().expect("argv columns are lists of strings");
                    for (i, arg) in raw[..used].split(|&c| c == 0).take(n).enumerate() {
                        let arg = String::from_utf8_lossy(arg);
                        let kept = if i == 0 {
                            cx.redact.path(&arg)
                        } else {
                            cx.redact.arg(&arg)
                        };
                        list.values().append_value(kept);
                    }
                    list.append(true);
                    extra += used;
                }
                Step::DevMajor(f) => buf.push_int(int(rec, f) >> self.minor_bits),
                Step::DevMinor(f) => buf.push_int(int(rec, f) & ((1 << self.minor_bits) - 1)),
                Step::DiskName(f) => {
                    let dev = int(rec, f);
                    let (major, minor) =
                        (dev >> self.minor_bits, dev & ((1 << self.minor_bits) - 1));
                    buf.push_str(cx.disks.name(major as u32, minor as u32));
                }
                Step::BlkErrno(f) => buf.push_int(i64::from(blk_status_errno(int(rec, f) as i32))),
                // A wait status, as waitpid() reports it (the kernel's exit_code).
                Step::WaitCode(f) => buf.push_int(i64::from(libc::WEXITSTATUS(int(rec, f) as i32))),
                Step::WaitSignal(f) => buf.push_int(i64::from(wait_signal(int(rec, f) as i32))),
                Step::WaitCore(f) => buf.push_int(i64::from(libc::WCOREDUMP(int(rec, f) as i32))),
                Step::BatchCpu => buf.push_int(i64::from(cpu)),
                Step::StackId { id, user, pid } => {
                    let id =
                        cx.stacks
                            .resolve(cx.src, int(rec, id) as i32, user, int(rec, pid) as u32);
                    buf.push_int(i64::from(id));
                }
                Step::TrailingStack { count, user, pid } => {
                    let n = int(rec, count).max(0) as usize;
                    let frames: Vec<u64> = rec[cursor..cursor + n * 8]
                        .chunks_exact(8)
                        .map(|c| u64::from_ne_bytes(c.try_into().expect("8 bytes")))
                        .collect();
                    cursor += n * 8;
                    let id = cx.stacks.intern_frames(&frames, user, int(rec, pid) as u32);
                    buf.push_int(i64::from(id));
                }
                Step::SoftirqName(f) => {
                    let v = int(rec, f);
                    match cx.softirq_names().get(v as usize) {
                        Some(n) => buf.push_str(n),
                        None => buf.push_str(&format!("vec{v}")),
                    }
                }
                Step::PmcCounter(f) => {
                    let v = int(rec, f);
                    match cx.pmc_counters.get(v as usize) {
                        Some(n) => buf.push_str(n),
                        None => buf.push_str(&format!("counter{v}")),
                    }
                }
                Step::Host => buf.push_default(),
            }
            if self.nullable {
                if let Some(vs) = &mut self.valid[i] {
                    vs.push(valid);
                }
            }
        }
        self.rows += 1;
        self.bytes += self.row_bytes + extra;
        true
    }

    /// The rows so far as a batch, and start empty again.
    pub fn finish(&mut self) -> RecordBatch {
        let cols = self
            .bufs
            .iter_mut()
            .zip(&mut self.valid)
            .map(|(b, v)| b.finish(v.as_mut().map(|v| NullBuffer::from(std::mem::take(v)))))
            .collect();
        self.rows = 0;
        self.bytes = 0;
        RecordBatch::try_new(self.table.schema(), cols)
            .expect("buffers are made from the table's columns")
    }
}

/// The signal that ended a task, 0 when it exited (WTERMSIG, which libc defines
/// only for a signalled status).
fn wait_signal(status: i32) -> i32 {
    if libc::WIFSIGNALED(status) {
        libc::WTERMSIG(status)
    } else {
        0
    }
}

/// Text up to the first NUL, repaired if it is not UTF-8.
fn c_text(raw: &[u8]) -> String {
    let end = raw.iter().position(|&c| c == 0).unwrap_or(raw.len());
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

fn step(origin: &Origin, ty: ColType, r: &RecordLayout, minor_bits: u32) -> Result<Step> {
    let scalar = |name: &str| -> Result<FieldLayout> {
        let f = r.field(name)?;
        if f.len.is_some() || !matches!(f.size, 1 | 2 | 4 | 8) {
            bail!("field {name} of struct {} is not an integer", r.name);
        }
        Ok(f)
    };
    let chars = |name: &str| -> Result<FieldLayout> {
        let f = r.field(name)?;
        if f.len.is_none() || f.size != 1 {
            bail!("field {name} of struct {} is not a char array", r.name);
        }
        Ok(f)
    };
    let want = |ok: bool, what: &str| -> Result<()> {
        if ok {
            Ok(())
        } else {
            bail!(
                "a {what} origin needs another column type than {}",
                ty.doc_name()
            )
        }
    };
    let numeric = matches!(
        ty,
        ColType::U32 | ColType::U64 | ColType::I32 | ColType::I64 | ColType::Bool
    );
    let text = ty == ColType::Str;
    let dev = |f: &str| -> Result<FieldLayout> {
        if minor_bits == 0 {
            bail!("the BPF object defines no RT_DEV_MINORBITS");
        }
        scalar(f)
    };
    Ok(match origin {
        Origin::Field(f) => {
            want(numeric, "field")?;
            Step::Int(scalar(f)?)
        }
        Origin::NonZero(f) => {
            want(numeric, "nonzero")?;
            Step::NonZero(scalar(f)?)
        }
        Origin::CStr(f) => {
            want(text, "C string")?;
            Step::CStr(chars(f)?)
        }
        Origin::Path(f) => {
            want(text, "path")?;
            Step::Path(chars(f)?)
        }
        Origin::Argv { args, count, size } => {
            want(ty == ColType::StrList, "argv")?;
            Step::Argv {
                args: chars(args)?,
                count: scalar(count)?,
                size: scalar(size)?,
            }
        }
        Origin::DevMajor(f) => Step::DevMajor(dev(f)?),
        Origin::DevMinor(f) => Step::DevMinor(dev(f)?),
        Origin::DiskName(f) => {
            want(text, "disk name")?;
            Step::DiskName(dev(f)?)
        }
        Origin::BlkErrno(f) => Step::BlkErrno(scalar(f)?),
        Origin::WaitCode(f) => Step::WaitCode(scalar(f)?),
        Origin::WaitSignal(f) => Step::WaitSignal(scalar(f)?),
        Origin::WaitCore(f) => Step::WaitCore(scalar(f)?),
        Origin::BatchCpu => Step::BatchCpu,
        Origin::StackId { field, user } => Step::StackId {
            id: scalar(field)?,
            user: *user,
            pid: scalar("pid")?,
        },
        Origin::TrailingStack { count, user } => Step::TrailingStack {
            count: scalar(count)?,
            user: *user,
            pid: scalar("pid")?,
        },
        Origin::SoftirqName(f) => {
            want(text, "softirq name")?;
            Step::SoftirqName(scalar(f)?)
        }
        Origin::PmcCounter(f) => {
            want(text, "counter name")?;
            Step::PmcCounter(scalar(f)?)
        }
        Origin::Host(_) => Step::Host,
    })
}

/// Kernel block status (blk_status_t) to the negative errno the kernel reports for
/// it (blk_status_to_errno), for the status codes of Linux 5.x and 6.x.
pub fn blk_status_errno(status: i32) -> i32 {
    let errno = match status {
        0 => 0,
        1 => libc::EOPNOTSUPP,
        2 => libc::ETIMEDOUT,
        3 => libc::ENOSPC,
        4 => libc::ENOLINK,
        5 => libc::EREMOTEIO,
        6 => libc::EBADE,
        7 => libc::ENODATA,
        8 => libc::EILSEQ,
        9 => libc::ENOMEM,
        10 => libc::EIO,
        11 => libc::EREMCHG,
        12 => libc::EAGAIN,
        13 => libc::EBUSY,
        14 => libc::ETOOMANYREFS,
        15 => libc::EOVERFLOW,
        16 => libc::ENODEV,
        17 => libc::ETIME,
        _ => libc::EIO,
    };
    -errno
}
