//! `retrace-record`: the recorder binary. Argument parsing and wiring only; the
//! work is in the modules below.

mod child;
mod cli;
mod columns;
mod cpu_guard;
mod decode;
mod host;
mod perf;
mod pipeline;
mod procfs;
mod progress;
mod redact;
#[cfg(test)]
mod replay;
mod rings;
mod sources;
mod stacks;
mod symbolize;
mod tracefs;
mod workload;
mod writer_thread;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Parser;
use retrace_schema::writer::SegmentPolicy;

fn default_output() -> PathBuf {
    let host = host::host_info().hostname;
    // 2026-11-26T05:50:00Z → 20261126-055000
    let stamp: String = humantime::format_rfc3339_seconds(std::time::SystemTime::now())
        .to_string()
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .map(|c| if c == 'T' { '-' } else { c })
        .collect();
    PathBuf::from(format!("retrace-{host}-{stamp}"))
}

fn print_libbpf(_level: libbpf_rs::PrintLevel, msg: String) {
    eprint!("libbpf: {msg}");
}

fn run(args: cli::Args) -> Result<ExitCode> {
    // libbpf prints verifier logs and probe failures on stderr; the recorder
    // reports what matters in one line and in the manifest, so they are shown
    // only with --verbose.
    libbpf_rs::set_print(
        args.verbose
            .then_some((libbpf_rs::PrintLevel::Debug, print_libbpf as fn(_, _))),
    );
    let signal = Arc::new(AtomicUsize::new(0));
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        signal_hook::flag::register_usize(sig, signal.clone(), sig as usize)
            .context("installing signal handlers")?;
    }
    let snapshots = Arc::new(AtomicUsize::new(0));
    {
        // Each SIGUSR1 asks for one more snapshot.
        let s = snapshots.clone();
        // SAFETY: the handler only does an atomic increment (async-signal-safe).
        unsafe {
            signal_hook::low_level::register(libc::SIGUSR1, move || {
                s.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            })
        }
        .context("installing the SIGUSR1 handler")?;
    }
    let redact = redact::Redact::parse(&args.redact)?;
    if redact.names().iter().any(|n| n == "addrs") {
        if let Some(s) = args
            .sources
            .iter()
            .find(|s| retrace_schema::sources::records_stacks(s))
        {
            anyhow::bail!("--redact addrs cannot be combined with source {s} yet (its stacks hold raw addresses)");
        }
    }
    let cpus = rings::possible_cpus()?;
    let output = args.output.clone().unwrap_or_else(default_output);
    let segment = match args.segment {
        cli::Segment::Time(t) => SegmentPolicy {
            max_age: Some(t),
            max_bytes: SegmentPolicy::default().max_bytes,
        },
        cli::Segment::Size(b) => SegmentPolicy {
            max_age: None,
            max_bytes: Some(b),
        },
    };
    let cfg = pipeline::Config {
        output: output.clone(),
        overwrite: args.force,
        sources: args.sources.clone(),
        duration: args.duration,
        segment,
        options: sources::Options {
            filter_pid: args.pid,
            filter_comm: args.comm.clone(),
            cpus,
            ring_bytes: args
                .ring_buffer
                .map(rings::valid_ring_bytes)
                .unwrap_or_else(|| rings::default_ring_bytes(cpus)),
            min_block_ns: args.min_block.as_nanos() as u64,
            profile_hz: args.frequency,
            pmc: if args.pmc_events == "software" {
                sources::pmc::Config::software(args.pmc_period)
            } else {
                sources::pmc::Config::hardware(args.pmc_period)
            },
            stack_map_entries: 16384,
        },
        command: args.command.clone(),
        command_line: std::env::args().collect(),
        progress: !args.quiet && std::io::stderr().is_terminal(),
        max_size: args.max_size,
        ring: args.ring,
        max_cpu: args.max_cpu,
        redact,
        line_info: args.line_info,
        snapshots,
        workload_dir: args.workload.as_ref().map(|_| {
            std::env::var_os("TMPDIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("/var/tmp"))
        }),
    };
    let outcome = pipeline::record(cfg, signal)?;
    let m = &outcome.manifest;
    let rows: u64 = m.tables.values().map(|t| t.rows).sum();
    let bytes: u64 = m.tables.values().map(|t| t.bytes).sum();
    let lost: u64 = m.sources.iter().map(|s| s.lost_events).sum();
    eprintln!(
        "retrace-record: wrote {} ({} rows, {} bytes, {} lost events; ended by {})",
        output.display(),
        rows,
        bytes,
        lost,
        m.ended_by.as_deref().unwrap_or("?")
    );
    Ok(match outcome.child_status {
        Some(code) => ExitCode::from(code.clamp(0, 255) as u8),
        None => ExitCode::SUCCESS,
    })
}

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("retrace-record: {e:#}");
            ExitCode::FAILURE
        }
    }
}
