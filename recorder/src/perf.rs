//! perf_event_open for the sampling sources (`profile`, `pmc`): one event per
//! online CPU, counting for every task, that a BPF program is attached to.

use std::io;
use std::os::fd::{FromRawFd, OwnedFd};

use perf_event_open_sys as sys;

/// How often an event samples.
#[derive(Debug, Clone, Copy)]
pub enum Rate {
    /// Samples per second (the kernel adjusts the period).
    Hz(u64),
    /// One sample every N events.
    Period(u64),
}

/// The CPUs that are online (perf events cannot be opened on the others).
pub fn online_cpus() -> io::Result<Vec<u32>> {
    let text = std::fs::read_to_string("/sys/devices/system/cpu/online")?;
    parse_cpu_list(text.trim())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("cpu list {text:?}")))
}

/// "0-3,5,7-8" → [0, 1, 2, 3, 5, 7, 8].
fn parse_cpu_list(s: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => out.extend(a.parse::<u32>().ok()?..=b.parse::<u32>().ok()?),
            None => out.push(part.parse().ok()?),
        }
    }
    Some(out)
}

/// Open one sampling event of `type_`/`config` on `cpu`, for all tasks.
pub fn open_sampler(type_: u32, config: u64, rate: Rate, cpu: u32) -> io::Result<OwnedFd> {
    let mut attr = sys::bindings::perf_event_attr {
        size: std::mem::size_of::<sys::bindings::perf_event_attr>() as u32,
        type_,
        config,
        ..Default::default()
    };
    match rate {
        Rate::Hz(hz) => {
            attr.__bindgen_anon_1.sample_freq = hz;
            attr.set_freq(1);
        }
        Rate::Period(n) => attr.__bindgen_anon_1.sample_period = n,
    }
    // SAFETY: attr is a valid, fully initialized perf_event_attr of the size given.
    let fd = unsafe {
        sys::perf_event_open(
            &mut attr,
            -1,
            cpu as i32,
            -1,
            sys::bindings::PERF_FLAG_FD_CLOEXEC as _,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

#[cfg(test)]
mod tests {
    #[test]
    fn cpu_lists_parse() {
        assert_eq!(
            super::parse_cpu_list("0-3,5,7-8"),
            Some(vec![0, 1, 2, 3, 5, 7, 8])
        );
        assert_eq!(super::parse_cpu_list("0"), Some(vec![0]));
        assert_eq!(super::parse_cpu_list("x"), None);
    }
}
