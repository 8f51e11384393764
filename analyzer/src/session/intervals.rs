//! `window_intervals`: the time window's intervals as a table, registered before
//! each query from its bound parameters, so that per-interval tools print a line
//! for an interval without events too (a zero, as the live tools print) without
//! each query generating the list itself.
//!
//! One row per interval of `$interval_ns` from `$start_ns` until `$end_ns`, the
//! last one cut at the window's end:
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `interval_index` | i64 | 0-based, as the tools' `(ts_ns - $start_ns) / $interval_ns` |
//! | `start_ns` | u64 | CLOCK_MONOTONIC ns the interval starts at |
//! | `end_ns` | u64 | CLOCK_MONOTONIC ns it ends at (exclusive) |
//! | `secs` | f64 | its length in seconds (for per-second rates) |
//!
//! Without the three parameters (a `retrace sql` query that binds none) the table
//! is empty.

use std::sync::Arc;

use arrow::array::{Float64Array, Int64Array, RecordBatch, UInt64Array};
use arrow::datatypes::{DataType, Field, Schema};
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;

use super::Params;
use crate::error::Result;

pub const TABLE: &str = "window_intervals";

/// At most this many intervals: a window of a day at 1 ms would be 86 million.
const MAX_INTERVALS: u64 = 1_000_000;

/// The intervals of [start, end) of width `interval` (none when it is 0 or the
/// window empty).
pub fn intervals(start: u64, end: u64, interval: u64) -> Vec<(u64, u64)> {
    if interval == 0 || end <= start {
        return Vec::new();
    }
    let n = (end - start).div_ceil(interval).min(MAX_INTERVALS);
    (0..n)
        .map(|i| {
            let s = start + i * interval;
            (s, s.saturating_add(interval).min(end))
        })
        .collect()
}

/// (Re)register the table for these parameters.
pub fn register(ctx: &SessionContext, params: &Params) -> Result<()> {
    let get = |name: &str| params.u64(name).ok();
    let list = match (get("start_ns"), get("end_ns"), get("interval_ns")) {
        (Some(s), Some(e), Some(i)) => intervals(s, e, i),
        _ => Vec::new(),
    };
    let schema = Arc::new(Schema::new(vec![
        Field::new("interval_index", DataType::Int64, false),
        Field::new("start_ns", DataType::UInt64, false),
        Field::new("end_ns", DataType::UInt64, false),
        Field::new("secs", DataType::Float64, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from_iter_values(0..list.len() as i64)),
            Arc::new(UInt64Array::from_iter_values(list.iter().map(|(s, _)| *s))),
            Arc::new(UInt64Array::from_iter_values(list.iter().map(|(_, e)| *e))),
            Arc::new(Float64Array::from_iter_values(
                list.iter().map(|(s, e)| (e - s) as f64 / 1e9),
            )),
        ],
    )?;
    ctx.deregister_table(TABLE)?;
    ctx.register_table(
        TABLE,
        Arc::new(MemTable::try_new(schema, vec![vec![batch]])?),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::intervals;

    #[test]
    fn the_last_interval_is_cut_at_the_window_end() {
        assert_eq!(intervals(10, 35, 10), vec![(10, 20), (20, 30), (30, 35)]);
        assert_eq!(intervals(10, 30, 10), vec![(10, 20), (20, 30)]);
        assert!(intervals(10, 10, 10).is_empty());
        assert!(intervals(10, 30, 0).is_empty());
        // `retrace sql` binds the whole window as one interval of u64::MAX.
        assert_eq!(intervals(10, 30, u64::MAX), vec![(10, 30)]);
    }
}
