//! The capture folder and its manifest on disk: creating the folder safely, private
//! table folders, the atomic manifest rewrite (tmp + fsync + rename), and the small
//! helpers they share.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use crate::manifest::{Manifest, MANIFEST_FILE};
use crate::Error;

pub(super) fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

/// Create the capture folder with mode 0700. An existing folder must be empty unless
/// `overwrite` is set. A symlink at `dir` is refused: the recorder runs as root and
/// often writes under /tmp.
pub fn create_capture_dir(dir: &Path, overwrite: bool) -> Result<(), Error> {
    match fs::symlink_metadata(dir) {
        Ok(md) if md.file_type().is_symlink() => {
            return Err(Error::Capture {
                path: dir.to_path_buf(),
                problem: "is a symbolic link; refusing to write through it".into(),
            })
        }
        Ok(md) if md.is_dir() => {
            use std::os::unix::fs::MetadataExt;
            // SAFETY: geteuid has no preconditions.
            let me = unsafe { libc::geteuid() };
            if md.uid() != me {
                return Err(Error::Capture {
                    path: dir.to_path_buf(),
                    problem: format!(
                        "exists and belongs to uid {}, not to this user; refusing to write into it",
                        md.uid()
                    ),
                });
            }
            let non_empty = fs::read_dir(dir)
                .map_err(|e| io_err(dir, e))?
                .next()
                .is_some();
            if non_empty && !overwrite {
                return Err(Error::Capture {
                    path: dir.to_path_buf(),
                    problem: "exists and is not empty (use --force to overwrite)".into(),
                });
            }
            if non_empty {
                fs::remove_dir_all(dir).map_err(|e| io_err(dir, e))?;
            } else {
                return Ok(());
            }
        }
        Ok(_) => {
            return Err(Error::Capture {
                path: dir.to_path_buf(),
                problem: "exists and is not a directory".into(),
            })
        }
        Err(_) => {}
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| io_err(dir, e))
}

pub(super) fn fsync_dir(dir: &Path) -> Result<(), Error> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_err(dir, e))
}

/// Write `manifest.json` atomically: temp file, fsync, rename, fsync the folder.
pub fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), Error> {
    let tmp = dir.join(format!("{MANIFEST_FILE}.tmp"));
    let dst = dir.join(MANIFEST_FILE);
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(libc_o_nofollow())
        .open(&tmp)
        .map_err(|e| io_err(&tmp, e))?;
    if let Err(e) = f
        .write_all(manifest.to_json().as_bytes())
        .and_then(|_| f.write_all(b"\n"))
        .and_then(|_| f.sync_all())
    {
        // The previous manifest stays in place, whole.
        let _ = fs::remove_file(&tmp);
        return Err(io_err(&tmp, e));
    }
    fs::rename(&tmp, &dst).map_err(|e| io_err(&dst, e))?;
    fsync_dir(dir)
}

pub(super) fn libc_o_nofollow() -> i32 {
    libc::O_NOFOLLOW
}

/// CLOCK_MONOTONIC now, the clock of event timestamps.
pub(super) fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid out pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Create a folder inside a capture; an existing entry must be a real folder
/// (never a symlink someone planted).
pub(super) fn make_private_dir(dir: &Path) -> Result<(), Error> {
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let md = fs::symlink_metadata(dir).map_err(|e| io_err(dir, e))?;
            if md.is_dir() {
                Ok(())
            } else {
                Err(Error::Capture {
                    path: dir.to_path_buf(),
                    problem: "exists and is not a directory (a symlink?); refusing it".into(),
                })
            }
        }
        Err(e) => Err(io_err(dir, e)),
    }
}
