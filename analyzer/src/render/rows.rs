//! Query results as rows of scalars with typed, by-name access, for renderers. Result
//! sets of tools are small (histogram buckets, top lists, event lists), so copying
//! each cell out of Arrow is cheap and keeps renderers simple.

use datafusion::common::ScalarValue;

use crate::error::{Error, Result};
use crate::session::QueryResult;

/// The rows of a query result.
#[derive(Debug, Clone)]
pub struct Rows {
    names: Vec<String>,
    rows: Vec<Vec<ScalarValue>>,
}

/// One row, with access to cells by column name.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    rows: &'a Rows,
    cells: &'a [ScalarValue],
}

impl Rows {
    pub fn from_result(result: &QueryResult) -> Result<Rows> {
        let names = result
            .schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let mut rows = Vec::with_capacity(result.num_rows());
        for batch in &result.batches {
            for i in 0..batch.num_rows() {
                let row = batch
                    .columns()
                    .iter()
                    .map(|c| ScalarValue::try_from_array(c, i))
                    .collect::<Result<Vec<_>, _>>()?;
                rows.push(row);
            }
        }
        Ok(Rows { names, rows })
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |cells| Row { rows: self, cells })
    }

    fn index(&self, name: &str) -> usize {
        self.names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("query has no column {name}: a tool and its SQL disagree"))
    }

    /// Fail early, with a clear message, if a query lacks columns its renderer reads.
    pub fn require(&self, names: &[&str]) -> Result<()> {
        for n in names {
            if !self.names.iter().any(|have| have == n) {
                return Err(Error::Internal(format!("query result has no column `{n}`")));
            }
        }
        Ok(())
    }
}

impl Row<'_> {
    fn cell(&self, name: &str) -> &ScalarValue {
        &self.cells[self.rows.index(name)]
    }

    /// An integer cell (null reads as None).
    pub fn opt_i128(&self, name: &str) -> Option<i128> {
        match self.cell(name) {
            ScalarValue::Int8(v) => v.map(i128::from),
            ScalarValue::Int16(v) => v.map(i128::from),
            ScalarValue::Int32(v) => v.map(i128::from),
            ScalarValue::Int64(v) => v.map(i128::from),
            ScalarValue::UInt8(v) => v.map(i128::from),
            ScalarValue::UInt16(v) => v.map(i128::from),
            ScalarValue::UInt32(v) => v.map(i128::from),
            ScalarValue::UInt64(v) => v.map(i128::from),
            ScalarValue::Float64(v) => v.map(|f| f as i128),
            ScalarValue::Boolean(v) => v.map(i128::from),
            // DataFusion turns some integer arithmetic (u64 / literal) into
            // decimals: their integer part, not a silent 0.
            ScalarValue::Decimal128(v, _, scale) => {
                v.map(|v| v / 10i128.pow((*scale).max(0) as u32))
            }
            _ => None,
        }
    }

    pub fn u64(&self, name: &str) -> u64 {
        self.opt_i128(name).unwrap_or(0).clamp(0, u64::MAX as i128) as u64
    }

    pub fn i64(&self, name: &str) -> i64 {
        self.opt_i128(name)
            .unwrap_or(0)
            .clamp(i64::MIN as i128, i64::MAX as i128) as i64
    }

    /// A number as f64 (null reads as None).
    pub fn opt_f64(&self, name: &str) -> Option<f64> {
        match self.cell(name) {
            ScalarValue::Float64(v) => *v,
            ScalarValue::Float32(v) => v.map(f64::from),
            ScalarValue::Decimal128(v, _, scale) => {
                v.map(|v| v as f64 / 10f64.powi(i32::from(*scale)))
            }
            _ => self.opt_i128(name).map(|v| v as f64),
        }
    }

    pub fn f64(&self, name: &str) -> f64 {
        self.opt_f64(name).unwrap_or(0.0)
    }

    pub fn bool(&self, name: &str) -> bool {
        matches!(self.cell(name), ScalarValue::Boolean(Some(true)))
    }

    /// A string cell; null reads as None.
    pub fn opt_str(&self, name: &str) -> Option<String> {
        match self.cell(name) {
            ScalarValue::Utf8(v) | ScalarValue::LargeUtf8(v) | ScalarValue::Utf8View(v) => {
                v.clone()
            }
            ScalarValue::Dictionary(_, inner) => match inner.as_ref() {
                ScalarValue::Utf8(v) => v.clone(),
                other => (!other.is_null()).then(|| other.to_string()),
            },
            other => (!other.is_null()).then(|| other.to_string()),
        }
    }

    pub fn str(&self, name: &str) -> String {
        self.opt_str(name).unwrap_or_default()
    }

    /// Any cell as text: integers in decimal (also those DataFusion made decimals),
    /// floats and strings as they are, null as `-`.
    pub fn text(&self, name: &str) -> String {
        match self.cell(name) {
            v if v.is_null() => "-".to_string(),
            ScalarValue::Int8(_)
            | ScalarValue::Int16(_)
            | ScalarValue::Int32(_)
            | ScalarValue::Int64(_)
            | ScalarValue::UInt8(_)
            | ScalarValue::UInt16(_)
            | ScalarValue::UInt32(_)
            | ScalarValue::UInt64(_)
            | ScalarValue::Decimal128(..) => self.opt_i128(name).unwrap_or(0).to_string(),
            ScalarValue::Float64(_) | ScalarValue::Float32(_) => self.f64(name).to_string(),
            _ => self.str(name),
        }
    }
}
