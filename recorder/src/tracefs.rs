//! Classic tracepoints are attached by id, read from tracefs; on hosts where
//! tracefs is not mounted (common in containers and minimal VMs) mount it.

use std::path::Path;

use anyhow::{bail, Result};

const TRACEFS: &str = "/sys/kernel/tracing";

/// Make sure `/sys/kernel/tracing/events` exists, mounting tracefs if needed.
pub fn ensure_mounted() -> Result<()> {
    if Path::new(TRACEFS).join("events").is_dir()
        || Path::new("/sys/kernel/debug/tracing/events").is_dir()
    {
        return Ok(());
    }
    let src = c"nodev";
    let dst = c"/sys/kernel/tracing";
    let fstype = c"tracefs";
    // SAFETY: all pointers are valid NUL-terminated strings; data may be NULL.
    let rc = unsafe {
        libc::mount(
            src.as_ptr(),
            dst.as_ptr(),
            fstype.as_ptr(),
            0,
            std::ptr::null(),
        )
    };
    if rc != 0 {
        bail!(
            "tracefs is not mounted and mounting it on {TRACEFS} failed: {}",
            std::io::Error::last_os_error()
        );
    }
    Ok(())
}

/// Where tracefs is (the debugfs path on older systems).
pub fn path() -> std::path::PathBuf {
    if Path::new(TRACEFS).join("events").is_dir() {
        return TRACEFS.into();
    }
    "/sys/kernel/debug/tracing".into()
}
