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

/// What kind of file a directory entry is, in a few words, for messages about
/// files a capture should not hold.
pub fn file_kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_symlink() {
        "a symbolic link"
    } else if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}
