//! Command-line interface of `retrace-record`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Record what this Linux host is doing with eBPF into a capture folder of Parquet
/// files, for later analysis with `retrace` on any machine.
///
/// Stops after --duration, on Ctrl-C / SIGTERM / SIGHUP, or when COMMAND exits;
/// every way of stopping finalizes the capture. Needs root.
#[derive(Debug, Parser)]
#[command(name = "retrace-record", version, after_help = after_help())]
pub struct Args {
    /// How long to record (e.g. 10s, 5m, 1h). Default: until stopped.
    #[arg(short, long, value_parser = parse_duration)]
    pub duration: Option<Duration>,

    /// Capture folder to create. Default: retrace-<host>-<UTC date-time>.
    #[arg(short, long)]
    pub output: Option<PathBuf>,

    /// Overwrite the output folder if it exists and is not empty.
    #[arg(short, long)]
    pub force: bool,

    /// Sources to record, comma separated (see below).
    #[arg(short, long, value_delimiter = ',', default_value = crate::sources::DEFAULT.as_str())]
    pub sources: Vec<String>,

    /// `profile`: samples per second on each CPU. 49 (not 50 or 100) so that
    /// sampling does not run in lockstep with timer-driven work.
    #[arg(short = 'F', long, default_value_t = 49, value_parser = clap::value_parser!(u64).range(1..=10000))]
    pub frequency: u64,

    /// `offcpu`: record only blocks at least this long (e.g. 100us, 1ms). Filtered
    /// in the kernel; shorter blocks cost the stack walk but no record.
    #[arg(long, default_value = "100us", value_parser = parse_duration, value_name = "TIME")]
    pub min_block: Duration,

    /// `pmc`: which counters. `hardware`: cycles, instructions, LLC references and
    /// misses. `software`: page faults and context switches through the same
    /// sampler, to try it on machines without a PMU (most VMs).
    #[arg(long, default_value = "hardware", value_parser = ["hardware", "software"])]
    pub pmc_events: String,

    /// `profile`, `offcpu`: name user frames with source file:line too, from
    /// DWARF, when the recording ends. Off by default: parsing large debug
    /// info can take hundreds of MiB of memory on the host; function names come
    /// from symbol tables, and the build ids kept in the capture let file:line
    /// be added later from debug info.
    #[arg(long)]
    pub line_info: bool,

    /// `pmc`: one sample every N counter events (default: 10,000,000 for
    /// cycles and instructions, 10,000 for LLC events, 1 for software events).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub pmc_period: Option<u64>,

    /// Only record events of this process id (tgid), filtered in the kernel.
    #[arg(short, long)]
    pub pid: Option<u32>,

    /// Only record events of tasks with this command name, filtered in the kernel.
    #[arg(short, long)]
    pub comm: Option<String>,

    /// Start new segments after this time (e.g. 60s) or size (e.g. 256M).
    /// A crash loses at most the current segment.
    #[arg(long, default_value = "60s", value_parser = parse_segment)]
    pub segment: Segment,

    /// Stop recording once the capture holds this many bytes (e.g. 500M, 2G).
    /// Checked as segments are written: the capture may exceed it by at most the
    /// data of one flush (about a second of events).
    #[arg(long, value_parser = parse_size, value_name = "SIZE")]
    pub max_size: Option<u64>,

    /// Flight-recorder mode: record until stopped, keeping only the newest closed
    /// segments within SIZE (oldest deleted; the open segments come on top).
    /// Send SIGUSR1 to copy the current window into OUTPUT.snapshot-N, a complete
    /// capture, without stopping. Use a short --segment (e.g. 10s) with it.
    #[arg(long, value_parser = parse_size, value_name = "SIZE", conflicts_with = "max_size")]
    pub ring: Option<u64>,

    /// Overhead guard: when the recorder itself uses more than PCT percent of one
    /// CPU for 3 seconds running, stop its busiest source (recorded in the
    /// manifest) rather than load the host further.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub max_cpu: Option<f64>,

    /// Redact sensitive fields at record time, comma separated: `args` (exec
    /// arguments and /proc command lines after argv[0]), `paths` (the folders of
    /// exec'd files), `addrs` (stack addresses: not supported yet, so it refuses
    /// the stack sources profile and offcpu). Values become keyed hashes, equal
    /// within one capture only.
    #[arg(long, value_delimiter = ',', value_name = "FIELDS")]
    pub redact: Vec<String>,

    /// Size of each per-CPU ring buffer (e.g. 1M); rounded up to a power of two.
    /// Default: 64 MiB divided among the CPUs, 256 KiB to 4 MiB each.
    #[arg(long, value_parser = parse_size)]
    pub ring_buffer: Option<u64>,

    /// Run a small built-in workload while recording, to try retrace out:
    /// `disk` does random 4 KiB direct reads and synced writes on a scratch file
    /// and runs a short command every second.
    #[arg(long, value_name = "KIND", value_parser = ["disk"])]
    pub workload: Option<String>,

    /// Print libbpf's own messages (verifier logs, attach details) on stderr, to
    /// diagnose a source that cannot load.
    #[arg(short, long)]
    pub verbose: bool,

    /// Show no progress line even on a terminal.
    #[arg(short, long)]
    pub quiet: bool,

    /// Command to run while recording; recording ends when it exits and its exit
    /// status becomes retrace-record's.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// What `--help` prints after the options: every source (from the catalog), then examples.
fn after_help() -> String {
    format!("{}\n{EXAMPLES}", crate::sources::help())
}

const EXAMPLES: &str = "Examples:
  retrace-record -d 30s -o /var/tmp/cap          record 30 s of the whole host
  retrace-record -o cap -- fio job.fio           record while a command runs
  retrace info cap && retrace biolatency cap     analyze (anywhere, no root)";

#[derive(Debug, Clone, Copy)]
pub enum Segment {
    Time(Duration),
    Size(u64),
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    // The grammar the analyzer's --since/--interval accept too.
    let d = retrace_schema::duration::parse(s).map_err(|e| e.to_string())?;
    if d.is_zero() {
        return Err("duration must be more than zero".into());
    }
    Ok(d)
}

fn parse_percent(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("invalid percentage {s:?} (e.g. 5, 2.5)"))?;
    if v <= 0.0 {
        return Err("percentage must be more than zero".into());
    }
    Ok(v)
}

pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => {
            let unit = t[i..].to_ascii_uppercase();
            let m: u64 = match unit.trim_end_matches("IB").trim_end_matches('B') {
                "" => 1,
                "K" => 1 << 10,
                "M" => 1 << 20,
                "G" => 1 << 30,
                "T" => 1 << 40,
                _ => return Err(format!("invalid size {s:?} (e.g. 512K, 64M, 1G)")),
            };
            (&t[..i], m)
        }
        None => (t, 1),
    };
    let n: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("invalid size {s:?} (e.g. 512K, 64M, 1G)"))?;
    if n <= 0.0 {
        return Err("size must be more than zero".into());
    }
    Ok((n * mult as f64) as u64)
}

fn parse_segment(s: &str) -> Result<Segment, String> {
    let last = s.trim().chars().last().unwrap_or(' ').to_ascii_uppercase();
    if "KMGTB".contains(last) {
        parse_size(s).map(Segment::Size)
    } else {
        parse_duration(s).map(Segment::Time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_parse() {
        assert_eq!(parse_size("64M").unwrap(), 64 << 20);
        assert_eq!(parse_size("512KiB").unwrap(), 512 << 10);
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert!(parse_size("12Q").is_err());
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("2.5").unwrap(), Duration::from_millis(2500));
        assert!(parse_duration("0s").is_err());
        assert!(matches!(parse_segment("30s"), Ok(Segment::Time(_))));
        assert!(matches!(parse_segment("1G"), Ok(Segment::Size(1073741824))));
    }
}
