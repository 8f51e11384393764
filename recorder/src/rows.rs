//! Decoding ring-buffer records into per-table Arrow builders. One builder set per
//! table; `take_full` / `take_all` hand finished batches to the writer.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Int32Builder, ListBuilder, RecordBatch, StringBuilder, UInt32Builder,
    UInt64Builder,
};
use retrace_recorder_bpf::{disk::types::rt_block_io, proc::types, sched::types as sched};
use retrace_schema::tables::{
    Table, BLOCK_IO, CPU_FREQUENCY, HARDIRQ, OFFCPU, PMC, PROCESS_EXEC, PROCESS_EXIT, PROCESS_FORK,
    PROFILE, SCHED_SWITCH, SCHED_WAKEUP, SOFTIRQ, STACKS, SYSCALLS, USER_MAPPINGS,
};

use crate::cpu_rows::{
    CpufreqRows, HardirqRows, OffcpuRows, PmcRows, ProfileRows, SoftirqRows, SwitchRows,
    SyscallRows, WakeupRows,
};
use crate::redact::Redact;
use crate::stacks::Stacks;

/// A batch is handed to the writer once its rows take about this many bytes.
const BATCH_BYTES: usize = 4 << 20;
/// ... or once it holds this many rows.
const BATCH_ROWS: usize = 64 * 1024;

/// Bytes up to the first NUL, as text (borrowed unless it must be repaired).
pub(crate) fn c_str(raw: &[i8]) -> Cow<'_, str> {
    // SAFETY: i8 and u8 have the same size and alignment.
    let bytes: &[u8] = unsafe { std::slice::from_raw_parts(raw.as_ptr().cast(), raw.len()) };
    let end = bytes.iter().position(|&c| c == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end])
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

/// Resolves device numbers to disk names through /sys on the recording host.
#[derive(Default)]
struct DiskNames(HashMap<u32, String>);

impl DiskNames {
    fn name(&mut self, major: u32, minor: u32) -> &str {
        self.0
            .entry((major << 20) | minor)
            .or_insert_with(|| {
                std::fs::read_link(format!("/sys/dev/block/{major}:{minor}"))
                    .ok()
                    .and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
                    .unwrap_or_else(|| format!("{major}:{minor}"))
            })
            .as_str()
    }
}

#[derive(Default)]
struct BlockIoRows {
    ts_insert: UInt64Builder,
    ts_issue: UInt64Builder,
    ts_complete: UInt64Builder,
    major: UInt32Builder,
    minor: UInt32Builder,
    disk: StringBuilder,
    sector: UInt64Builder,
    bytes: UInt32Builder,
    rwbs: StringBuilder,
    cmd_flags: UInt32Builder,
    pid: UInt32Builder,
    tid: UInt32Builder,
    comm: StringBuilder,
    error: Int32Builder,
    rows: usize,
    disks: DiskNames,
}

impl BlockIoRows {
    fn push(&mut self, r: &rt_block_io) {
        self.ts_insert
            .append_option((r.ts_insert != 0).then_some(r.ts_insert));
        self.ts_issue.append_value(r.ts_issue);
        self.ts_complete.append_value(r.ts_complete);
        let (major, minor) = (r.dev >> 20, r.dev & ((1 << 20) - 1));
        self.major.append_value(major);
        self.minor.append_value(minor);
        self.disk.append_value(self.disks.name(major, minor));
        self.sector.append_value(r.sector);
        self.bytes.append_value(r.bytes);
        self.rwbs.append_value(c_str(&r.rwbs));
        self.cmd_flags.append_value(r.cmd_flags);
        self.pid.append_value(r.pid);
        self.tid.append_value(r.tid);
        self.comm.append_value(c_str(&r.comm));
        self.error.append_value(blk_status_errno(r.status));
        self.rows += 1;
    }

    fn finish(&mut self) -> Vec<ArrayRef> {
        self.rows = 0;
        vec![
            Arc::new(self.ts_insert.finish()),
            Arc::new(self.ts_issue.finish()),
            Arc::new(self.ts_complete.finish()),
            Arc::new(self.major.finish()),
            Arc::new(self.minor.finish()),
            Arc::new(self.disk.finish()),
            Arc::new(self.sector.finish()),
            Arc::new(self.bytes.finish()),
            Arc::new(self.rwbs.finish()),
            Arc::new(self.cmd_flags.finish()),
            Arc::new(self.pid.finish()),
            Arc::new(self.tid.finish()),
            Arc::new(self.comm.finish()),
            Arc::new(self.error.finish()),
        ]
    }
}

#[derive(Default)]
struct ExecRows {
    ts: UInt64Builder,
    ts_enter: UInt64Builder,
    pid: UInt32Builder,
    tid: UInt32Builder,
    ppid: UInt32Builder,
    uid: UInt32Builder,
    comm: StringBuilder,
    filename: StringBuilder,
    args: ListBuilder<StringBuilder>,
    truncated: BooleanBuilder,
    ret: Int32Builder,
    rows: usize,
    bytes: usize,
}

impl ExecRows {
    fn push(&mut self, r: &types::rt_exec, redact: &Redact) {
        self.ts.append_value(r.ts_exit);
        self.ts_enter.append_value(r.ts_enter);
        self.pid.append_value(r.pid);
        self.tid.append_value(r.tid);
        self.ppid.append_value(r.ppid);
        self.uid.append_value(r.uid);
        self.comm.append_value(c_str(&r.comm));
        self.filename.append_value(redact.path(&c_str(&r.filename)));
        let used = (r.args_size as usize).min(r.args.len());
        let raw: Vec<u8> = r.args[..used].iter().map(|&c| c as u8).collect();
        for (i, arg) in raw
            .split(|&c| c == 0)
            .take(r.args_count as usize)
            .enumerate()
        {
            let arg = String::from_utf8_lossy(arg);
            let kept = if i == 0 {
                redact.path(&arg)
            } else {
                redact.arg(&arg)
            };
            self.args.values().append_value(kept);
        }
        self.args.append(true);
        self.truncated.append_value(r.args_truncated != 0);
        self.ret.append_value(r.ret);
        self.rows += 1;
        self.bytes += 64 + used;
    }

    fn finish(&mut self) -> Vec<ArrayRef> {
        self.rows = 0;
        self.bytes = 0;
        vec![
            Arc::new(self.ts.finish()),
            Arc::new(self.ts_enter.finish()),
            Arc::new(self.pid.finish()),
            Arc::new(self.tid.finish()),
            Arc::new(self.ppid.finish()),
            Arc::new(self.uid.finish()),
            Arc::new(self.comm.finish()),
            Arc::new(self.filename.finish()),
            Arc::new(self.args.finish()),
            Arc::new(self.truncated.finish()),
            Arc::new(self.ret.finish()),
        ]
    }
}

#[derive(Default)]
struct ForkRows {
    ts: UInt64Builder,
    parent_pid: UInt32Builder,
    parent_tid: UInt32Builder,
    child_pid: UInt32Builder,
    child_tid: UInt32Builder,
    comm: StringBuilder,
    rows: usize,
}

impl ForkRows {
    fn push(&mut self, r: &types::rt_fork) {
        self.ts.append_value(r.ts);
        self.parent_pid.append_value(r.parent_pid);
        self.parent_tid.append_value(r.parent_tid);
        self.child_pid.append_value(r.child_pid);
        self.child_tid.append_value(r.child_tid);
        self.comm.append_value(c_str(&r.comm));
        self.rows += 1;
    }

    fn finish(&mut self) -> Vec<ArrayRef> {
        self.rows = 0;
        vec![
            Arc::new(self.ts.finish()),
            Arc::new(self.parent_pid.finish()),
            Arc::new(self.parent_tid.finish()),
            Arc::new(self.child_pid.finish()),
            Arc::new(self.child_tid.finish()),
            Arc::new(self.comm.finish()),
        ]
    }
}

#[derive(Default)]
struct ExitRows {
    ts: UInt64Builder,
    start: UInt64Builder,
    pid: UInt32Builder,
    tid: UInt32Builder,
    ppid: UInt32Builder,
    comm: StringBuilder,
    exit_code: Int32Builder,
    signal: Int32Builder,
    core: BooleanBuilder,
    rows: usize,
}

impl ExitRows {
    fn push(&mut self, r: &types::rt_exit) {
        self.ts.append_value(r.ts);
        self.start.append_value(r.start_ns);
        self.pid.append_value(r.pid);
        self.tid.append_value(r.tid);
        self.ppid.append_value(r.ppid);
        self.comm.append_value(c_str(&r.comm));
        // task->exit_code is a wait status: exit code in bits 8-15, the killing
        // signal in bits 0-6, core dump in bit 7.
        self.exit_code.append_value((r.exit_code >> 8) & 0xff);
        self.signal.append_value(r.exit_code & 0x7f);
        self.core.append_value(r.exit_code & 0x80 != 0);
        self.rows += 1;
    }

    fn finish(&mut self) -> Vec<ArrayRef> {
        self.rows = 0;
        vec![
            Arc::new(self.ts.finish()),
            Arc::new(self.start.finish()),
            Arc::new(self.pid.finish()),
            Arc::new(self.tid.finish()),
            Arc::new(self.ppid.finish()),
            Arc::new(self.comm.finish()),
            Arc::new(self.exit_code.finish()),
            Arc::new(self.signal.finish()),
            Arc::new(self.core.finish()),
        ]
    }
}

/// Rows decoded so far, per table.
#[derive(Default)]
pub struct Rows {
    redact: Redact,
    /// Rows per batch (BATCH_ROWS unless a test asks for small batches).
    batch_rows: usize,
    block_io: BlockIoRows,
    exec: ExecRows,
    fork: ForkRows,
    exit: ExitRows,
    switch: SwitchRows,
    wakeup: WakeupRows,
    offcpu: OffcpuRows,
    profile: ProfileRows,
    syscalls: SyscallRows,
    hardirq: HardirqRows,
    softirq: SoftirqRows,
    pub cpufreq: CpufreqRows,
    pmc: PmcRows,
    /// Names of the `pmc` counters, by attach cookie.
    pub pmc_counters: Vec<&'static str>,
    pub stacks: Stacks,
    /// Records decoded since the start, all tables.
    pub events: u64,
    /// Records that could not be decoded (wrong size or kind); should stay 0.
    pub malformed: u64,
}

fn read<T: plain::Plain + Default + Copy>(data: &[u8]) -> Option<T> {
    let mut v = T::default();
    plain::copy_from_bytes(&mut v, data).ok()?;
    Some(v)
}

/// Bytes of one record of a kind that travels in batches (0 if none does).
fn batch_record_size(rec_kind: u32) -> usize {
    match rec_kind {
        5 => std::mem::size_of::<sched::rt_sched_switch>(),
        6 => std::mem::size_of::<sched::rt_sched_wakeup>(),
        _ => 0,
    }
}

fn batch(table: &'static Table, cols: Vec<ArrayRef>) -> (&'static Table, RecordBatch) {
    let b = RecordBatch::try_new(table.schema(), cols).expect("builders match the table schema");
    (table, b)
}

impl Rows {
    pub fn new(redact: Redact) -> Self {
        // Test hook: small batches fill the writer queue quickly, to prove that a
        // writer falling behind costs counted drops, not memory.
        let batch_rows = std::env::var("RETRACE_DEBUG_BATCH_ROWS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(BATCH_ROWS);
        Rows {
            redact,
            batch_rows,
            ..Default::default()
        }
    }

    /// Decode one ring-buffer record (its first u32 says which kind) of the
    /// source with index `src`. Returns the number of rows it held: a batch
    /// (kind 14, `struct rt_batch`) holds many.
    pub fn push_record(&mut self, src: usize, data: &[u8]) -> u64 {
        let Some(kind) = data
            .get(..4)
            .map(|k| u32::from_ne_bytes(k.try_into().unwrap()))
        else {
            self.malformed += 1;
            return 0;
        };
        let ok = match kind {
            1 => read::<rt_block_io>(data).map(|r| self.block_io.push(&r)),
            2 => {
                // ~4.6 KiB: decode in place instead of copying to the stack.
                plain::from_bytes::<types::rt_exec>(data)
                    .ok()
                    .map(|r| self.exec.push(r, &self.redact))
            }
            3 => read::<types::rt_fork>(data).map(|r| self.fork.push(&r)),
            4 => read::<types::rt_exit>(data).map(|r| self.exit.push(&r)),
            7 => plain::from_bytes(data)
                .ok()
                .map(|r| self.offcpu.push(r, src, &mut self.stacks)),
            8 => self.profile.push(data, &mut self.stacks),
            9 => plain::from_bytes(data).ok().map(|r| self.syscalls.push(r)),
            10 => plain::from_bytes(data).ok().map(|r| self.hardirq.push(r)),
            11 => plain::from_bytes(data).ok().map(|r| self.softirq.push(r)),
            12 => plain::from_bytes(data).ok().map(|r| self.cpufreq.push(r)),
            13 => plain::from_bytes(data)
                .ok()
                .map(|r| self.pmc.push(r, &self.pmc_counters)),
            14 => return self.push_batch_record(data),
            _ => None,
        };
        match ok {
            Some(()) => {
                self.events += 1;
                1
            }
            None => {
                self.malformed += 1;
                0
            }
        }
    }

    /// A ring record of kind 14: a `struct rt_batch` header, then its records.
    fn push_batch_record(&mut self, data: &[u8]) -> u64 {
        let Some(h) = read::<sched::rt_batch>(data) else {
            self.malformed += 1;
            return 0;
        };
        let head = std::mem::size_of::<sched::rt_batch>();
        let len = h.count as usize * batch_record_size(h.rec_kind);
        match data[head..].get(..len) {
            Some(body) => self.push_batch(h.rec_kind, h.cpu, body),
            None => {
                self.malformed += 1;
                0
            }
        }
    }

    /// Decode the records of a batch: `data` holds records of `rec_kind`, back to
    /// back, all recorded on `cpu`. Returns the number of rows.
    pub fn push_batch(&mut self, rec_kind: u32, cpu: u32, data: &[u8]) -> u64 {
        let size = batch_record_size(rec_kind);
        if size == 0 || !data.len().is_multiple_of(size) {
            self.malformed += 1;
            return 0;
        }
        for rec in data.chunks_exact(size) {
            // Copied out: a batch read back from a map is not 8-byte aligned.
            match rec_kind {
                5 => self.switch.push(&read(rec).expect("sized"), cpu),
                _ => self.wakeup.push(&read(rec).expect("sized"), cpu),
            }
        }
        let n = (data.len() / size) as u64;
        self.events += n;
        n
    }

    /// Batches of the tables that reached the batch size.
    pub fn take_full(&mut self) -> Vec<(&'static Table, RecordBatch)> {
        self.take(false)
    }

    /// Batches of every table that holds rows.
    pub fn take_all(&mut self) -> Vec<(&'static Table, RecordBatch)> {
        self.take(true)
    }

    fn take(&mut self, all: bool) -> Vec<(&'static Table, RecordBatch)> {
        let batch_rows = self.batch_rows;
        let due = |rows: usize, bytes: usize| {
            rows > 0 && (all || rows >= batch_rows || bytes >= BATCH_BYTES)
        };
        let mut out = Vec::new();
        if due(self.block_io.rows, self.block_io.rows * 96) {
            out.push(batch(&BLOCK_IO, self.block_io.finish()));
        }
        if due(self.exec.rows, self.exec.bytes) {
            out.push(batch(&PROCESS_EXEC, self.exec.finish()));
        }
        if due(self.fork.rows, self.fork.rows * 48) {
            out.push(batch(&PROCESS_FORK, self.fork.finish()));
        }
        if due(self.exit.rows, self.exit.rows * 64) {
            out.push(batch(&PROCESS_EXIT, self.exit.finish()));
        }
        // Row sizes below are what a row takes in its Arrow builders.
        if due(self.switch.rows, self.switch.rows * 72) {
            out.push(batch(&SCHED_SWITCH, self.switch.finish()));
        }
        if due(self.wakeup.rows, self.wakeup.rows * 56) {
            out.push(batch(&SCHED_WAKEUP, self.wakeup.finish()));
        }
        if due(self.offcpu.rows, self.offcpu.rows * 56) {
            out.push(batch(&OFFCPU, self.offcpu.finish()));
        }
        if due(self.profile.rows, self.profile.rows * 48) {
            out.push(batch(&PROFILE, self.profile.finish()));
        }
        if due(self.syscalls.rows, self.syscalls.rows * 48) {
            out.push(batch(&SYSCALLS, self.syscalls.finish()));
        }
        if due(self.hardirq.rows, self.hardirq.rows * 48) {
            out.push(batch(&HARDIRQ, self.hardirq.finish()));
        }
        if due(self.softirq.rows, self.softirq.rows * 32) {
            out.push(batch(&SOFTIRQ, self.softirq.finish()));
        }
        if due(self.cpufreq.rows, self.cpufreq.rows * 24) {
            out.push(batch(&CPU_FREQUENCY, self.cpufreq.finish()));
        }
        if due(self.pmc.rows, self.pmc.rows * 48) {
            out.push(batch(&PMC, self.pmc.finish()));
        }
        // Stacks and mappings go out with every flush, so that a capture cut
        // short still names what its closed segments reference.
        if let Some(cols) = self.stacks.take_stack_rows(all, batch_rows) {
            out.push(batch(&STACKS, cols));
        }
        if let Some(cols) = self.stacks.take_mapping_rows(all, batch_rows) {
            out.push(batch(&USER_MAPPINGS, cols));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{AsArray, Int32Array, UInt32Array};

    fn bytes<T: plain::Plain>(v: &T) -> &[u8] {
        // SAFETY: Plain types have no padding invariants; any byte view is valid.
        unsafe { plain::as_bytes(v) }
    }

    fn switch(ts: u64, prev_tid: u32, comm: &str) -> sched::rt_sched_switch {
        let mut r = sched::rt_sched_switch {
            ts,
            prev_tid,
            prev_prio: -1,
            next_prio: 120,
            ..Default::default()
        };
        for (d, s) in r.prev_comm.iter_mut().zip(comm.bytes()) {
            *d = s as i8;
        }
        r
    }

    fn batch_record(rec_kind: u32, cpu: u32, recs: &[&[u8]]) -> Vec<u8> {
        let h = sched::rt_batch {
            kind: 14,
            rec_kind,
            cpu,
            count: recs.len() as u32,
        };
        let mut out = bytes(&h).to_vec();
        for r in recs {
            out.extend_from_slice(r);
        }
        out
    }

    #[test]
    fn a_batch_is_split_into_rows_of_its_cpu() {
        let mut rows = Rows::new(Redact::default());
        let (a, b) = (switch(10, 7, "alpha"), switch(20, 8, "beta"));
        let rec = batch_record(5, 3, &[bytes(&a), bytes(&b)]);
        assert_eq!(rows.push_record(0, &rec), 2);
        let w = sched::rt_sched_wakeup {
            ts: 15,
            tid: 9,
            prio: 99,
            is_new: 1,
            ..Default::default()
        };
        // Held batches come without a header, and unaligned.
        let mut held = vec![0u8];
        held.extend_from_slice(bytes(&w));
        assert_eq!(rows.push_batch(6, 1, &held[1..]), 1);
        assert_eq!((rows.events, rows.malformed), (3, 0));

        let out = rows.take_all();
        let sw = &out
            .iter()
            .find(|(t, _)| t.name == "sched_switch")
            .unwrap()
            .1;
        let col = |n: &str| sw.column_by_name(n).unwrap().clone();
        assert_eq!(
            col("cpu")
                .as_any()
                .downcast_ref::<UInt32Array>()
                .unwrap()
                .values(),
            &[3, 3]
        );
        assert_eq!(
            col("prev_tid")
                .as_any()
                .downcast_ref::<UInt32Array>()
                .unwrap()
                .values(),
            &[7, 8]
        );
        assert_eq!(
            col("prev_prio")
                .as_any()
                .downcast_ref::<Int32Array>()
                .unwrap()
                .values(),
            &[-1, -1]
        );
        assert_eq!(col("prev_comm").as_string::<i32>().value(1), "beta");
        let wk = &out
            .iter()
            .find(|(t, _)| t.name == "sched_wakeup")
            .unwrap()
            .1;
        let cpu = wk.column_by_name("cpu").unwrap();
        assert_eq!(
            cpu.as_any().downcast_ref::<UInt32Array>().unwrap().values(),
            &[1]
        );
        let prio = wk.column_by_name("prio").unwrap();
        assert_eq!(
            prio.as_any().downcast_ref::<Int32Array>().unwrap().values(),
            &[99]
        );
        assert!(wk.column_by_name("new").unwrap().as_boolean().value(0));
    }

    #[test]
    fn a_short_or_unknown_batch_is_malformed_not_misread() {
        let mut rows = Rows::new(Redact::default());
        let a = switch(10, 7, "alpha");
        let mut rec = batch_record(5, 0, &[bytes(&a), bytes(&a)]);
        rec.truncate(rec.len() - 1);
        assert_eq!(rows.push_record(0, &rec), 0);
        assert_eq!(rows.push_record(0, &batch_record(99, 0, &[bytes(&a)])), 0);
        assert_eq!(rows.push_batch(5, 0, &bytes(&a)[..63]), 0);
        assert_eq!((rows.events, rows.malformed), (0, 3));
    }
}
