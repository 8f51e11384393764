//! Column buffers of one table while a batch fills: plain `Vec`s (see
//! [`crate::columns`]) chosen by the column's declared type, with a validity vector
//! for nullable columns; [`Buf::finish`] turns them into Arrow arrays without a copy.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanArray, ListBuilder, PrimitiveArray, StringArray, StringBuilder,
    UInt64Builder,
};
use arrow::buffer::NullBuffer;
use retrace_schema::tables::ColType;

use crate::columns::{BoolCol, I32Col, I64Col, StrCol, U32Col, U64Col};

/// Values of one column.
pub enum Buf {
    U32(U32Col),
    U64(U64Col),
    I32(I32Col),
    I64(I64Col),
    Bool(BoolCol),
    Str(StrCol),
    StrList(ListBuilder<StringBuilder>),
    U64List(ListBuilder<UInt64Builder>),
}

impl Buf {
    pub fn new(ty: ColType) -> Self {
        match ty {
            ColType::U32 => Buf::U32(Default::default()),
            ColType::U64 => Buf::U64(Default::default()),
            ColType::I32 => Buf::I32(Default::default()),
            ColType::I64 => Buf::I64(Default::default()),
            ColType::Bool => Buf::Bool(Default::default()),
            ColType::Str => Buf::Str(Default::default()),
            ColType::StrList => Buf::StrList(ListBuilder::new(StringBuilder::new())),
            ColType::U64List => Buf::U64List(ListBuilder::new(UInt64Builder::new())),
        }
    }

    /// An integer, converted to the column's type (bool: not 0). The value comes from
    /// a field read sign- or zero-extended, so `as` keeps what the field held.
    #[inline]
    pub fn push_int(&mut self, v: i64) {
        match self {
            Buf::U32(c) => c.append_value(v as u32),
            Buf::U64(c) => c.append_value(v as u64),
            Buf::I32(c) => c.append_value(v as i32),
            Buf::I64(c) => c.append_value(v),
            Buf::Bool(c) => c.append_value(v != 0),
            Buf::Str(c) => c.append_value(v.to_string()),
            Buf::StrList(c) => c.append(false),
            Buf::U64List(c) => c.append(false),
        }
    }

    /// A C string field (string columns).
    #[inline]
    pub fn push_c(&mut self, raw: &[u8]) {
        match self {
            Buf::Str(c) => c.append_c(raw),
            other => other.push_int(0),
        }
    }

    pub fn push_str(&mut self, s: &str) {
        match self {
            Buf::Str(c) => c.append_value(s),
            other => other.push_int(0),
        }
    }

    /// The zero of the column's type: the value of a null cell, or of a column that
    /// user space fills only in rows of its own.
    pub fn push_default(&mut self) {
        match self {
            Buf::Str(c) => c.append_value(""),
            Buf::StrList(c) => c.append(true),
            Buf::U64List(c) => c.append(true),
            other => other.push_int(0),
        }
    }

    pub fn str_list(&mut self) -> Option<&mut ListBuilder<StringBuilder>> {
        match self {
            Buf::StrList(c) => Some(c),
            _ => None,
        }
    }

    /// The values so far as an array, with `nulls` when the column is nullable.
    pub fn finish(&mut self, nulls: Option<NullBuffer>) -> ArrayRef {
        fn prim<T: arrow::datatypes::ArrowPrimitiveType>(
            a: PrimitiveArray<T>,
            nulls: Option<NullBuffer>,
        ) -> ArrayRef {
            let (dt, values, _) = a.into_parts();
            Arc::new(PrimitiveArray::<T>::new(values, nulls).with_data_type(dt))
        }
        match self {
            Buf::U32(c) => prim(c.finish(), nulls),
            Buf::U64(c) => prim(c.finish(), nulls),
            Buf::I32(c) => prim(c.finish(), nulls),
            Buf::I64(c) => prim(c.finish(), nulls),
            Buf::Bool(c) => {
                let (values, _) = c.finish().into_parts();
                Arc::new(BooleanArray::new(values, nulls))
            }
            Buf::Str(c) => {
                let a = c.finish();
                let (offsets, values, _) = a.into_parts();
                Arc::new(StringArray::new(offsets, values, nulls))
            }
            Buf::StrList(c) => with_nulls(Arc::new(c.finish()), nulls),
            Buf::U64List(c) => with_nulls(Arc::new(c.finish()), nulls),
        }
    }
}

fn with_nulls(a: ArrayRef, nulls: Option<NullBuffer>) -> ArrayRef {
    match nulls {
        None => a,
        Some(n) => {
            let data = a.to_data().into_builder().nulls(Some(n));
            arrow::array::make_array(data.build().expect("same length"))
        }
    }
}
