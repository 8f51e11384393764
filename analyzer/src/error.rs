//! The analyzer's error type: one enum, each variant a one-line message that names the
//! thing that went wrong (a capture, an option, a query).

use std::path::PathBuf;

/// Errors of the analyzer library. Each displays as one line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The capture folder could not be opened or read.
    #[error("{}: {}", printable(&path.display().to_string()), printable(problem))]
    Capture { path: PathBuf, problem: String },
    /// The capture format crate refused something (manifest, version, I/O).
    #[error(transparent)]
    Schema(#[from] retrace_schema::Error),
    /// The capture lacks a source a tool needs.
    #[error("{0}")]
    MissingSource(String),
    /// A command-line value that does not make sense (time, window, parameter, option
    /// combination): the user's to fix on the command line.
    #[error("{0}")]
    Usage(String),
    /// The capture's data cannot be used as it is (a value out of range, a column of
    /// an unexpected type or with nulls), or holds nothing to show.
    #[error("{0}")]
    Data(String),
    /// Something that should not happen whatever the input: a bug in retrace.
    #[error("internal error: {0} (a bug in retrace; please report it)")]
    Internal(String),
    /// Something retrace needs from the host is missing or cannot run (a helper
    /// program), or a file it was told to write cannot be written.
    #[error("{0}")]
    Environment(String),
    /// DataFusion refused or failed a query. Shown as DataFusion's message on one line;
    /// it is no [`std::error::Error::source`] of this error, so that printing the
    /// chain of causes does not repeat it.
    #[error("{}", one_line(&.0.to_string()))]
    Query(datafusion::error::DataFusionError),
    /// Arrow failed to format results.
    #[error("{}", one_line(&.0.to_string()))]
    Arrow(#[from] arrow::error::ArrowError),
    /// Reading a Parquet segment directly failed.
    #[error("{}", one_line(&.0.to_string()))]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Writing output failed (a closed pipe among others).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl From<datafusion::error::DataFusionError> for Error {
    fn from(e: datafusion::error::DataFusionError) -> Self {
        Error::Query(e)
    }
}

/// Result of the analyzer library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether this error is a closed output pipe (`retrace ... | head`), which is not
    /// a failure.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Io(e) => e.kind() == std::io::ErrorKind::BrokenPipe,
            Error::Arrow(arrow::error::ArrowError::IoError(_, e)) => {
                e.kind() == std::io::ErrorKind::BrokenPipe
            }
            _ => false,
        }
    }
}

/// Squeeze a multi-line message (DataFusion's errors can span lines) into one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text from a capture (paths, manifest values echoed by a parser) made safe for a
/// one-line message: control characters such as newlines are escaped.
pub fn printable(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(printable("plain é"), "plain é");
    }
}
