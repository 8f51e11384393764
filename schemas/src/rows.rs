//! Rows built by column name, checked against the table's declaration: for fixtures,
//! tests and the rows user space adds while recording. A value given for a column
//! that does not exist, of the wrong type, or a missing non-null column is an error,
//! so swapping two columns of the same type cannot pass silently: they are named.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Int32Builder, Int64Builder, ListBuilder, RecordBatch, StringBuilder,
    UInt32Builder, UInt64Builder,
};

use crate::tables::{ColType, Table};
use crate::Error;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    U32(u32),
    U64(u64),
    I32(i32),
    I64(i64),
    Bool(bool),
    Str(String),
    StrList(Vec<String>),
    U64List(Vec<u64>),
    Null,
}

impl Value {
    fn fits(&self, ty: ColType) -> bool {
        matches!(
            (self, ty),
            (Value::U32(_), ColType::U32)
                | (Value::U64(_), ColType::U64)
                | (Value::I32(_), ColType::I32)
                | (Value::I64(_), ColType::I64)
                | (Value::Bool(_), ColType::Bool)
                | (Value::Str(_), ColType::Str)
                | (Value::StrList(_), ColType::StrList)
                | (Value::U64List(_), ColType::U64List)
        )
    }
}

macro_rules! value_from {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Value {
            fn from(x: $t) -> Self {
                Value::$v(x.into())
            }
        }
    )*};
}
value_from!(u32 => U32, u64 => U64, i32 => I32, i64 => I64, bool => Bool, String => Str,
    &str => Str, Vec<String> => StrList, Vec<u64> => U64List);

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(x: Option<T>) -> Self {
        x.map_or(Value::Null, Into::into)
    }
}

/// Rows of one table, column by column.
#[derive(Debug)]
pub struct RowsBuilder<'t> {
    table: &'t Table,
    cols: Vec<Vec<Value>>,
}

impl<'t> RowsBuilder<'t> {
    pub fn new(table: &'t Table) -> Self {
        RowsBuilder {
            table,
            cols: vec![Vec::new(); table.columns.len()],
        }
    }

    pub fn len(&self) -> usize {
        self.cols.first().map_or(0, Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Add a row; every column not named is null (an error for non-null columns).
    pub fn push(&mut self, cells: &[(&str, Value)]) -> Result<&mut Self, Error> {
        let bad = |problem: String| Error::Rows {
            table: self.table.name.to_string(),
            problem,
        };
        let mut row = vec![Value::Null; self.table.columns.len()];
        for (name, v) in cells {
            let i = self
                .table
                .columns
                .iter()
                .position(|c| c.name == *name)
                .ok_or_else(|| bad(format!("no column {name}")))?;
            let c = &self.table.columns[i];
            if *v != Value::Null && !v.fits(c.ty) {
                return Err(bad(format!(
                    "column {name} is {}, not {v:?}",
                    c.ty.doc_name()
                )));
            }
            if row[i] != Value::Null {
                return Err(bad(format!("column {name} given twice")));
            }
            row[i] = v.clone();
        }
        for (c, v) in self.table.columns.iter().zip(&row) {
            if *v == Value::Null && !c.nullable {
                return Err(bad(format!(
                    "column {} is not nullable and has no value",
                    c.name
                )));
            }
        }
        for (col, v) in self.cols.iter_mut().zip(row) {
            col.push(v);
        }
        Ok(self)
    }

    /// The rows as a batch of the table's schema.
    pub fn finish(&self) -> RecordBatch {
        let arrays: Vec<ArrayRef> = self
            .table
            .columns
            .iter()
            .zip(&self.cols)
            .map(|(c, vals)| array(c.ty, vals))
            .collect();
        RecordBatch::try_new(self.table.schema(), arrays)
            .expect("values were checked against the table's columns")
    }
}

fn array(ty: ColType, vals: &[Value]) -> ArrayRef {
    macro_rules! prim {
        ($b:ty, $v:ident) => {{
            let mut b = <$b>::new();
            for v in vals {
                match v {
                    Value::$v(x) => b.append_value(x.clone()),
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }};
    }
    match ty {
        ColType::U32 => prim!(UInt32Builder, U32),
        ColType::U64 => prim!(UInt64Builder, U64),
        ColType::I32 => prim!(Int32Builder, I32),
        ColType::I64 => prim!(Int64Builder, I64),
        ColType::Bool => prim!(BooleanBuilder, Bool),
        ColType::Str => prim!(StringBuilder, Str),
        ColType::StrList => {
            let mut b = ListBuilder::new(StringBuilder::new());
            for v in vals {
                match v {
                    Value::StrList(xs) => {
                        for x in xs {
                            b.values().append_value(x);
                        }
                        b.append(true);
                    }
                    _ => b.append(false),
                }
            }
            Arc::new(b.finish())
        }
        ColType::U64List => {
            let mut b = ListBuilder::new(UInt64Builder::new());
            for v in vals {
                match v {
                    Value::U64List(xs) => {
                        b.values().append_slice(xs);
                        b.append(true);
                    }
                    _ => b.append(false),
                }
            }
            Arc::new(b.finish())
        }
    }
}

/// `row![("pid", 5u32), ("comm", "bash")]`: the cells of one row.
#[macro_export]
macro_rules! row {
    ($(($name:expr, $v:expr)),* $(,)?) => {
        &[$(($name, $crate::rows::Value::from($v))),*][..]
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::UInt32Type;

    fn fork() -> &'static Table {
        crate::table("process_fork").unwrap()
    }

    #[test]
    fn rows_are_placed_by_name() {
        let mut b = RowsBuilder::new(fork());
        b.push(row![
            ("comm", "sh"),
            ("child_tid", 11u32),
            ("child_pid", 10u32),
            ("parent_tid", 2u32),
            ("parent_pid", 1u32),
            ("ts_ns", 5u64),
        ])
        .unwrap();
        let batch = b.finish();
        let col = |n: &str| {
            batch
                .column_by_name(n)
                .unwrap()
                .as_primitive::<UInt32Type>()
                .value(0)
        };
        assert_eq!(
            (col("parent_pid"), col("child_pid"), col("child_tid")),
            (1, 10, 11)
        );
        assert_eq!(
            batch
                .column_by_name("comm")
                .unwrap()
                .as_string::<i32>()
                .value(0),
            "sh"
        );
    }

    #[test]
    fn wrong_names_types_and_missing_columns_are_errors() {
        let mut b = RowsBuilder::new(fork());
        let e = b.push(row![("nope", 1u32)]).unwrap_err().to_string();
        assert!(e.contains("no column nope"), "{e}");
        let e = b.push(row![("parent_pid", 1u64)]).unwrap_err().to_string();
        assert!(e.contains("parent_pid is u32"), "{e}");
        let e = b.push(row![("ts_ns", 1u64)]).unwrap_err().to_string();
        assert!(e.contains("not nullable"), "{e}");
        assert!(b.is_empty());
        let io = crate::table("block_io").unwrap();
        let mut b = RowsBuilder::new(io);
        let cells: Vec<(&str, Value)> = io
            .columns
            .iter()
            .filter(|c| !c.nullable)
            .map(|c| {
                let v = match c.ty {
                    ColType::U32 => Value::U32(1),
                    ColType::U64 => Value::U64(1),
                    ColType::I32 => Value::I32(1),
                    ColType::Str => Value::Str("x".into()),
                    _ => unreachable!("block_io has no other types"),
                };
                (c.name.as_ref(), v)
            })
            .collect();
        b.push(&cells).unwrap();
        assert!(b
            .finish()
            .column_by_name("ts_insert_ns")
            .unwrap()
            .is_null(0));
    }
}
