//! One table's decoding, compiled from its declaration and its record's layout: a
//! list of steps, one per column, each reading a field through the decoder its
//! [`Origin`] names. Compiled once when a source starts; run for every record.

use std::marker::PhantomData;
use std::sync::Arc;

use anyhow::{bail, Context as _, Result};
use arrow::array::{ArrayRef, RecordBatch};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{ArrowPrimitiveType, Int32Type, Int64Type, UInt32Type, UInt64Type};
use retrace_schema::tables::{ColType, Origin, Table};

use super::buffers::Buf;
use super::context::Context;
use super::layout::{FieldLayout, ObjectLayouts, RecordLayout};
use crate::columns::{BoolCol, Col, StrCol, U32Col};

/// How one column's value is made from a record.
#[derive(Debug, Clone, Copy)]
enum Step {
    Int(FieldLayout),
    NonZero(FieldLayout),
    CStr(FieldLayout),
    Path(FieldLayout),
    DentryPath(FieldLayout),
    InetAddr {
        family: FieldLayout,
        addr: FieldLayout,
    },
    Argv {
        args: FieldLayout,
        count: FieldLayout,
        size: FieldLayout,
    },
    DevMajor(FieldLayout),
    DevMinor(FieldLayout),
    DiskName(FieldLayout),
    BdevName {
        dev: FieldLayout,
        ino: FieldLayout,
    },
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

/// An integer type a field can be copied into as is (same width).
trait Native: Copy {
    fn read(rec: &[u8], offset: usize) -> Self;
}

macro_rules! native {
    ($($t:ty),*) => {$(
        impl Native for $t {
            #[inline(always)]
            fn read(rec: &[u8], offset: usize) -> Self {
                let n = std::mem::size_of::<$t>();
                <$t>::from_ne_bytes(rec[offset..offset + n].try_into().expect("in bounds"))
            }
        }
    )*};
}
native!(u8, u16, i16, u32, i32, u64, i64);

/// Columns that are copies of integer fields read as `S` (a field as wide as the
/// column, or a narrower one widened), all into columns of one type `T`. The common
/// columns are decoded in tight loops of one kind each, not through a match per
/// column: this is the recorder's hot path, and an unpredictable jump per column is
/// what an interpreter of steps would cost on every row.
struct Copies<S, T: ArrowPrimitiveType>(Vec<(usize, usize, Col<T>)>, PhantomData<S>);

impl<S: Native + Into<T::Native>, T: ArrowPrimitiveType> Copies<S, T> {
    fn add(&mut self, index: usize, offset: usize) {
        self.0.push((index, offset, Col::default()));
    }

    #[inline(always)]
    fn push(&mut self, rec: &[u8]) {
        for (_, offset, col) in &mut self.0 {
            col.append_value(S::read(rec, *offset).into());
        }
    }

    /// Records of `size` bytes back to back, column by column.
    fn push_many(&mut self, data: &[u8], size: usize) {
        for (_, offset, col) in &mut self.0 {
            for rec in data.chunks_exact(size) {
                col.append_value(S::read(rec, *offset).into());
            }
        }
    }

    fn finish(&mut self, out: &mut [Option<ArrayRef>]) {
        for (index, _, col) in &mut self.0 {
            out[*index] = Some(Arc::new(col.finish()));
        }
    }
}

impl<S, T: ArrowPrimitiveType> Default for Copies<S, T> {
    fn default() -> Self {
        Copies(Vec::new(), PhantomData)
    }
}

/// The copy groups of a table, by field width and column type: one list, from
/// which the struct and its loops over every group are made.
macro_rules! copy_groups {
    ($($group:ident: $src:ty => $col:ty),* $(,)?) => {
        #[derive(Default)]
        struct CopyGroups {
            $($group: Copies<$src, $col>,)*
            /// Flags: a u8 field, true when not 0.
            bools: Vec<(usize, usize, BoolCol)>,
        }

        impl CopyGroups {
            #[inline(always)]
            fn push(&mut self, rec: &[u8]) {
                $(self.$group.push(rec);)*
                for (_, offset, col) in &mut self.bools {
                    col.append_value(rec[*offset] != 0);
                }
            }

            fn push_many(&mut self, data: &[u8], size: usize) {
                $(self.$group.push_many(data, size);)*
                for (_, offset, col) in &mut self.bools {
                    for rec in data.chunks_exact(size) {
                        col.append_value(rec[*offset] != 0);
                    }
                }
            }

            fn finish(&mut self, out: &mut [Option<ArrayRef>]) {
                $(self.$group.finish(out);)*
                for (index, _, col) in &mut self.bools {
                    out[*index] = Some(Arc::new(col.finish()));
                }
            }
        }
    };
}

copy_groups! {
    u32s: u32 => UInt32Type,
    i32s: i32 => Int32Type,
    u64s: u64 => UInt64Type,
    i64s: i64 => Int64Type,
    u32_from_u16: u16 => UInt32Type,
    u32_from_u8: u8 => UInt32Type,
    i32_from_i16: i16 => Int32Type,
    u64_from_u32: u32 => UInt64Type,
    i64_from_i32: i32 => Int64Type,
}

impl CopyGroups {
    /// Take column `index` when one of the groups copies `f` into a `ty` column.
    fn add(&mut self, index: usize, f: FieldLayout, ty: ColType) -> bool {
        let o = f.offset;
        match (ty, f.size, f.signed) {
            (ColType::U32, 4, _) => self.u32s.add(index, o),
            (ColType::I32, 4, _) => self.i32s.add(index, o),
            (ColType::U64, 8, _) => self.u64s.add(index, o),
            (ColType::I64, 8, _) => self.i64s.add(index, o),
            (ColType::U32, 2, false) => self.u32_from_u16.add(index, o),
            (ColType::U32, 1, false) => self.u32_from_u8.add(index, o),
            (ColType::I32, 2, true) => self.i32_from_i16.add(index, o),
            (ColType::U64, 4, false) => self.u64_from_u32.add(index, o),
            (ColType::I64, 4, true) => self.i64_from_i32.add(index, o),
            (ColType::Bool, 1, _) => self.bools.push((index, o, BoolCol::default())),
            _ => return false,
        }
        true
    }
}

/// A column decoded by any other step, into the buffer of its type.
struct Decoded {
    index: usize,
    step: Step,
    buf: Buf,
    /// Validity, for a nullable column.
    valid: Option<Vec<bool>>,
}

/// Rows of one table decoded from records.
pub struct TableRows {
    pub table: Arc<Table>,
    /// Bytes a record must have at least (its struct).
    record_size: usize,
    /// Integer fields copied into their columns.
    copies: CopyGroups,
    /// C strings (command names): (column, field, values).
    cstrs: Vec<(usize, FieldLayout, StrCol)>,
    /// The batch's CPU: (column, values).
    cpus: Vec<(usize, U32Col)>,
    /// The other columns, in column order (trailing stacks are read in turn).
    decoded: Vec<Decoded>,
    columns: usize,
    pub rows: usize,
    /// Bytes taken so far, about (declared row size, plus variable parts).
    pub bytes: usize,
    minor_bits: u32,
    /// The declared row size (computed once: this is the hot path).
    row_bytes: usize,
    /// The frame counts of the columns that read frames after the record.
    trailing: Vec<FieldLayout>,
}

/// What a step needs besides the record and its buffer.
struct StepInput<'a> {
    cpu: u32,
    minor_bits: u32,
    cx: &'a mut Context,
    /// Where the next trailing frames start.
    cursor: usize,
    /// Variable-size bytes taken (argv), for the batch size estimate.
    extra: usize,
}

impl TableRows {
    /// Compile the decoding of `table` from its record in `layouts`.
    pub fn new(table: Arc<Table>, layouts: &ObjectLayouts) -> Result<Self> {
        Self::compile(table, layouts, true)
    }

    /// The same decoding with every column through its general step: the reference
    /// the fast paths are tested against.
    #[cfg(test)]
    pub fn without_fast_paths(table: Arc<Table>, layouts: &ObjectLayouts) -> Result<Self> {
        Self::compile(table, layouts, false)
    }

    fn compile(table: Arc<Table>, layouts: &ObjectLayouts, fast: bool) -> Result<Self> {
        let record_name = table
            .record
            .as_deref()
            .with_context(|| format!("table {} is not decoded from a BPF record", table.name))?;
        let record = layouts.record(record_name)?;
        let minor_bits = layouts
            .constants
            .get("RT_DEV_MINORBITS")
            .map_or(0, |&v| v as u32);
        let mut rows = TableRows {
            row_bytes: table.row_bytes(),
            trailing: Vec::new(),
            record_size: record.size,
            copies: CopyGroups::default(),
            cstrs: Vec::new(),
            cpus: Vec::new(),
            decoded: Vec::new(),
            columns: table.columns.len(),
            rows: 0,
            bytes: 0,
            minor_bits,
            table: table.clone(),
        };
        for (index, c) in table.columns.iter().enumerate() {
            let step = step(&c.origin, c.ty, record, minor_bits)
                .with_context(|| format!("column {}.{}", table.name, c.name))?;
            rows.add(index, step, c.ty, c.nullable, fast);
        }
        Ok(rows)
    }

    /// Put column `index` in the group that decodes it fastest (with `fast`).
    fn add(&mut self, index: usize, step: Step, ty: ColType, nullable: bool, fast: bool) {
        let fast = fast && !nullable;
        let copied = match step {
            Step::Int(f) if fast => self.copies.add(index, f, ty),
            _ => false,
        };
        match (step, ty) {
            _ if copied => {}
            (Step::CStr(f), ColType::Str) if fast => self.cstrs.push((index, f, StrCol::default())),
            (Step::BatchCpu, ColType::U32) if fast => self.cpus.push((index, U32Col::default())),
            (step, ty) => {
                if let Step::TrailingStack { count, .. } = step {
                    self.trailing.push(count);
                }
                self.decoded.push(Decoded {
                    index,
                    step,
                    buf: Buf::new(ty),
                    valid: nullable.then(Vec::new),
                });
            }
        }
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
        if !self.trailing.is_empty() {
            let frames: usize = self
                .trailing
                .iter()
                .map(|&count| int(rec, count).max(0) as usize * 8)
                .sum();
            if rec.len() < self.record_size + frames {
                return false;
            }
        }
        self.copies.push(rec);
        for (_, field, col) in &mut self.cstrs {
            col.append_c(bytes(rec, *field));
        }
        for (_, col) in &mut self.cpus {
            col.append_value(cpu);
        }
        let mut extra = 0;
        if !self.decoded.is_empty() {
            let mut input = StepInput {
                cpu,
                minor_bits: self.minor_bits,
                cx,
                cursor: self.record_size,
                extra: 0,
            };
            for d in &mut self.decoded {
                let ok = run_step(d.step, rec, &mut d.buf, &mut input);
                if let Some(vs) = &mut d.valid {
                    vs.push(ok);
                }
            }
            extra = input.extra;
        }
        self.rows += 1;
        self.bytes += self.row_bytes + extra;
        true
    }

    /// Decode the records of a batch: `data` holds whole records of this table
    /// back to back, all recorded on `cpu`. Column by column where the columns are
    /// copies (each loop stays in one buffer), row by row for the others.
    pub fn push_batch(&mut self, data: &[u8], cpu: u32, cx: &mut Context) {
        let size = self.record_size;
        if !self.trailing.is_empty() {
            // Records with trailing frames differ in size; batches never hold them.
            for rec in data.chunks_exact(size) {
                self.push(rec, cpu, cx);
            }
            return;
        }
        let n = data.len() / size;
        self.copies.push_many(data, size);
        for (_, field, col) in &mut self.cstrs {
            for rec in data.chunks_exact(size) {
                col.append_c(bytes(rec, *field));
            }
        }
        for (_, col) in &mut self.cpus {
            for _ in 0..n {
                col.append_value(cpu);
            }
        }
        let mut input = StepInput {
            cpu,
            minor_bits: self.minor_bits,
            cx,
            cursor: size,
            extra: 0,
        };
        if !self.decoded.is_empty() {
            for rec in data.chunks_exact(size) {
                for d in &mut self.decoded {
                    input.cursor = size;
                    let ok = run_step(d.step, rec, &mut d.buf, &mut input);
                    if let Some(vs) = &mut d.valid {
                        vs.push(ok);
                    }
                }
            }
        }
        self.rows += n;
        self.bytes += n * self.row_bytes + input.extra;
    }

    /// The rows so far as a batch, and start empty again.
    pub fn finish(&mut self) -> RecordBatch {
        let mut out: Vec<Option<ArrayRef>> = vec![None; self.columns];
        self.copies.finish(&mut out);
        for (index, _, col) in &mut self.cstrs {
            out[*index] = Some(Arc::new(col.finish()));
        }
        for (index, col) in &mut self.cpus {
            out[*index] = Some(Arc::new(col.finish()));
        }
        for d in &mut self.decoded {
            let nulls = d
                .valid
                .as_mut()
                .map(|v| NullBuffer::from(std::mem::take(v)));
            out[d.index] = Some(d.buf.finish(nulls));
        }
        let cols = out
            .into_iter()
            .map(|c| c.expect("every column is in one group"))
            .collect();
        self.rows = 0;
        self.bytes = 0;
        RecordBatch::try_new(self.table.schema(), cols)
            .expect("buffers are made from the table's columns")
    }
}

/// Decode one column of `rec` into `buf` by a step without a fast path. Returns
/// whether the value is valid (false: null).
fn run_step(s: Step, rec: &[u8], buf: &mut Buf, input: &mut StepInput) -> bool {
    let minor_bits = input.minor_bits;
    let cx = &mut *input.cx;
    match s {
        Step::Int(f) => buf.push_int(int(rec, f)),
        Step::NonZero(f) => {
            let v = int(rec, f);
            buf.push_int(v);
            return v != 0;
        }
        Step::CStr(f) => buf.push_c(bytes(rec, f)),
        Step::Path(f) => {
            let text = c_text(bytes(rec, f));
            buf.push_str(&cx.redact.path(&text));
        }
        Step::DentryPath(f) => {
            let text = retrace_schema::tables::origin::join_dentry_path(bytes(rec, f));
            buf.push_str(&cx.redact.path(&text));
        }
        Step::InetAddr { family, addr } => {
            match retrace_schema::tables::origin::inet_addr_text(int(rec, family), bytes(rec, addr))
            {
                Some(text) => buf.push_str(&text),
                None => {
                    buf.push_default();
                    return false;
                }
            }
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
            input.extra += used;
        }
        Step::DevMajor(f) => buf.push_int(int(rec, f) >> minor_bits),
        Step::DevMinor(f) => buf.push_int(int(rec, f) & ((1 << minor_bits) - 1)),
        Step::DiskName(f) => {
            let dev = int(rec, f);
            let (major, minor) = (dev >> minor_bits, dev & ((1 << minor_bits) - 1));
            buf.push_str(cx.disks.name(major as u32, minor as u32));
        }
        Step::BdevName { dev, ino } => {
            // A bdev inode: its superblock is an unnamed device (major 0; not 0:0,
            // which `dirty` rows carry for "unknown") that no mounted file system
            // has (tmpfs, btrfs and overlay are mounted), and its number, read as a
            // dev_t, is a block device of this host.
            let sb = int(rec, dev);
            let (sb_major, sb_minor) = (sb >> minor_bits, sb & ((1 << minor_bits) - 1));
            let ino = int(rec, ino);
            let (major, minor) = (ino >> minor_bits, ino & ((1 << minor_bits) - 1));
            let name = match (u32::try_from(major), u32::try_from(minor)) {
                (Ok(major), Ok(minor))
                    if sb_major == 0
                        && sb != 0
                        && major > 0
                        && !cx.disks.is_mounted(0, sb_minor as u32) =>
                {
                    cx.disks.known(major, minor)
                }
                _ => None,
            };
            buf.push_str(name.unwrap_or(""));
        }
        Step::BlkErrno(f) => buf.push_int(i64::from(blk_status_errno(int(rec, f) as i32))),
        // A wait status, as waitpid() reports it (the kernel's exit_code).
        Step::WaitCode(f) => buf.push_int(i64::from(libc::WEXITSTATUS(int(rec, f) as i32))),
        Step::WaitSignal(f) => buf.push_int(i64::from(wait_signal(int(rec, f) as i32))),
        Step::WaitCore(f) => buf.push_int(i64::from(libc::WCOREDUMP(int(rec, f) as i32))),
        Step::BatchCpu => buf.push_int(i64::from(input.cpu)),
        Step::StackId { id, user, pid } => {
            let id = cx
                .stacks
                .resolve(cx.src, int(rec, id) as i32, user, int(rec, pid) as u32);
            buf.push_int(i64::from(id));
        }
        Step::TrailingStack { count, user, pid } => {
            let n = int(rec, count).max(0) as usize;
            let start = input.cursor;
            let frames: Vec<u64> = rec[start..start + n * 8]
                .chunks_exact(8)
                .map(|c| u64::from_ne_bytes(c.try_into().expect("8 bytes")))
                .collect();
            input.cursor += n * 8;
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
    true
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
        Origin::DentryPath(f) => {
            want(text, "dentry path")?;
            Step::DentryPath(chars(f)?)
        }
        Origin::InetAddr { family, addr } => {
            want(text, "inet address")?;
            let field = r.field(addr)?;
            if field.len != Some(16) || field.size != 1 {
                bail!("field {addr} of struct {} is not a __u8[16]", r.name);
            }
            Step::InetAddr {
                family: scalar(family)?,
                addr: field,
            }
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
        Origin::BdevName { dev: d, ino } => {
            want(text, "bdev name")?;
            Step::BdevName {
                dev: dev(d)?,
                ino: scalar(ino)?,
            }
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
