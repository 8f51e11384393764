//! How a table is encoded in Parquet: compression, dictionaries and encodings per
//! column, row group size, and the sort that puts row groups in time order.

use arrow::array::{Array, AsArray, RecordBatch, UInt32Array};
use arrow::compute::{sort_to_indices, take_record_batch};
use arrow::datatypes::UInt64Type;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use crate::tables::{ColType, Table};
use crate::Error;

/// Rows per Parquet row group: small enough that the writer's buffer stays bounded,
/// large enough for good compression and cheap statistics.
const ROW_GROUP_ROWS: usize = 256 * 1024;

/// Columns of the busiest tables whose values zstd compresses as well without a
/// dictionary as with one (measured on a context-switch storm: each within 0.003
/// B/row either way), where the dictionary would only cost hashing every value.
/// Thread ids stay dictionary-encoded in sched_wakeup (wakers and wakees of many
/// threads interleave: 0.06 B/row with a dictionary, 0.10 without) and in
/// sched_switch the state does (0.06 vs 0.09).
const PLAIN_COLUMNS: &[(&str, &[&str])] = &[
    (
        "sched_switch",
        &[
            "cpu",
            "prev_tid",
            "prev_pid",
            "prev_prio",
            "next_tid",
            "next_pid",
            "next_prio",
        ],
    ),
    ("sched_wakeup", &["cpu", "target_cpu", "prio"]),
];

/// Encodings chosen by measurement (BENCHMARKS.md): timestamps (`*_ns`) are
/// nearly all distinct, so a dictionary only costs hashing every value; rows are
/// sorted by time, so their deltas are small and DELTA_BINARY_PACKED stores them
/// in a few bits (a sched_switch row's ts_ns went from 3.2 to about 1.2 bytes).
/// Everything else repeats (pids, comms, CPUs) and stays dictionary-encoded,
/// except the [`PLAIN_COLUMNS`].
pub(super) fn writer_properties(table: &Table) -> WriterProperties {
    let mut b = WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).expect("valid level"),
        ))
        .set_dictionary_enabled(true)
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_created_by(format!("retrace {}", env!("CARGO_PKG_VERSION")));
    let plain = PLAIN_COLUMNS
        .iter()
        .find(|(t, _)| *t == table.name)
        .map_or(&[][..], |(_, c)| *c);
    for c in table.columns.iter() {
        let path = ColumnPath::from(c.name.as_ref());
        if c.name.ends_with("_ns") && matches!(c.ty, ColType::U64 | ColType::I64) {
            b = b
                .set_column_dictionary_enabled(path.clone(), false)
                .set_column_encoding(path, Encoding::DELTA_BINARY_PACKED);
        } else if plain.contains(&c.name.as_ref()) {
            b = b.set_column_dictionary_enabled(path, false);
        }
    }
    b.build()
}

pub(super) fn sort_batch(table: &Table, batch: &RecordBatch) -> Result<RecordBatch, Error> {
    let key = batch
        .column_by_name(&table.sort_key)
        .ok_or_else(|| Error::Parquet(format!("{}: no column {}", table.name, table.sort_key)))?;
    let idx = match key.as_primitive_opt::<UInt64Type>() {
        // Timestamps arrive in order per CPU ring: a batch is sorted already, or a
        // few sorted runs that a stable sort merges in about linear time.
        Some(ts) if ts.null_count() == 0 => {
            let ts = ts.values();
            if ts.is_sorted() {
                return Ok(batch.clone());
            }
            let mut keyed: Vec<(u64, u32)> = ts.iter().zip(0..).map(|(&t, i)| (t, i)).collect();
            keyed.sort_by_key(|&(t, _)| t);
            UInt32Array::from_iter_values(keyed.into_iter().map(|(_, i)| i))
        }
        _ => sort_to_indices(key, None, None).map_err(|e| Error::Parquet(e.to_string()))?,
    };
    take_record_batch(batch, &idx).map_err(|e| Error::Parquet(e.to_string()))
}
