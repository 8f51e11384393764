//! `retrace record ARGS...`: run the recorder, `retrace-record`, so users learn one
//! name. It is looked up next to the running `retrace` binary first, then in PATH; the
//! recorder replaces this process (exec), so signals and the exit status are its own.

use std::ffi::OsString;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

use crate::error::Error;

/// Name of the recorder binary.
pub const RECORDER: &str = "retrace-record";

/// Where the recorder is: next to the current executable when it is there, else the
/// bare name for a PATH lookup.
pub fn recorder_path() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join(RECORDER)))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(RECORDER))
}

/// Replace this process with `retrace-record ARGS...`. Returns only on failure.
pub fn exec_recorder(args: &[OsString]) -> Error {
    let path = recorder_path();
    let e = Command::new(&path).args(args).exec();
    if e.kind() == io::ErrorKind::NotFound {
        Error::Environment(format!(
            "{RECORDER} is not installed (not next to retrace, not in PATH); \
             build it on a Linux host with `cargo build --release -p retrace-record`"
        ))
    } else {
        Error::Environment(format!("cannot run {}: {e}", path.display()))
    }
}
