//! Output formats behind one print path: a text table (for `retrace sql`), JSON (an
//! array of row objects keyed by column name, numbers as numbers, nulls as null) and
//! CSV (header + rows). Tools render their own text and use JSON/CSV from here.

use std::io::Write;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::util::display::{ArrayFormatter, FormatOptions};
use arrow::util::pretty::pretty_format_batches;

use crate::error::Result;
use crate::session::QueryResult;

/// How to print results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Human text: a tool's own layout, or a table for `retrace sql`.
    #[default]
    Text,
    Json,
    Csv,
}

/// `--json` / `--csv`, shared by every command that prints rows.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FormatArgs {
    /// Print the result rows as a JSON array of objects (keys are the query's column names).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the result rows as CSV with a header line.
    #[arg(long)]
    pub csv: bool,
}

impl FormatArgs {
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else if self.csv {
            Format::Csv
        } else {
            Format::Text
        }
    }
}

/// Write the rows as a JSON array of objects, one per row.
pub fn write_json(result: &QueryResult, out: &mut dyn Write) -> Result<()> {
    let mut writer = arrow::json::WriterBuilder::new()
        .with_explicit_nulls(true)
        .build::<_, arrow::json::writer::JsonArray>(&mut *out);
    for batch in &result.batches {
        writer.write(batch)?;
    }
    writer.finish()?;
    drop(writer);
    out.write_all(b"\n")?;
    Ok(())
}

/// Write the rows as CSV with a header line (also when there are no rows).
pub fn write_csv(result: &QueryResult, out: &mut dyn Write) -> Result<()> {
    let mut writer = arrow::csv::WriterBuilder::new()
        .with_header(true)
        .build(&mut *out);
    if result.batches.iter().all(|b| b.num_rows() == 0) {
        let empty = RecordBatch::new_empty(result.schema.clone());
        writer.write(&flatten_nested(&empty)?)?;
    } else {
        for batch in result.batches.iter().filter(|b| b.num_rows() > 0) {
            writer.write(&flatten_nested(batch)?)?;
        }
    }
    Ok(())
}

/// CSV has no lists or structs: print such columns as their text form (`[a, b]`).
fn flatten_nested(batch: &RecordBatch) -> Result<RecordBatch> {
    if !batch.columns().iter().any(|c| c.data_type().is_nested()) {
        return Ok(batch.clone());
    }
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (field, col) in batch.schema().fields().iter().zip(batch.columns()) {
        if col.data_type().is_nested() {
            let fmt = ArrayFormatter::try_new(col.as_ref(), &FormatOptions::default())?;
            let text: StringArray = (0..col.len())
                .map(|i| (!col.is_null(i)).then(|| fmt.value(i).to_string()))
                .collect();
            fields.push(Field::new(field.name(), DataType::Utf8, true));
            columns.push(Arc::new(text));
        } else {
            fields.push(field.as_ref().clone());
            columns.push(col.clone());
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

/// Write the rows as a text table (header even when there are no rows).
pub fn write_table(result: &QueryResult, out: &mut dyn Write) -> Result<()> {
    let batches: Vec<RecordBatch> = if result.num_rows() == 0 {
        vec![RecordBatch::new_empty(result.schema.clone())]
    } else {
        result.batches.clone()
    };
    writeln!(out, "{}", pretty_format_batches(&batches)?)?;
    Ok(())
}

/// Write rows in the given format (Text as a table).
pub fn write_rows(result: &QueryResult, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Text => write_table(result, out),
        Format::Json => write_json(result, out),
        Format::Csv => write_csv(result, out),
    }
}
