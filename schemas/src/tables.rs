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
    /// Column that places a row in time, used by the analyzer's `--since/--until`.
    pub time_column: &'static str,
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
    time_column: "ts_complete_ns",
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
    time_column: "ts_ns",
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
    time_column: "ts_ns",
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
    time_column: "ts_ns",
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
    time_column: "ts_ns",
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

/// Every table a capture can hold, in documentation order.
pub static TABLES: &[&Table] = &[
    &BLOCK_IO,
    &PROCESS_EXEC,
    &PROCESS_FORK,
    &PROCESS_EXIT,
    &PROCESS_SNAPSHOT,
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
