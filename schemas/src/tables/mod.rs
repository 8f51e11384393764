//! What a table is: its name, the source that fills it, the BPF record it is decoded
//! from, and each column with its type, unit, meaning and origin (which field of the
//! record, through which decoder). The tables themselves are declared once each, in
//! `schemas/src/catalog/<source>.rs`; from those declarations come the Arrow schemas,
//! `schemas/README.md`, the recorder's decoding of BPF records into columns, the row
//! size estimate that cuts batches, and the by-name row builders of fixtures
//! ([`crate::rows`]).
//!
//! Tables are plain data ([`Cow`] strings), so a table can also be built while
//! recording (e.g. from a tracepoint's format): nothing requires `&'static Table`.

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use arrow_schema::{DataType, Field, Schema, SchemaRef};

pub mod origin;
pub use origin::Origin;

/// Text of a declaration: borrowed for the static catalog, owned for runtime tables.
pub type Text = Cow<'static, str>;

/// A borrowed [`Text`], for declarations in `const` context.
pub const fn t(s: &'static str) -> Text {
    Cow::Borrowed(s)
}

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

    pub fn doc_name(self) -> &'static str {
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

    /// Bytes a value takes in the recorder's column buffers, about: what cuts a
    /// batch (strings are mostly command names; lists are rare rows).
    pub fn row_bytes(self) -> usize {
        match self {
            ColType::U32 | ColType::I32 => 4,
            ColType::U64 | ColType::I64 => 8,
            ColType::Bool => 1,
            ColType::Str => 16,
            ColType::StrList => 512,
            ColType::U64List => 128,
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: Text,
    pub ty: ColType,
    pub nullable: bool,
    /// Unit of the value ("ns", "bytes", "" when it has none).
    pub unit: Text,
    pub doc: Text,
    /// Where the value comes from.
    pub origin: Origin,
}

/// One table of a capture: a folder `<name>/` of Parquet segments.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: Text,
    /// The recorder source (`--sources`) that fills this table.
    pub source: Text,
    /// The BPF record (a C struct of recorder-bpf, found in its object's BTF) whose
    /// fields the columns' origins name; None when user space fills the table.
    pub record: Option<Text>,
    pub doc: Text,
    /// Column by which rows are sorted within each row group (time-range pruning).
    pub sort_key: Text,
    /// Column that places a row in time, used by the analyzer's `--since/--until`;
    /// None for reference tables (stacks, symbols) that hold no events.
    pub time_column: Option<Text>,
    /// Never deleted by flight-recorder mode: a snapshot of state at the start,
    /// which later rows need (e.g. to name processes).
    pub keep_in_ring: bool,
    pub columns: Cow<'static, [Column]>,
}

impl Table {
    /// The Arrow schema of this table.
    pub fn schema(&self) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|c| Field::new(c.name.as_ref(), c.ty.data_type(), c.nullable))
            .collect();
        Arc::new(Schema::new(fields))
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// A table this retrace does not declare, described by the schema of its files:
    /// a capture may hold tables built while recording (from a tracepoint's format)
    /// or declared by a newer retrace. Columns of types outside [`ColType`] are left
    /// out; None when no column is left.
    pub fn from_arrow(name: &str, schema: &Schema) -> Option<Table> {
        let columns: Vec<Column> = schema
            .fields()
            .iter()
            .filter_map(|f| {
                let ty = [
                    ColType::U32,
                    ColType::U64,
                    ColType::I32,
                    ColType::I64,
                    ColType::Bool,
                    ColType::Str,
                    ColType::StrList,
                    ColType::U64List,
                ]
                .into_iter()
                .find(|t| t.data_type().equals_datatype(f.data_type()))?;
                Some(Column {
                    name: f.name().clone().into(),
                    ty,
                    nullable: f.is_nullable(),
                    unit: t(""),
                    doc: t("(not declared by this retrace)"),
                    origin: Origin::Host(t("a table not in this retrace's catalog")),
                })
            })
            .collect();
        let first = columns.first()?.name.clone();
        let time = columns
            .iter()
            .find(|c| c.name == "ts_ns" && c.ty == ColType::U64)
            .map(|c| c.name.clone());
        Some(Table {
            name: name.to_string().into(),
            source: t(""),
            record: None,
            doc: t("A table not in this retrace's catalog, read as its files describe it."),
            sort_key: time.clone().unwrap_or(first),
            time_column: time,
            keep_in_ring: false,
            columns: columns.into(),
        })
    }

    /// Bytes a row takes in the recorder's buffers, about (see [`ColType::row_bytes`]).
    pub fn row_bytes(&self) -> usize {
        self.columns.iter().map(|c| c.ty.row_bytes()).sum()
    }
}

/// A column that every row has.
pub const fn col(
    name: &'static str,
    ty: ColType,
    unit: &'static str,
    doc: &'static str,
    origin: Origin,
) -> Column {
    Column {
        name: t(name),
        ty,
        nullable: false,
        unit: t(unit),
        doc: t(doc),
        origin,
    }
}

/// A column that may be null.
pub const fn opt(
    name: &'static str,
    ty: ColType,
    unit: &'static str,
    doc: &'static str,
    origin: Origin,
) -> Column {
    Column {
        name: t(name),
        ty,
        nullable: true,
        unit: t(unit),
        doc: t(doc),
        origin,
    }
}

/// The columns of a network table (catalog/tcp.rs, sockio.rs): its time, the
/// current task (what it means: `$task`), the columns of its own, the socket's
/// endpoints, then more of its own.
macro_rules! net_columns {
    ($ts:expr, $task:literal, [$($own:expr,)*], [$($more:expr,)*]) => {
        ::std::borrow::Cow::Borrowed(&[
            $ts,
            $crate::tables::col("pid", $crate::tables::ColType::U32, "", concat!("Process (tgid) current when the event was made: ", $task), $crate::tables::origin::field("pid")),
            $crate::tables::col("tid", $crate::tables::ColType::U32, "", "Thread of that process.", $crate::tables::origin::field("tid")),
            $crate::tables::col("comm", $crate::tables::ColType::Str, "", "Command name of that thread.", $crate::tables::origin::cstr("comm")),
            $($own,)*
            $crate::tables::col("family", $crate::tables::ColType::U32, "", "Address family: 2 AF_INET (IPv4), 10 AF_INET6 (IPv6).", $crate::tables::origin::field("family")),
            $crate::tables::opt("saddr", $crate::tables::ColType::Str, "", "Local (source) address: 127.0.0.1, ::1 (IPv4-mapped IPv6 as ::ffff:a.b.c.d).", $crate::tables::origin::inet_addr("family", "saddr")),
            $crate::tables::col("sport", $crate::tables::ColType::U32, "", "Local (source) port; 0 before it is bound (a connect's first change).", $crate::tables::origin::field("sport")),
            $crate::tables::opt("daddr", $crate::tables::ColType::Str, "", "Remote (destination) address.", $crate::tables::origin::inet_addr("family", "daddr")),
            $crate::tables::col("dport", $crate::tables::ColType::U32, "", "Remote (destination) port.", $crate::tables::origin::field("dport")),
            $($more,)*
        ])
    };
}
pub(crate) use net_columns;

/// Unit of every timestamp.
pub const MONO: &str = "ns, CLOCK_MONOTONIC";

/// Every table of the catalog, in documentation order (by source, then as declared).
pub static TABLES: LazyLock<Vec<&'static Table>> = LazyLock::new(|| {
    crate::catalog::CHAPTERS
        .iter()
        .flat_map(|c| c.tables.iter().copied())
        .collect()
});

/// Look a table of the catalog up by name.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().copied().find(|t| t.name == name)
}

/// Tables filled by a source.
pub fn tables_of_source(source: &str) -> impl Iterator<Item = &'static Table> + '_ {
    TABLES.iter().copied().filter(move |t| t.source == source)
}

/// Most arguments kept per exec; longer argument lists are cut and flagged. (The BPF
/// side's bounds are checked against these by the recorder's tests.)
pub const EXEC_MAX_ARGS: usize = 32;
/// Most bytes of arguments (including their NUL terminators) kept per exec.
pub const EXEC_ARGS_BYTES: usize = 4096;
/// Most bytes kept of the exec'd file name.
pub const EXEC_FILENAME_BYTES: usize = 256;

/// Pseudo-source of the tables that stack-recording sources (`profile`, `offcpu`)
/// share: the unique stacks and what offline symbolization needs.
pub const STACKS_SOURCE: &str = "stacks";

/// Render the Markdown reference of every table (the body of `schemas/README.md`).
pub fn markdown() -> String {
    let mut s = String::new();
    s.push_str("# retrace capture tables\n\n");
    s.push_str("<!-- generated from schemas/src/catalog/*.rs by `RETRACE_BLESS=1 cargo test -p retrace-schema`; do not edit -->\n\n");
    s.push_str(
        "A capture is a folder: `manifest.json` plus one folder per table holding \
                Parquet segments (`<table>/<seq>.parquet`, zstd, dictionary-encoded strings). \
                All timestamps are CLOCK_MONOTONIC nanoseconds of the recording host; the \
                manifest's clock pair converts them to wall time.\n\n",
    );
    s.push_str(&format!("Format version: {}\n\n", crate::FORMAT_VERSION));
    s.push_str(
        "The *from* column says where each value comes from: a field of the source's \
         BPF record (`rt_*` structs in `recorder-bpf/src/bpf/`), through which decoder, or \
         what user space read on the recording host.\n\n",
    );
    for t in TABLES.iter() {
        s.push_str(&format!(
            "## `{}` (source `{}`)\n\n{}\n\n",
            t.name, t.source, t.doc
        ));
        if let Some(r) = &t.record {
            s.push_str(&format!("Decoded from the BPF record `struct {r}`. "));
        }
        s.push_str(&format!(
            "Rows are sorted by `{}` within each row group.\n\n",
            t.sort_key
        ));
        s.push_str("| column | type | unit | from | meaning |\n|---|---|---|---|---|\n");
        for c in t.columns.iter() {
            let ty = if c.nullable {
                format!("{} (nullable)", c.ty.doc_name())
            } else {
                c.ty.doc_name().to_string()
            };
            s.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                c.name,
                ty,
                c.unit,
                c.origin.describe(),
                c.doc
            ));
        }
        s.push('\n');
    }
    s
}

// The catalog's tables by name, for code that writes them (fixtures, the recorder's
// user-space rows). New tables need not be added here: `crate::catalog::<source>::*`.
pub use crate::catalog::cpufreq::CPU_FREQUENCY;
pub use crate::catalog::disk::BLOCK_IO;
pub use crate::catalog::irq::{HARDIRQ, SOFTIRQ};
pub use crate::catalog::offcpu::OFFCPU;
pub use crate::catalog::pmc::PMC;
pub use crate::catalog::proc::{PROCESS_EXEC, PROCESS_EXIT, PROCESS_FORK, PROCESS_SNAPSHOT};
pub use crate::catalog::profile::PROFILE;
pub use crate::catalog::sched::{SCHED_SWITCH, SCHED_WAKEUP};
pub use crate::catalog::stacks::{KERNEL_SYMBOLS, STACKS, USER_MAPPINGS, USER_SYMBOLS};
pub use crate::catalog::syscalls::SYSCALLS;
