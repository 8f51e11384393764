//! Printing named stacks: the bcc multi-line layout (kernel frames leaf first, `--`,
//! user frames leaf first, `-  comm (pid)`, the value; hottest last), folded lines for
//! flamegraph.pl and inferno (`comm;user root..leaf;kernel root..leaf value`), and
//! the rows as an Arrow batch for `--json` / `--csv`.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

use arrow::array::UInt64Array;
use arrow::array::{ArrayRef, ListBuilder, RecordBatch, StringArray, StringBuilder, UInt32Array};
use arrow::datatypes::{DataType, Field, Schema};

use super::collect::StackRow;
use crate::error::Result;
use crate::session::QueryResult;

/// Order for printing: smallest value first, so the hottest stack ends up last, right
/// above the prompt (as bcc prints); ties in a fixed order.
pub fn sort_hottest_last(rows: &mut [StackRow]) {
    rows.sort_by(|a, b| {
        a.value
            .cmp(&b.value)
            .then_with(|| a.comm.cmp(&b.comm))
            .then_with(|| a.pid.cmp(&b.pid))
            .then_with(|| a.kernel.cmp(&b.kernel))
            .then_with(|| a.user.cmp(&b.user))
    });
}

/// The bcc layout, one block per row, in the order given.
pub fn write_multiline(rows: &[StackRow], out: &mut dyn Write) -> io::Result<()> {
    for r in rows {
        for f in &r.kernel {
            writeln!(out, "    {f}")?;
        }
        if !r.kernel.is_empty() && !r.user.is_empty() {
            writeln!(out, "    --")?;
        }
        for f in &r.user {
            writeln!(out, "    {f}")?;
        }
        writeln!(out, "    {:<16} {} ({})", "-", r.comm, r.pid)?;
        writeln!(out, "        {}", r.value)?;
        writeln!(out)?;
    }
    Ok(())
}

/// The folded form of a row's stack, without its value: the command, then user
/// frames from the root to the leaf, then kernel frames from the root to the leaf,
/// with a `-` frame between the two when `delimit` is set.
pub fn folded_stack(r: &StackRow, delimit: bool) -> String {
    let mut parts: Vec<&str> = Vec::with_capacity(1 + r.user.len() + r.kernel.len() + 1);
    parts.push(&r.comm);
    parts.extend(r.user.iter().rev().map(String::as_str));
    if delimit && !r.user.is_empty() && !r.kernel.is_empty() {
        parts.push("-");
    }
    parts.extend(r.kernel.iter().rev().map(String::as_str));
    parts.join(";")
}

/// Folded lines with their values; rows that fold to the same stack (two processes
/// of one command) are summed. Smallest first, like the multi-line output.
pub fn folded_lines(rows: &[StackRow], delimit: bool) -> Vec<(String, u64)> {
    let mut sums: BTreeMap<String, u64> = BTreeMap::new();
    for r in rows {
        *sums.entry(folded_stack(r, delimit)).or_insert(0) += r.value;
    }
    let mut lines: Vec<(String, u64)> = sums.into_iter().collect();
    lines.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    lines
}

pub fn write_folded(rows: &[StackRow], delimit: bool, out: &mut dyn Write) -> io::Result<()> {
    for (stack, value) in folded_lines(rows, delimit) {
        writeln!(out, "{stack} {value}")?;
    }
    Ok(())
}

fn names(stacks: impl Iterator<Item = Vec<String>>) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for s in stacks {
        for f in s {
            b.values().append_value(f);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

/// The rows for `--json` / `--csv`: pid, comm, the stack ids, the named frames (leaf
/// first), the folded stack, the event count (`events_col`, when it is not the value)
/// and the value (`value_col`).
pub fn to_result(
    rows: &[StackRow],
    events_col: Option<&str>,
    value_col: &str,
) -> Result<QueryResult> {
    let list = |name: &str| {
        Field::new(
            name,
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            false,
        )
    };
    let mut fields = vec![
        Field::new("pid", DataType::UInt32, false),
        Field::new("comm", DataType::Utf8, false),
        Field::new("kstack_id", DataType::UInt32, false),
        Field::new("ustack_id", DataType::UInt32, false),
        list("kernel_stack"),
        list("user_stack"),
        Field::new("folded", DataType::Utf8, false),
    ];
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(UInt32Array::from_iter_values(rows.iter().map(|r| r.pid))),
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| &r.comm))),
        Arc::new(UInt32Array::from_iter_values(
            rows.iter().map(|r| r.kstack_id),
        )),
        Arc::new(UInt32Array::from_iter_values(
            rows.iter().map(|r| r.ustack_id),
        )),
        names(rows.iter().map(|r| r.kernel.clone())),
        names(rows.iter().map(|r| r.user.clone())),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|r| folded_stack(r, false)),
        )),
    ];
    if let Some(events_col) = events_col {
        fields.push(Field::new(events_col, DataType::UInt64, false));
        columns.push(Arc::new(UInt64Array::from_iter_values(
            rows.iter().map(|r| r.events),
        )));
    }
    fields.push(Field::new(value_col, DataType::UInt64, false));
    columns.push(Arc::new(UInt64Array::from_iter_values(
        rows.iter().map(|r| r.value),
    )));
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), columns)?;
    Ok(QueryResult {
        schema,
        batches: vec![batch],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(comm: &str, pid: u32, kernel: &[&str], user: &[&str], value: u64) -> StackRow {
        StackRow {
            pid,
            comm: comm.into(),
            kstack_id: u32::from(!kernel.is_empty()),
            ustack_id: 2 * u32::from(!user.is_empty()),
            value,
            events: value,
            kernel: kernel.iter().map(|s| s.to_string()).collect(),
            user: user.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn sample() -> Vec<StackRow> {
        vec![
            row("gzip", 5000, &[], &["longest_match", "deflate", "main"], 31),
            row("gzip", 5001, &[], &["longest_match", "deflate", "main"], 8),
            row(
                "gzip",
                5000,
                &["vfs_read", "do_syscall_64"],
                &["read", "main"],
                4,
            ),
            row("swapper/0", 0, &["default_idle", "do_idle"], &[], 20),
            row("gzip", 5000, &[], &[], 2),
        ]
    }

    #[test]
    fn multiline_layout_exact_text() {
        let mut rows = sample();
        sort_hottest_last(&mut rows);
        let mut out = Vec::new();
        write_multiline(&rows[..3], &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "    -                gzip (5000)
        2

    vfs_read
    do_syscall_64
    --
    read
    main
    -                gzip (5000)
        4

    longest_match
    deflate
    main
    -                gzip (5001)
        8

"
        );
    }

    #[test]
    fn folded_lines_root_first_merged_and_delimited() {
        let mut out = Vec::new();
        write_folded(&sample(), false, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "gzip 2
gzip;main;read;do_syscall_64;vfs_read 4
swapper/0;do_idle;default_idle 20
gzip;main;deflate;longest_match 39
"
        );
        let lines = folded_lines(&sample(), true);
        assert!(lines.contains(&("gzip;main;read;-;do_syscall_64;vfs_read".to_string(), 4)));
        assert!(lines.contains(&("swapper/0;do_idle;default_idle".to_string(), 20)));
    }
}
