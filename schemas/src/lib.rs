//! `retrace-schema`: the capture format shared by the recorder and the analyzer: the
//! catalog of sources and tables (each declared once, in `src/catalog/`), the manifest,
//! the format version, one duration grammar, and (feature `write`) the code that writes
//! captures and builds rows by column name.

pub mod catalog;
pub mod duration;
pub mod manifest;
#[cfg(feature = "write")]
pub mod rows;
pub mod sources;
pub mod tables;
#[cfg(feature = "write")]
pub mod writer;

use std::path::PathBuf;

pub use manifest::Manifest;
pub use tables::{table, Table, TABLES};

/// Version of the capture format. Bump it when a reader of the previous version would
/// misread a new capture; readers refuse captures newer than they understand.
pub const FORMAT_VERSION: u32 = 1;

/// Errors of reading or writing the capture format.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("malformed manifest: {0}")]
    Manifest(String),
    #[error("capture format version {found} is newer than this retrace understands ({supported}); upgrade retrace")]
    NewerFormat { found: u64, supported: u32 },
    #[error("{}: {problem}", path.display())]
    Capture { path: PathBuf, problem: String },
    #[error("parquet: {0}")]
    Parquet(String),
    #[error("table {table}: {problem}")]
    Rows { table: String, problem: String },
}
