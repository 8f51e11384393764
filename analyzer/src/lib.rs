//! `retrace`, the analyzer: open a capture made by `retrace-record`, register its
//! tables in DataFusion, and answer the BPF Performance Tools' questions after the fact
//! with SQL (`queries/<tool>.sql`) and renderers in the live tools' layouts.
//!
//! `main.rs` holds only the command line; everything else lives here so tests can
//! drive it and renderers can be compared on exact text.

pub mod capture;
pub mod diff;
pub mod error;
pub mod info;
pub mod kernel_names;
pub mod native;
pub mod net_names;
pub mod output;
pub mod panic_guard;
pub mod recording_notes;
pub mod render;
pub mod run_recorder;
pub mod segment;
pub mod session;
pub mod sql;
pub mod stacks;
pub mod storage_names;
pub mod syscall_names;
pub mod tools;
pub mod udf;
pub mod window;

pub use capture::{Capture, OpenOptions};
pub use error::{Error, Result};
pub use session::{Params, QueryResult, Session};
