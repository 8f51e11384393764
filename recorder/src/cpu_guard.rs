//! `--max-cpu PCT`: the overhead guard. Watches the recorder's own CPU use (user +
//! system, which includes the ring-buffer draining but not the BPF programs, which
//! run in the traced tasks' context) and, when it stays above the limit, names the
//! source with the highest event rate to shed.

use std::time::{Duration, Instant};

/// Seconds in a row above the limit before a source is shed (a single burst is not
/// a reason to lose a source).
const PATIENCE: u32 = 3;

pub struct CpuGuard {
    limit_pct: f64,
    last_cpu: Duration,
    last_at: Instant,
    over: u32,
}

/// CPU time used by this process so far.
pub fn process_cpu() -> Duration {
    // SAFETY: ru is a valid out pointer.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Peak resident memory of this process (VmHWM), in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib * 1024)
}

impl CpuGuard {
    pub fn new(limit_pct: f64) -> Self {
        CpuGuard {
            limit_pct,
            last_cpu: process_cpu(),
            last_at: Instant::now(),
            over: 0,
        }
    }

    /// Call about once a second. Returns the CPU percent measured when the
    /// recorder has been over its limit long enough that a source must go.
    pub fn check(&mut self) -> Option<f64> {
        let cpu = process_cpu();
        let wall = self.last_at.elapsed();
        if wall < Duration::from_millis(500) {
            return None;
        }
        let pct = 100.0 * (cpu - self.last_cpu).as_secs_f64() / wall.as_secs_f64();
        self.last_cpu = cpu;
        self.last_at = Instant::now();
        if pct > self.limit_pct {
            self.over += 1;
        } else {
            self.over = 0;
        }
        if self.over >= PATIENCE {
            self.over = 0;
            Some(pct)
        } else {
            None
        }
    }
}
