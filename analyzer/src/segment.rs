//! Checking one Parquet segment before any query reads it: the footer parses, and the
//! file's columns are those of its table (by name, with a type the table's can be read
//! as). Only the footer and page index are read, so checking every segment of a large
//! capture is cheap, and a damaged file is found when the capture is opened rather than
//! in the middle of a query.
//!
//! Columns a segment holds beyond its table's are ignored (a newer writer may add
//! some). Columns it lacks were added to the table after an older writer wrote it:
//! they read as null, and the capture says so. A column of another type, or a
//! file that lacks its table's sort key, time column or most of its columns, is
//! foreign.

use std::fs::File;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use arrow::datatypes::{DataType, Schema};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::file::metadata::{PageIndexPolicy, ParquetMetaData};
use retrace_schema::Table;

/// A segment that passed the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub path: PathBuf,
    /// Rows in the segment, from its footer.
    pub rows: u64,
    /// The table's columns the file lacks (added after it was written): read as null.
    pub missing: Vec<String>,
}

/// Check the segment at `path` against `table`. The error says what is wrong with the
/// file, in a few words that follow its path in a message.
pub fn check(path: &Path, table: &Table) -> Result<Segment, String> {
    let file = open_segment(path)?;
    let len = file
        .metadata()
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if len == 0 {
        return Err("truncated segment (empty file)".into());
    }
    let options = ArrowReaderOptions::new().with_page_index_policy(PageIndexPolicy::Optional);
    // The Parquet reader should return errors on any input; a panic on a hostile
    // footer is treated the same way rather than ending the program.
    let loaded = crate::panic_guard::quietly(AssertUnwindSafe(|| {
        ArrowReaderMetadata::load(&file, options)
    }))
    .ok_or_else(|| "corrupt segment (the Parquet reader failed on its footer)".to_string())?;
    let meta = loaded.map_err(|e| {
        format!(
            "truncated or corrupt segment (not a readable Parquet file: {})",
            parquet_error(&e.to_string())
        )
    })?;
    let missing = check_columns(meta.schema(), meta.metadata(), table)?;
    let rows = meta.metadata().file_metadata().num_rows();
    let rows =
        u64::try_from(rows).map_err(|_| format!("corrupt segment (footer says {rows} rows)"))?;
    Ok(Segment {
        path: path.to_path_buf(),
        rows,
        missing,
    })
}

/// Open a segment for reading: without following a link and without blocking (a
/// FIFO put in its place after the folder was listed would block an ordinary
/// open forever), and only if it is a regular file.
fn open_segment(path: &Path) -> Result<File, String> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| format!("cannot open: {e}"))?;
    let kind = file
        .metadata()
        .map_err(|e| format!("cannot read: {e}"))?
        .file_type();
    if !kind.is_file() {
        return Err(format!(
            "not a regular file ({}), not read",
            retrace_schema::file_kind(&kind)
        ));
    }
    Ok(file)
}

/// Decode every page of a segment whose footer passed [`check`]: the slow, thorough
/// check, run only when a query failed on data that the footer check cannot see.
pub fn decode(path: &Path) -> Result<(), String> {
    let file = open_segment(path)?;
    let decoded =
        crate::panic_guard::quietly(AssertUnwindSafe(|| -> parquet::errors::Result<()> {
            let reader = ParquetRecordBatchReaderBuilder::try_new(file)?.build()?;
            for batch in reader {
                batch?;
            }
            Ok(())
        }));
    match decoded {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => Err(format!(
            "corrupt segment (its data cannot be decoded: {})",
            parquet_error(&e.to_string())
        )),
        None => Err("corrupt segment (the Parquet reader failed on its data)".into()),
    }
}

/// Whether the file's schema lets the table's columns be read from it faithfully;
/// the table's columns it lacks, which read as null.
fn check_columns(
    found: &Schema,
    meta: &ParquetMetaData,
    table: &Table,
) -> Result<Vec<String>, String> {
    let mut missing = Vec::new();
    for (i, f) in found.fields().iter().enumerate() {
        if found
            .fields()
            .iter()
            .skip(i + 1)
            .any(|g| g.name() == f.name())
        {
            return Err(format!(
                "foreign schema: column `{}` appears twice",
                f.name()
            ));
        }
    }
    for col in table.columns.iter() {
        let want = col.ty.data_type();
        let Some(f) = found.fields().iter().find(|f| *f.name() == col.name) else {
            missing.push(col.name.to_string());
            continue;
        };
        if !readable_as(f.data_type(), &want) {
            return Err(format!(
                "foreign schema: column `{}` is {}, table {} needs {}",
                col.name,
                f.data_type(),
                table.name,
                want
            ));
        }
        if f.is_nullable() && !col.nullable && may_hold_nulls(meta, &col.name) {
            return Err(format!(
                "foreign schema: column `{}` may hold nulls, table {} requires a value",
                col.name, table.name
            ));
        }
    }
    // An older segment of this table keeps its key columns and most others; a file
    // that does not is some other table's.
    let key_missing = missing
        .iter()
        .any(|m| **m == *table.sort_key || table.time_column.as_ref().is_some_and(|t| **m == **t));
    if key_missing || missing.len() * 2 >= table.columns.len() {
        let names: Vec<&str> = found.fields().iter().map(|f| f.name().as_str()).collect();
        return Err(format!(
            "foreign schema: no column `{}` of table {} (the file has: {})",
            missing[0],
            table.name,
            shorten(&names.join(", "), 120)
        ));
    }
    Ok(missing)
}

/// Whether values of type `found` read as `want` without loss or change of meaning.
fn readable_as(found: &DataType, want: &DataType) -> bool {
    use DataType::*;
    match (found, want) {
        (a, b) if a == b => true,
        (Utf8 | LargeUtf8 | Utf8View, Utf8) => true,
        (Dictionary(_, value), w) => readable_as(value, w),
        (List(a) | LargeList(a), List(b)) => readable_as(a.data_type(), b.data_type()),
        _ => false,
    }
}

/// Whether a column holds nulls in any row group, or its statistics cannot say.
fn may_hold_nulls(meta: &ParquetMetaData, name: &str) -> bool {
    meta.row_groups().iter().any(|rg| {
        rg.columns()
            .iter()
            .filter(|c| c.column_path().parts().first().map(String::as_str) == Some(name))
            .any(|c| {
                c.statistics()
                    .and_then(|s| s.null_count_opt())
                    .is_none_or(|n| n > 0)
            })
    })
}

/// A Parquet error without the wrappers' prefixes, on one line.
fn parquet_error(s: &str) -> String {
    let mut s = s.trim();
    while let Some(rest) = ["Parquet error: ", "External: ", "Parquet argument error: "]
        .iter()
        .find_map(|p| s.strip_prefix(p))
    {
        s = rest;
    }
    one_line(s)
}

fn one_line(s: &str) -> String {
    shorten(&s.split_whitespace().collect::<Vec<_>>().join(" "), 200)
}

fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// The Arrow schema of a segment, if its footer can be read.
pub fn schema(path: &Path) -> Option<arrow::datatypes::Schema> {
    let file = open_segment(path).ok()?;
    let options = ArrowReaderOptions::new().with_page_index_policy(PageIndexPolicy::Optional);
    let loaded = crate::panic_guard::quietly(AssertUnwindSafe(|| {
        ArrowReaderMetadata::load(&file, options)
    }))?;
    Some(loaded.ok()?.schema().as_ref().clone())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::datatypes::Field;

    use super::*;

    #[test]
    fn compatible_types() {
        assert!(readable_as(&DataType::Utf8View, &DataType::Utf8));
        assert!(readable_as(
            &DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
            &DataType::Utf8
        ));
        let element = DataType::List(Arc::new(Field::new("element", DataType::Utf8, false)));
        let item = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
        assert!(readable_as(&element, &item));
        assert!(!readable_as(&DataType::Int64, &DataType::UInt32));
        assert!(!readable_as(&DataType::UInt64, &DataType::Int64));
        assert!(!readable_as(&DataType::Utf8, &item));
    }

    #[test]
    fn long_text_is_cut() {
        assert_eq!(shorten("abcdef", 3), "abc...");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
