//! Source `stacks` and its tables: the stacks and symbols that stack sources share.

use std::borrow::Cow;

use crate::sources::{Loader, SourceDef};
use crate::tables::{origin::*, t, ColType::*, Table, col, opt};

/// Not a source of its own: whichever stack source ran (`profile`, `offcpu`) fills these.
pub static SOURCE: SourceDef = SourceDef {
    name: crate::tables::STACKS_SOURCE,
    about: "stacks and symbols shared by the stack sources",
    rate: "",
    default: false,
    object: None,
    probes: &[],
    needs: "",
    loader: Loader::Shared,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&STACKS, &KERNEL_SYMBOLS, &USER_MAPPINGS, &USER_SYMBOLS];

pub static STACKS: Table = Table {
    name: t("stacks"),
    source: t(crate::tables::STACKS_SOURCE),
    record: None,
    doc: t("Each unique stack once, referenced by the `kstack_id` / `ustack_id` columns of \
          `profile` and `offcpu`. Filled as stacks are first seen. Ids are only \
          meaningful within one capture."),
    sort_key: t("stack_id"),
    time_column: None,
    keep_in_ring: true,
    columns: Cow::Borrowed(&[
        col("stack_id", U32, "", "Id the event rows use (never 0).", host("stack maps and sample records, deduplicated by the recorder")),
        col("user", Bool, "", "True for a user-space stack, false for a kernel stack.", host("stack maps and sample records, deduplicated by the recorder")),
        col("frames", U64List, "addresses", "Return addresses, innermost (leaf) first. User addresses are virtual addresses of the process that the event row names; resolve them through `user_symbols`, kernel ones through `kernel_symbols`.", host("stack maps and sample records, deduplicated by the recorder")),
    ]),
};

pub static KERNEL_SYMBOLS: Table = Table {
    name: t("kernel_symbols"),
    source: t(crate::tables::STACKS_SOURCE),
    record: None,
    doc: t("The kernel's text symbols (/proc/kallsyms, types t/T) when the recording started, \
          so that kernel frames can be named on any machine. A frame belongs to the symbol \
          with the greatest `addr` not above it."),
    sort_key: t("addr"),
    time_column: None,
    keep_in_ring: true,
    columns: Cow::Borrowed(&[
        col("addr", U64, "address", "Start address of the symbol.", host("/proc/kallsyms")),
        col("name", Str, "", "Symbol name.", host("/proc/kallsyms")),
        col(
            "module",
            Str,
            "",
            "Module the symbol belongs to; empty for the kernel image.",
            host("/proc/kallsyms"),
        ),
    ]),
};

pub static USER_MAPPINGS: Table = Table {
    name: t("user_mappings"),
    source: t(crate::tables::STACKS_SOURCE),
    record: None,
    doc: t("The executable file mappings (/proc/PID/maps) of every process seen in a user \
          stack, read when the process is first seen, before it can exit. With the build \
          ids, frames can be symbolized again later with debug info."),
    sort_key: t("pid"),
    time_column: None,
    keep_in_ring: true,
    columns: Cow::Borrowed(&[
        col("pid", U32, "", "Process id.", host("/proc/PID/maps and the mapped files")),
        col("start", U64, "address", "First address of the mapping.", host("/proc/PID/maps and the mapped files")),
        col("end", U64, "address", "First address after the mapping.", host("/proc/PID/maps and the mapped files")),
        col(
            "file_offset",
            U64,
            "bytes",
            "Offset in the file of the mapping's first byte.",
            host("/proc/PID/maps and the mapped files"),
        ),
        col(
            "path",
            Str,
            "",
            "File mapped (as the process saw it; `[vdso]` for the vDSO).",
            host("/proc/PID/maps and the mapped files"),
        ),
        opt(
            "build_id",
            Str,
            "",
            "GNU build id of the file, hex; null when it has none or could not be read.",
            host("/proc/PID/maps and the mapped files"),
        ),
    ]),
};

pub static USER_SYMBOLS: Table = Table {
    name: t("user_symbols"),
    source: t(crate::tables::STACKS_SOURCE),
    record: None,
    doc: t("The name of every unique user frame address, per process, symbolized with \
          blazesym on the recording host when the recording ended (from the files the \
          process mapped, through `user_mappings`)."),
    sort_key: t("pid"),
    time_column: None,
    keep_in_ring: true,
    columns: Cow::Borrowed(&[
        col("pid", U32, "", "Process id.", host("blazesym, at finalize")),
        col("addr", U64, "address", "Frame address in that process.", host("blazesym, at finalize")),
        opt(
            "symbol",
            Str,
            "",
            "Function name, demangled; null when it could not be named.",
            host("blazesym, at finalize"),
        ),
        opt(
            "offset",
            U64,
            "bytes",
            "Offset of the address from the function's start.",
            host("blazesym, at finalize"),
        ),
        opt(
            "module",
            Str,
            "",
            "Path of the file that holds the address; null when no mapping covers it.",
            host("blazesym, at finalize"),
        ),
        opt(
            "file",
            Str,
            "",
            "Source file, when debug info was available.",
            host("blazesym, at finalize"),
        ),
        opt(
            "line",
            U32,
            "",
            "Source line, when debug info was available.",
            host("blazesym, at finalize"),
        ),
    ]),
};
