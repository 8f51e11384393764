//! The SQL functions retrace adds to DataFusion, for tool queries and `retrace sql`:
//!
//! - `log2_bucket(v)`: the libbpf-tools histogram slot, floor(log2 v), 0 for v <= 1.
//! - `bio_flags(rwbs)`: a block request's operation and flags as libbpf-tools
//!   `biolatency -F` names them ("Sync-Write", "ReadAhead-Read").
//! - `errno_name(e)`: "EIO" for -5 or 5.
//! - `signal_name(sig)`: "SIGKILL" for 9.
//! - `mount_flags(flags)`: mount(2) flags by name, "MS_NOSUID | MS_NODEV".
//! - `octal(v)`: an integer in octal, zero-padded to 8 digits ("00100002"), as
//!   opensnoop -e prints open flags.
//! - `scsi_opcode(op)`: "READ_10" for 0x28; `scsi_host_byte(result)` "DID_OK",
//!   `scsi_status(result)` "SAM_STAT_GOOD": a SCSI command and its result by name.
//! - `nvme_opcode(code)`: "nvme_cmd_read" for 2, "nvme_admin_identify" for 256 + 6
//!   (admin commands are 256 plus their opcode).
//! - `tcp_state_name(state)`: "ESTABLISHED" for 1, as tcpstates prints TCP states.
//! - `join_args(args)`: an argv list joined by spaces, as execsnoop prints it.
//! - `syscall_name(nr, arch)`: "openat" for 257 on "x86_64" (`syscall_<nr>` when
//!   unknown); tools bind `arch` from the capture's manifest (`host.arch`).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array, StringArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type, Int64Type, UInt64Type};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::SessionContext;

use crate::kernel_names::{bio_flags_label, errno_name, mount_flags, signal_name, syscall_name};
use crate::net_names;
use crate::storage_names;

/// Register every retrace function in a session.
pub fn register(ctx: &SessionContext) {
    for udf in [
        Unary::new("log2_bucket", DataType::Int64, log2_bucket_array),
        Unary::new("bio_flags", DataType::Utf8, bio_flags_array),
        Unary::new("errno_name", DataType::Utf8, errno_name_array),
        Unary::new("signal_name", DataType::Utf8, signal_name_array),
        Unary::new("join_args", DataType::Utf8, join_args_array),
        Unary::new("mount_flags", DataType::Utf8, mount_flags_array),
        Unary::new("octal", DataType::Utf8, octal_array),
        Unary::new("scsi_opcode", DataType::Utf8, |a| {
            name_ints(a, "scsi_opcode", storage_names::scsi_opcode_name)
        }),
        Unary::new("scsi_host_byte", DataType::Utf8, |a| {
            name_ints(a, "scsi_host_byte", storage_names::scsi_host_byte_name)
        }),
        Unary::new("scsi_status", DataType::Utf8, |a| {
            name_ints(a, "scsi_status", storage_names::scsi_status_name)
        }),
        Unary::new("nvme_opcode", DataType::Utf8, |a| {
            name_ints(a, "nvme_opcode", storage_names::nvme_opcode_name)
        }),
        Unary::new("tcp_state_name", DataType::Utf8, |a| {
            name_ints(a, "tcp_state_name", net_names::tcp_state_name)
        }),
    ] {
        ctx.register_udf(ScalarUDF::from(udf));
    }
    ctx.register_udf(ScalarUDF::from(SyscallName::new()));
}

/// floor(log2 v), 0 for v <= 1: the slot of libbpf-tools' log2 histograms (`log2l` in
/// `bits.bpf.h`). Slot s holds values 2^s ..= 2^(s+1)-1, slot 0 holds 0 and 1.
pub fn log2_bucket(v: u64) -> i64 {
    if v <= 1 {
        0
    } else {
        63 - v.leading_zeros() as i64
    }
}

/// A one-argument function over whole arrays.
#[derive(Debug)]
struct Unary {
    name: &'static str,
    signature: Signature,
    returns: DataType,
    f: fn(&ArrayRef) -> Result<ArrayRef>,
}

impl Unary {
    fn new(name: &'static str, returns: DataType, f: fn(&ArrayRef) -> Result<ArrayRef>) -> Self {
        Unary {
            name,
            signature: Signature::any(1, Volatility::Immutable),
            returns,
            f,
        }
    }
}

impl PartialEq for Unary {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for Unary {}
impl Hash for Unary {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state)
    }
}

impl ScalarUDFImpl for Unary {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(self.returns.clone())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let out = (self.f)(&arrays[0])?;
        // A scalar argument gives a one-row array: hand back a scalar.
        if args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)))
        {
            let scalar = datafusion::common::ScalarValue::try_from_array(&out, 0)?;
            return Ok(ColumnarValue::Scalar(scalar));
        }
        Ok(ColumnarValue::Array(out))
    }
}

/// `syscall_name(nr, arch)`: two arguments, so not a [`Unary`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct SyscallName {
    signature: Signature,
}

impl SyscallName {
    fn new() -> Self {
        SyscallName {
            signature: Signature::any(2, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for SyscallName {
    fn name(&self) -> &str {
        "syscall_name"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalars = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        if !arrays[0].data_type().is_integer() && arrays[0].data_type() != &DataType::Null {
            return exec_err!(
                "syscall_name expects an integer, got {}",
                arrays[0].data_type()
            );
        }
        let nrs = cast(&arrays[0], &DataType::Int64)?;
        let nrs = nrs.as_primitive::<Int64Type>();
        let arch = strings(&arrays[1], "syscall_name")?;
        let arch = arch.as_string::<i32>();
        let out: StringArray = (0..nrs.len())
            .map(|i| {
                (!nrs.is_null(i) && !arch.is_null(i))
                    .then(|| syscall_name(arch.value(i), nrs.value(i)))
            })
            .collect();
        if scalars {
            let scalar = datafusion::common::ScalarValue::try_from_array(&out, 0)?;
            return Ok(ColumnarValue::Scalar(scalar));
        }
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

fn log2_bucket_array(a: &ArrayRef) -> Result<ArrayRef> {
    let out: Int64Array = match a.data_type() {
        DataType::UInt64 => a
            .as_primitive::<UInt64Type>()
            .iter()
            .map(|v| v.map(log2_bucket))
            .collect(),
        DataType::Null => Int64Array::new_null(a.len()),
        t if t.is_integer() => {
            let ints = cast(a, &DataType::Int64)?;
            ints.as_primitive::<Int64Type>()
                .iter()
                .map(|v| v.map(|v| log2_bucket(v.max(0) as u64)))
                .collect()
        }
        t if t.is_floating()
            || matches!(t, DataType::Decimal128(..) | DataType::Decimal256(..)) =>
        {
            // Saturating float -> u64 conversion: negatives and NaN land in slot 0.
            let floats = cast(a, &DataType::Float64)?;
            floats
                .as_primitive::<Float64Type>()
                .iter()
                .map(|v| v.map(|v| log2_bucket(v as u64)))
                .collect()
        }
        t => return exec_err!("log2_bucket expects a number, got {t}"),
    };
    Ok(Arc::new(out))
}

fn strings(a: &ArrayRef, func: &str) -> Result<ArrayRef> {
    match a.data_type() {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Dictionary(..)
        | DataType::Null => Ok(cast(a, &DataType::Utf8)?),
        t => exec_err!("{func} expects a string, got {t}"),
    }
}

fn bio_flags_array(a: &ArrayRef) -> Result<ArrayRef> {
    let s = strings(a, "bio_flags")?;
    let out: StringArray = s
        .as_string::<i32>()
        .iter()
        .map(|v| v.map(bio_flags_label))
        .collect();
    Ok(Arc::new(out))
}

/// An integer column named cell by cell (null stays null).
fn name_ints(a: &ArrayRef, what: &str, name: impl Fn(i64) -> String) -> Result<ArrayRef> {
    if !a.data_type().is_integer() && a.data_type() != &DataType::Null {
        return exec_err!("{what} expects an integer, got {}", a.data_type());
    }
    let ints = cast(a, &DataType::Int64)?;
    let out: StringArray = ints
        .as_primitive::<Int64Type>()
        .iter()
        .map(|v| v.map(&name))
        .collect();
    Ok(Arc::new(out))
}

fn errno_name_array(a: &ArrayRef) -> Result<ArrayRef> {
    name_ints(a, "errno_name", errno_name)
}

fn signal_name_array(a: &ArrayRef) -> Result<ArrayRef> {
    name_ints(a, "signal_name", |v| signal_name(v as i32))
}

fn mount_flags_array(a: &ArrayRef) -> Result<ArrayRef> {
    name_ints(a, "mount_flags", |v| mount_flags(v as u64))
}

fn octal_array(a: &ArrayRef) -> Result<ArrayRef> {
    name_ints(a, "octal", |v| format!("{v:08o}"))
}

fn join_args_array(a: &ArrayRef) -> Result<ArrayRef> {
    let list = match a.data_type() {
        DataType::List(_) => a.as_list::<i32>(),
        t => return exec_err!("join_args expects a list of strings, got {t}"),
    };
    let mut out = Vec::with_capacity(list.len());
    for i in 0..list.len() {
        if list.is_null(i) {
            out.push(None);
            continue;
        }
        let values = strings(&list.value(i), "join_args")?;
        let parts: Vec<&str> = values.as_string::<i32>().iter().flatten().collect();
        out.push(Some(parts.join(" ")));
    }
    Ok(Arc::new(StringArray::from(out)))
}

#[cfg(test)]
mod tests {
    use super::log2_bucket;

    #[test]
    fn log2_slots_match_libbpf_tools() {
        assert_eq!(log2_bucket(0), 0);
        assert_eq!(log2_bucket(1), 0);
        assert_eq!(log2_bucket(2), 1);
        assert_eq!(log2_bucket(3), 1);
        assert_eq!(log2_bucket(4), 2);
        assert_eq!(log2_bucket(1023), 9);
        assert_eq!(log2_bucket(1024), 10);
        assert_eq!(log2_bucket(u64::MAX), 63);
    }
}
