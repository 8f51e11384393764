//! Every table of a capture, declared once: name, the source that fills it, and each
//! column with its type, unit and meaning. The Arrow schemas and `schemas/README.md`
//! are both derived from these declarations, so code and docs cannot drift apart.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef};

/// The logical type of a column. Strings are plain UTF-8 in Arrow; the Parquet writer
/// dictionary-encodes them on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    U32,
    U64,
    I32,
    I64,
    Bool,
    Str,
    /// A list of strings (e.g. argv).
    StrList,
    /// A list of u64 (e.g. a stack's return addresses).
    U64List,
}

impl ColType {
    pub fn data_type(self) -> DataType {
        match self {
            ColType::U32 => DataType::UInt32,
            ColType::U64 => DataType::UInt64,
            ColType::I32 => DataType::Int32,
            ColType::I64 => DataType::Int64,
            ColType::Bool => DataType::Boolean,
            ColType::Str => DataType::Utf8,
            ColType::StrList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            ColType::U64List => {
                DataType::List(Arc::new(Field::new("item", DataType::UInt64, true)))
            }
        }
    }

    fn doc_name(self) -> &'static str {
        match self {
            ColType::U32 => "u32",
            ColType::U64 => "u64",
            ColType::I32 => "i32",
            ColType::I64 => "i64",
            ColType::Bool => "bool",
            ColType::Str => "string",
            ColType::StrList => "list<string>",
            ColType::U64List => "list<u64>",
        }
    }
}

/// One column of a table.
#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColType,
    pub nullable: bool,
    /// Unit of the value ("ns", "bytes", "" when it has none).
    pub unit: &'static str,
    pub doc: &'static str,
}

/// One table of a capture: a folder `<name>/` of Parquet segments.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// The recorder source (`--sources`) that fills this table.
    pub source: &'static str,
    pub doc: &'static str,
    /// Column by which rows are sorted within each row group (time-range pruning).
    pub sort_key: &'static str,
    /// Column that places a row in time, used by the analyzer's `--since/--until`;
    /// None for reference tables (stacks, symbols) that hold no events.
    pub time_column: Option<&'static str>,
    /// Never deleted by flight-recorder mode: a snapshot of state at the start,
    /// which later rows need (e.g. to name processes).
    pub keep_in_ring: bool,
    pub columns: &'static [Column],
}

impl Table {
    /// The Arrow schema of this table.
    pub fn schema(&self) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|c| Field::new(c.name, c.ty.data_type(), c.nullable))
            .collect();
        Arc::new(Schema::new(fields))
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

const fn col(name: &'static str, ty: ColType, unit: &'static str, doc: &'static str) -> Column {
    Column {
        name,
        ty,
        nullable: false,
        unit,
        doc,
    }
}

const fn opt(name: &'static str, ty: ColType, unit: &'static str, doc: &'static str) -> Column {
    Column {
        name,
        ty,
        nullable: true,
        unit,
        doc,
    }
}

use ColType::*;

/// Most arguments kept per exec; longer argument lists are cut and flagged.
pub const EXEC_MAX_ARGS: usize = 32;
/// Most bytes of arguments (including their NUL terminators) kept per exec.
pub const EXEC_ARGS_BYTES: usize = 4096;
/// Most bytes kept of the exec'd file name.
pub const EXEC_FILENAME_BYTES: usize = 256;

pub static BLOCK_IO: Table = Table {
    name: "block_io",
    source: "disk",
    doc: "One row per completed block I/O request, paired in the kernel from the \
          block_rq_insert, block_rq_issue and block_rq_complete tracepoints. Requests \
          issued before the recording started are not recorded.",
    sort_key: "ts_complete_ns",
    time_column: Some("ts_complete_ns"),
    keep_in_ring: false,
    columns: &[
        opt("ts_insert_ns", U64, "ns, CLOCK_MONOTONIC", "When the request entered the I/O scheduler queue (block_rq_insert); null when it was issued directly without queueing."),
        col("ts_issue_ns", U64, "ns, CLOCK_MONOTONIC", "When the request was issued to the device driver (block_rq_issue)."),
        col("ts_complete_ns", U64, "ns, CLOCK_MONOTONIC", "When the device completed the request (block_rq_complete)."),
        col("dev_major", U32, "", "Major number of the disk's device."),
        col("dev_minor", U32, "", "Minor number of the disk's device."),
        col("disk", Str, "", "Disk name (e.g. `vda`, `nvme0n1`), resolved from the device number on the recording host; `major:minor` when unknown."),
        col("sector", U64, "512-byte sectors", "Starting sector of the request."),
        col("bytes", U32, "bytes", "Size of the request."),
        col("rwbs", Str, "", "Operation and flags as the kernel's block tracepoints spell them: R read, W write, D discard, F flush, N none; then S sync, M metadata, A readahead, F FUA."),
        col("cmd_flags", U32, "", "The request's raw `cmd_flags` (REQ_OP_* in the low 8 bits, REQ_* flags above)."),
        col("pid", U32, "", "Process (tgid) that was running when the request was inserted, or issued if it was never inserted. For writeback this is often a kernel worker."),
        col("tid", U32, "", "Thread id of that task."),
        col("comm", Str, "", "Command name of that task."),
        col("error", I32, "errno", "0 on success, else the negative errno of the completion (blk_status_t converted as the kernel does)."),
    ],
};

pub static PROCESS_EXEC: Table = Table {
    name: "process_exec",
    source: "proc",
    doc: "One row per execve/execveat call that returned (successfully or not), from the \
          syscalls:sys_enter_execve(at) and sys_exit_execve(at) tracepoints.",
    sort_key: "ts_ns",
    time_column: Some("ts_ns"),
    keep_in_ring: false,
    columns: &[
        col(
            "ts_ns",
            U64,
            "ns, CLOCK_MONOTONIC",
            "When the exec call returned.",
        ),
        col(
            "ts_enter_ns",
            U64,
            "ns, CLOCK_MONOTONIC",
            "When the exec call was entered.",
        ),
        col("pid", U32, "", "Process id (tgid)."),
        col("tid", U32, "", "Thread id that called exec."),
        col(
            "ppid",
            U32,
            "",
            "Parent process id (tgid of the real parent).",
        ),
        col("uid", U32, "", "Real user id."),
        col(
            "comm",
            Str,
            "",
            "Command name after the call (the new program's on success).",
        ),
        col(
            "filename",
            Str,
            "",
            "Path passed to exec, at most 255 bytes.",
        ),
        col(
            "args",
            StrList,
            "",
            "argv as passed to exec, at most 32 arguments and 4096 bytes in all.",
        ),
        col(
            "args_truncated",
            Bool,
            "",
            "True when argv was longer than the bounds above and was cut.",
        ),
        col(
            "ret",
            I32,
            "",
            "Return value of the call: 0 on success, negative errno on failure.",
        ),
    ],
};

pub static PROCESS_FORK: Table = Table {
    name: "process_fork",
    source: "proc",
    doc: "One row per new task (process or thread), from the sched_process_fork tracepoint.",
    sort_key: "ts_ns",
    time_column: Some("ts_ns"),
    keep_in_ring: false,
    columns: &[
        col(
            "ts_ns",
            U64,
            "ns, CLOCK_MONOTONIC",
            "When the child was created.",
        ),
        col("parent_pid", U32, "", "Parent's process id (tgid)."),
        col("parent_tid", U32, "", "Parent's thread id."),
        col(
            "child_pid",
            U32,
            "",
            "Child's process id (tgid); equal to parent_pid for a new thread.",
        ),
        col("child_tid", U32, "", "Child's thread id."),
        col(
            "comm",
            Str,
            "",
            "Command name of the parent (and the child, at fork).",
        ),
    ],
};

pub static PROCESS_EXIT: Table = Table {
    name: "process_exit",
    source: "proc",
    doc: "One row per task exit (process or thread), from the sched_process_exit tracepoint.",
    sort_key: "ts_ns",
    time_column: Some("ts_ns"),
    keep_in_ring: false,
    columns: &[
        col("ts_ns", U64, "ns, CLOCK_MONOTONIC", "When the task exited."),
        col(
            "start_ns",
            U64,
            "ns, CLOCK_MONOTONIC",
            "When the task started (task start_time); ts_ns - start_ns is its lifetime.",
        ),
        col("pid", U32, "", "Process id (tgid)."),
        col(
            "tid",
            U32,
            "",
            "Thread id; equal to pid for the main thread.",
        ),
        col("ppid", U32, "", "Parent process id."),
        col("comm", Str, "", "Command name."),
        col(
            "exit_code",
            I32,
            "",
            "Exit status passed to exit() (0-255); 0 when killed by a signal.",
        ),
        col(
            "signal",
            I32,
            "",
            "Signal that killed the task, 0 when it exited normally.",
        ),
        col("core_dumped", Bool, "", "True when the task dumped core."),
    ],
};

pub static PROCESS_SNAPSHOT: Table = Table {
    name: "process_snapshot",
    source: "proc",
    doc: "Every process in /proc when the recording started, so that any pid seen later \
          can be named. Read by the recorder in user space.",
    sort_key: "pid",
    time_column: Some("ts_ns"),
    keep_in_ring: true,
    columns: &[
        col(
            "ts_ns",
            U64,
            "ns, CLOCK_MONOTONIC",
            "When the snapshot was taken.",
        ),
        col("pid", U32, "", "Process id."),
        col("ppid", U32, "", "Parent process id."),
        col("uid", U32, "", "Real user id."),
        col("comm", Str, "", "Command name."),
        col(
            "cmdline",
            Str,
            "",
            "Command line, arguments separated by spaces (empty for kernel threads).",
        ),
        col(
            "start_ns",
            U64,
            "ns, CLOCK_MONOTONIC",
            "When the process started (from /proc/PID/stat starttime).",
        ),
        col("cgroup", Str, "", "cgroup v2 path of the process."),
    ],
};

/// Pseudo-source of the tables that stack-recording sources (`profile`, `offcpu`)
/// share: the unique stacks and what offline symbolization needs.
pub const STACKS_SOURCE: &str = "stacks";

/// Sources whose rows carry stack ids into the shared `stacks` tables.
pub const STACK_SOURCES: &[&str] = &["profile", "offcpu"];

const MONO: &str = "ns, CLOCK_MONOTONIC";

pub static SCHED_SWITCH: Table = Table {
    name: "sched_switch",
    source: "sched",
    doc: "One row per context switch, from the sched_switch tracepoint: the CPU leaves \
          `prev` and runs `next`. With sched_wakeup it answers runqlat, runqslower, cpudist \
          (on- and off-CPU time) and per-task CPU time.",
    sort_key: "ts_ns",
    time_column: Some("ts_ns"),
    keep_in_ring: false,
    columns: &[
        col("ts_ns", U64, MONO, "When the switch happened."),
        col("cpu", U32, "", "CPU that switched."),
        col("prev_tid", U32, "", "Thread switched out (0 is the idle task)."),
        col("prev_pid", U32, "", "Process (tgid) of the thread switched out."),
        col("prev_comm", Str, "", "Command name of the thread switched out."),
        col("prev_prio", I32, "", "Kernel priority of the thread switched out (0-99 real time, 100-139 normal; lower runs first)."),
        col("prev_state", U32, "", "State of the thread switched out, as the tracepoint gives it: 0 when it was preempted and stays runnable, else the TASK_* bits of why it left the CPU (1 interruptible sleep, 2 uninterruptible (D), ...)."),
        col("next_tid", U32, "", "Thread switched in (0 is the idle task)."),
        col("next_pid", U32, "", "Process (tgid) of the thread switched in."),
        col("next_comm", Str, "", "Command name of the thread switched in."),
        col("next_prio", I32, "", "Kernel priority of the thread switched in."),
    ],
};

pub static SCHED_WAKEUP: Table = Table {
    name: "sched_wakeup",
    source: "sched",
    doc: "One row per wakeup of a sleeping thread (sched_wakeup) and per first wakeup of a \
          new thread (sched_wakeup_new). The time from a wakeup to the thread's next \
          `sched_switch` in is its run-queue latency.",
    sort_key: "ts_ns",
    time_column: Some("ts_ns"),
    keep_in_ring: false,
    columns: &[
        col("ts_ns", U64, MONO, "When the thread was made runnable."),
        col(
            "cpu",
            U32,
            "",
            "CPU on which the wakeup ran (the waker's CPU).",
        ),
        col(
            "target_cpu",
            U32,
            "",
            "CPU whose run queue the thread was put on.",
        ),
        col("tid", U32, "", "Thread woken."),
        col("pid", U32, "", "Process (tgid) of the thread woken."),
        col("comm", Str, "", "Command name of the thread woken."),
        col("prio", I32, "", "Kernel priority of the thread woken."),
        col(
            "waker_tid",
            U32,
            "",
            "Thread that did the wakeup (0 from interrupt or idle context).",
        ),
        col("waker_pid", U32, "", "Process (tgid) of the waker."),
        col(
            "new",
            Bool,
            "",
            "True for sched_wakeup_new (a new thread's first run).",
        ),
    ],
};

pub static OFFCPU: Table = Table {
    name: "offcpu",
    source: "offcpu",
    doc: "One row per time a thread was off the CPU for at least `--min-block` (kept in \
          the kernel: shorter blocks are not recorded), with the kernel and user stacks \
          it blocked in, taken when it was switched out (sched_switch). Preemptions \
          (the thread stayed runnable) are not recorded, nor is the recorder's own process.",
    sort_key: "ts_ns",
    time_column: Some("ts_ns"),
    keep_in_ring: false,
    columns: &[
        col("ts_ns", U64, MONO, "When the thread was switched back in."),
        col("ts_off_ns", U64, MONO, "When the thread was switched out; ts_ns - ts_off_ns is the time it was blocked."),
        col("cpu", U32, "", "CPU the thread was switched back in on."),
        col("tid", U32, "", "Thread id."),
        col("pid", U32, "", "Process id (tgid)."),
        col("comm", Str, "", "Command name."),
        col("state", U32, "", "prev_state when it was switched out (1 interruptible sleep, 2 uninterruptible, ...)."),
        col("kstack_id", U32, "", "Kernel stack where it blocked, in `stacks`; 0 when none could be taken."),
        col("ustack_id", U32, "", "User stack where it blocked, in `stacks`; 0 for kernel threads or when none could be taken."),
    ],
};

pub static PROFILE: Table = Table {
    name: "profile",
    source: "profile",
    doc: "Timed CPU samples: on every CPU, `-F` times a second (perf_event cpu-clock), the \
          task on the CPU with its kernel and user stacks and the CPU's run-queue length. \
          The recorder's own process is left out (its cost is in the manifest).",
    sort_key: "ts_ns",
    time_column: Some("ts_ns"),
    keep_in_ring: false,
    columns: &[
        col("ts_ns", U64, MONO, "When the sample was taken."),
        col("cpu", U32, "", "CPU sampled."),
        col("tid", U32, "", "Thread on the CPU (0 when idle)."),
        col("pid", U32, "", "Process (tgid) on the CPU (0 when idle)."),
        col("comm", Str, "", "Command name of the thread on the CPU."),
        col("kstack_id", U32, "", "Kernel stack, in `stacks`; 0 when the sample hit user mode or no stack could be taken."),
        col("ustack_id", U32, "", "User stack, in `stacks`; 0 for kernel threads or when none could be taken."),
        col("runq_len", U32, "", "Tasks runnable on this CPU's run queue at the sample, the running one included (rq->nr_running)."),
    ],
};

pub static SYSCALLS: Table = Table {
    name: "syscalls",
    source: "syscalls",
    doc: "One row per system call that returned, paired in the kernel from raw_syscalls \
          sys_enter and sys_exit (per-task storage). Calls that never return (exit, \
          exit_group, a successful execve's old image) have no row.",
    sort_key: "ts_ns",
    time_column: Some("ts_ns"),
    keep_in_ring: false,
    columns: &[
        col("ts_ns", U64, MONO, "When the call returned."),
        col("ts_enter_ns", U64, MONO, "When the call was entered."),
        col("pid", U32, "", "Process id (tgid)."),
        col("tid", U32, "", "Thread id."),
        col("comm", Str, "", "Command name."),
        col("nr", I32, "", "System call number, in the numbering of the host's architecture (manifest `host.arch`). Calls of 32-bit (compat) processes on a 64-bit host carry their 32-bit numbers and are not told apart yet."),
        col("ret", I64, "", "Return value: negative errno on failure."),
    ],
};

pub static HARDIRQ: Table = Table {
    name: "hardirq",
    source: "irq",
    doc: "One row per hard interrupt handler run, paired per CPU from irq_handler_entry \
          and irq_handler_exit.",
    sort_key: "ts_ns",
    time_column: Some("ts_ns"),
    keep_in_ring: false,
    columns: &[
        col("ts_ns", U64, MONO, "When the handler returned."),
        col("ts_entry_ns", U64, MONO, "When the handler was entered."),
        col("cpu", U32, "", "CPU that ran the handler."),
        col("irq", U32, "", "Interrupt number."),
        col(
            "name",
            Str,
            "",
            "Handler (action) name, e.g. `virtio0-requests`.",
        ),
        col(
            "handled",
            Bool,
            "",
            "True when the handler returned IRQ_HANDLED.",
        ),
    ],
};

pub static SOFTIRQ: Table = Table {
    name: "softirq",
    source: "irq",
    doc: "One row per soft interrupt run, paired per CPU from softirq_entry and softirq_exit.",
    sort_key: "ts_ns",
    time_column: Some("ts_ns"),
    keep_in_ring: false,
    columns: &[
        col("ts_ns", U64, MONO, "When the softirq handler returned."),
        col("ts_entry_ns", U64, MONO, "When it was entered."),
        col("cpu", U32, "", "CPU that ran it."),
        col("vec", U32, "", "Softirq vector number."),
        col("name", Str, "", "Vector name: hi, timer, net_tx, net_rx, block, irq_poll, tasklet, sched, hrtimer, rcu."),
    ],
};

pub static CPU_FREQUENCY: Table = Table {
    name: "cpu_frequency",
    source: "cpufreq",
    doc: "CPU frequency changes (power:cpu_frequency), plus one row per CPU read from \
          sysfs when the recording started, so every CPU's frequency is known throughout.",
    sort_key: "ts_ns",
    time_column: Some("ts_ns"),
    keep_in_ring: false,
    columns: &[
        col(
            "ts_ns",
            U64,
            MONO,
            "When the frequency changed (or was read, for the initial rows).",
        ),
        col("cpu", U32, "", "CPU."),
        col("freq_khz", U32, "kHz", "New frequency."),
        col(
            "initial",
            Bool,
            "",
            "True for the rows read from sysfs at the start.",
        ),
    ],
};

pub static PMC: Table = Table {
    name: "pmc",
    source: "pmc",
    doc: "Hardware counter samples: each row stands for `period` events of one counter \
          (cycles, instructions, LLC references or misses) that overflowed on a CPU \
          while a task ran. Sums of `period` per task estimate its counts (llcstat, IPC).",
    sort_key: "ts_ns",
    time_column: Some("ts_ns"),
    keep_in_ring: false,
    columns: &[
        col("ts_ns", U64, MONO, "When the counter overflowed."),
        col("cpu", U32, "", "CPU."),
        col("tid", U32, "", "Thread running (0 when idle)."),
        col("pid", U32, "", "Process (tgid) running."),
        col("comm", Str, "", "Command name of the thread running."),
        col("counter", Str, "", "Which counter: `cycles`, `instructions`, `llc_references`, `llc_misses` (or a software event's name when recorded for tests)."),
        col("period", U64, "events", "Counter events this sample stands for (the sample period)."),
    ],
};

pub static STACKS: Table = Table {
    name: "stacks",
    source: STACKS_SOURCE,
    doc: "Each unique stack once, referenced by the `kstack_id` / `ustack_id` columns of \
          `profile` and `offcpu`. Filled as stacks are first seen. Ids are only \
          meaningful within one capture.",
    sort_key: "stack_id",
    time_column: None,
    keep_in_ring: true,
    columns: &[
        col("stack_id", U32, "", "Id the event rows use (never 0)."),
        col("user", Bool, "", "True for a user-space stack, false for a kernel stack."),
        col("frames", U64List, "addresses", "Return addresses, innermost (leaf) first. User addresses are virtual addresses of the process that the event row names; resolve them through `user_symbols`, kernel ones through `kernel_symbols`."),
    ],
};

pub static KERNEL_SYMBOLS: Table = Table {
    name: "kernel_symbols",
    source: STACKS_SOURCE,
    doc: "The kernel's text symbols (/proc/kallsyms, types t/T) when the recording started, \
          so that kernel frames can be named on any machine. A frame belongs to the symbol \
          with the greatest `addr` not above it.",
    sort_key: "addr",
    time_column: None,
    keep_in_ring: true,
    columns: &[
        col("addr", U64, "address", "Start address of the symbol."),
        col("name", Str, "", "Symbol name."),
        col(
            "module",
            Str,
            "",
            "Module the symbol belongs to; empty for the kernel image.",
        ),
    ],
};

pub static USER_MAPPINGS: Table = Table {
    name: "user_mappings",
    source: STACKS_SOURCE,
    doc: "The executable file mappings (/proc/PID/maps) of every process seen in a user \
          stack, read when the process is first seen, before it can exit. With the build \
          ids, frames can be symbolized again later with debug info.",
    sort_key: "pid",
    time_column: None,
    keep_in_ring: true,
    columns: &[
        col("pid", U32, "", "Process id."),
        col("start", U64, "address", "First address of the mapping."),
        col("end", U64, "address", "First address after the mapping."),
        col(
            "file_offset",
            U64,
            "bytes",
            "Offset in the file of the mapping's first byte.",
        ),
        col(
            "path",
            Str,
            "",
            "File mapped (as the process saw it; `[vdso]` for the vDSO).",
        ),
        opt(
            "build_id",
            Str,
            "",
            "GNU build id of the file, hex; null when it has none or could not be read.",
        ),
    ],
};

pub static USER_SYMBOLS: Table = Table {
    name: "user_symbols",
    source: STACKS_SOURCE,
    doc: "The name of every unique user frame address, per process, symbolized with \
          blazesym on the recording host when the recording ended (from the files the \
          process mapped, through `user_mappings`).",
    sort_key: "pid",
    time_column: None,
    keep_in_ring: true,
    columns: &[
        col("pid", U32, "", "Process id."),
        col("addr", U64, "address", "Frame address in that process."),
        opt(
            "symbol",
            Str,
            "",
            "Function name, demangled; null when it could not be named.",
        ),
        opt(
            "offset",
            U64,
            "bytes",
            "Offset of the address from the function's start.",
        ),
        opt(
            "module",
            Str,
            "",
            "Path of the file that holds the address; null when no mapping covers it.",
        ),
        opt(
            "file",
            Str,
            "",
            "Source file, when debug info was available.",
        ),
        opt(
            "line",
            U32,
            "",
            "Source line, when debug info was available.",
        ),
    ],
};

/// Every table a capture can hold, in documentation order.
pub static TABLES: &[&Table] = &[
    &BLOCK_IO,
    &PROCESS_EXEC,
    &PROCESS_FORK,
    &PROCESS_EXIT,
    &PROCESS_SNAPSHOT,
    &SCHED_SWITCH,
    &SCHED_WAKEUP,
    &OFFCPU,
    &PROFILE,
    &SYSCALLS,
    &HARDIRQ,
    &SOFTIRQ,
    &CPU_FREQUENCY,
    &PMC,
    &STACKS,
    &KERNEL_SYMBOLS,
    &USER_MAPPINGS,
    &USER_SYMBOLS,
];

/// Look a table up by name.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().copied().find(|t| t.name == name)
}

/// Tables filled by a source.
pub fn tables_of_source(source: &str) -> impl Iterator<Item = &'static Table> + '_ {
    TABLES.iter().copied().filter(move |t| t.source == source)
}

/// Render the Markdown reference of every table (the body of `schemas/README.md`).
pub fn markdown() -> String {
    let mut s = String::new();
    s.push_str("# retrace capture tables\n\n");
    s.push_str("<!-- generated from schemas/src/tables.rs by `RETRACE_BLESS=1 cargo test -p retrace-schema`; do not edit -->\n\n");
    s.push_str(
        "A capture is a folder: `manifest.json` plus one folder per table holding \
                Parquet segments (`<table>/<seq>.parquet`, zstd, dictionary-encoded strings). \
                All timestamps are CLOCK_MONOTONIC nanoseconds of the recording host; the \
                manifest's clock pair converts them to wall time.\n\n",
    );
    s.push_str(&format!("Format version: {}\n\n", crate::FORMAT_VERSION));
    for t in TABLES {
        s.push_str(&format!(
            "## `{}` (source `{}`)\n\n{}\n\n",
            t.name, t.source, t.doc
        ));
        s.push_str(&format!(
            "Rows are sorted by `{}` within each row group.\n\n",
            t.sort_key
        ));
        s.push_str("| column | type | unit | meaning |\n|---|---|---|---|\n");
        for c in t.columns {
            let ty = if c.nullable {
                format!("{} (nullable)", c.ty.doc_name())
            } else {
                c.ty.doc_name().to_string()
            };
            s.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                c.name, ty, c.unit, c.doc
            ));
        }
        s.push('\n');
    }
    s
}
