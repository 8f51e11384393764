//! Facts about the recording host for the manifest: name, kernel, boot id, CPUs,
//! and the CLOCK_MONOTONIC ↔ wall clock pair that turns event timestamps into time.

use retrace_schema::manifest::{ClockPair, HostInfo};

fn read_trimmed(path: &str) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

fn clock_ns(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid out pointer; both clocks always exist on Linux.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// CLOCK_MONOTONIC now, the clock of `bpf_ktime_get_ns()`.
pub fn monotonic_ns() -> u64 {
    clock_ns(libc::CLOCK_MONOTONIC)
}

/// Both clocks read back to back; the monotonic reading is the midpoint of two
/// reads around the wall-clock read, so the pair is off by at most half their gap.
pub fn clock_pair() -> ClockPair {
    let a = clock_ns(libc::CLOCK_MONOTONIC);
    let wall = clock_ns(libc::CLOCK_REALTIME);
    let b = clock_ns(libc::CLOCK_MONOTONIC);
    ClockPair {
        monotonic_ns: a + (b - a) / 2,
        wall_ns: wall,
    }
}

pub fn host_info() -> HostInfo {
    HostInfo {
        hostname: read_trimmed("/proc/sys/kernel/hostname"),
        kernel_release: read_trimmed("/proc/sys/kernel/osrelease"),
        boot_id: read_trimmed("/proc/sys/kernel/random/boot_id"),
        cpu_count: std::thread::available_parallelism()
            .map(|n| n.get() as u32)
            .unwrap_or(1),
        arch: std::env::consts::ARCH.to_string(),
    }
}
