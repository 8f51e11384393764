//! Tools computed without the query engine where the engine is slow at their shape of
//! query: the scheduler tools that pair each thread's events (`sched`: runqlat,
//! cpudist, runqslower, over the pairings of the views runq_wait, oncpu_run and
//! offcpu_run, whose rows it can also compute) and the block tools whose whole work
//! is one pass over a few columns (`block`: biolatency, bitesize, biotop).
//!
//! Each native tool returns exactly the rows of its `queries/<tool>.sql` for
//! the same parameters (tests compare both on the fixtures), so `--show-sql` and
//! `retrace sql` stay the reference, and DuckDB or any engine can check the numbers.
//! Set `RETRACE_NATIVE=0` to run the SQL instead; `RETRACE_NATIVE=1` makes a failure
//! of the native path an error instead of a quiet fallback to the SQL (for tests).

pub mod block;
mod read;
pub mod sched;

use crate::capture::Capture;
use crate::error::Result;
use crate::session::{Params, QueryResult};

/// A tool's rows computed natively from the capture and the query's parameters.
pub type NativeFn = fn(&Capture, &Params) -> Result<QueryResult>;

/// Whether native tools are on (`RETRACE_NATIVE=0` turns them off).
pub fn enabled() -> bool {
    std::env::var_os("RETRACE_NATIVE").is_none_or(|v| v != "0")
}

/// Whether a native failure must be reported rather than answered by the SQL
/// (`RETRACE_NATIVE=1`).
pub fn strict() -> bool {
    std::env::var_os("RETRACE_NATIVE").is_some_and(|v| v == "1")
}
