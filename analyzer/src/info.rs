//! `retrace info`: the manifest in human form — host, kernel, span, how each source
//! attached, rows per table, lost events, completeness, how recording ended.

use std::io::Write;
use std::path::PathBuf;

use retrace_schema::manifest::SourceState;

use crate::capture::Capture;
use crate::error::Result;
use crate::window::{fmt_secs, wall_time};

/// Show what a capture holds: host, span, sources, tables, lost events.
#[derive(Debug, Clone, clap::Args)]
pub struct InfoArgs {
    /// The capture folder.
    #[arg(value_name = "CAPTURE")]
    pub capture: PathBuf,
    /// Print the manifest as JSON instead.
    #[arg(long)]
    pub json: bool,
}

const WALL: &str = "%Y-%m-%d %H:%M:%S%.3f %:z";

/// Print the summary of an opened capture.
pub fn print_info(capture: &Capture, out: &mut dyn Write) -> Result<()> {
    let m = capture.manifest();
    let status = match (m.complete, &m.ended_by) {
        (true, Some(by)) => format!("complete (ended by {by})"),
        (true, None) => "complete".to_string(),
        (false, _) => "INCOMPLETE (still recording, or the recorder was killed)".to_string(),
    };
    writeln!(out, "capture:   {}", capture.dir().display())?;
    writeln!(out, "status:    {status}")?;
    writeln!(
        out,
        "host:      {} ({}, {} CPUs)",
        m.host.hostname, m.host.arch, m.host.cpu_count
    )?;
    writeln!(out, "kernel:    {}", m.host.kernel_release)?;
    writeln!(out, "boot id:   {}", m.host.boot_id)?;
    writeln!(
        out,
        "recorder:  retrace {}: {}",
        m.retrace_version,
        m.command_line.join(" ")
    )?;
    let clock = m.clock_start;
    writeln!(
        out,
        "start:     {}",
        wall_time(&clock, clock.monotonic_ns, WALL)
    )?;
    match m.clock_end {
        Some(end) => {
            writeln!(
                out,
                "end:       {}",
                wall_time(&end, end.monotonic_ns, WALL)
            )?;
            writeln!(
                out,
                "span:      {}",
                fmt_secs(end.monotonic_ns.saturating_sub(clock.monotonic_ns))
            )?;
        }
        None => writeln!(out, "end:       unknown")?,
    }
    if let Some(cmd) = &m.command {
        let status = match cmd.exit_status {
            Some(s) => format!("exit status {s}"),
            None => "no exit status".to_string(),
        };
        writeln!(
            out,
            "command:   {} (pid {}, {status})",
            cmd.argv.join(" "),
            cmd.pid
        )?;
    }
    let mut filters = Vec::new();
    if let Some(pid) = m.filters.pid {
        filters.push(format!("pid {pid}"));
    }
    if let Some(comm) = &m.filters.comm {
        filters.push(format!("comm {comm}"));
    }
    if !filters.is_empty() {
        writeln!(out, "filters:   {}", filters.join(", "))?;
    }

    writeln!(out)?;
    writeln!(out, "sources:")?;
    for s in &m.sources {
        match &s.status {
            SourceState::Attached { probes } => {
                writeln!(
                    out,
                    "  {:<8} attached, {} events lost",
                    s.name, s.lost_events
                )?;
                // Probe names aligned on the source's longest (at least 24).
                let width = probes
                    .iter()
                    .map(|p| p.probe.len())
                    .max()
                    .unwrap_or(0)
                    .max(24);
                for p in probes {
                    writeln!(out, "    {:<width$} {}", p.probe, p.attach)?;
                }
            }
            SourceState::Unavailable { reason } => {
                writeln!(out, "  {:<8} unavailable: {reason}", s.name)?;
            }
        }
    }

    writeln!(out)?;
    writeln!(
        out,
        "  {:<18} {:>12} {:>9} {:>12}",
        "TABLE", "ROWS", "SEGMENTS", "BYTES"
    )?;
    for (name, t) in &m.tables {
        writeln!(
            out,
            "  {:<18} {:>12} {:>9} {:>12}",
            name, t.rows, t.segments, t.bytes
        )?;
    }

    crate::recording_notes::describe(m, out)?;

    let lost: Vec<_> = m.sources.iter().filter(|s| s.lost_events > 0).collect();
    if !lost.is_empty() {
        writeln!(out)?;
        for s in lost {
            writeln!(
                out,
                "WARNING: {} events lost in source {} (ring buffer full); tools using it may undercount",
                s.lost_events, s.name
            )?;
        }
    }
    Ok(())
}
