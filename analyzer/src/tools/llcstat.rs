//! `retrace llcstat`: last-level cache references, misses and hit ratio per process
//! (or thread, -t) and CPU (libbpf-tools llcstat), from sampled hardware counters.

use std::io::Write;

use retrace_schema::manifest::SourceState;

use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::capture::Capture;
use crate::error::Result;
use crate::render::sections::{for_each_interval, Blocks};
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "llcstat",
    about: "LLC references, misses and hit% per process and CPU (hardware counters)",
    sql: include_str!("../../../queries/llcstat.sql"),
    tables: &["pmc"],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "LLC references, misses and hit% per process and CPU",
        },
        Example {
            args: "-t",
            about: "The same per thread",
        },
    ],
};

/// Summarize cache references and misses by PID.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub interval: IntervalArgs,
    /// Summarize data by thread ID instead of by process.
    #[arg(short = 't', long)]
    pub tid: bool,
}

impl Tool for Args {
    fn def(&self) -> &'static ToolDef {
        &DEF
    }
    fn common(&self) -> &CommonArgs {
        &self.common
    }
    fn interval(&self) -> Option<&str> {
        self.interval.interval.as_deref()
    }
    fn bind(&self, p: &mut Params) {
        p.set("per_thread", self.tid);
    }
    /// Hosts without a PMU (most VMs) are common: say so in those words.
    fn source_problem(&self, capture: &Capture) -> Option<String> {
        match capture.manifest().source("pmc").map(|s| &s.status) {
            Some(SourceState::Unavailable { reason }) => Some(format!(
                "hardware performance counters (PMCs) were unavailable on the recording host: {reason}"
            )),
            _ => DEF.missing_source(capture),
        }
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        let mut blocks = Blocks::default();
        let clock = cx.span.clock;
        for_each_interval(
            out,
            &mut blocks,
            &cx.window,
            &clock,
            rows,
            |out, blocks, rows| {
                blocks.start(out)?;
                if self.tid {
                    write!(out, "{:<8} {:<8} ", "PID", "TID")?;
                } else {
                    write!(out, "{:<8} ", "PID")?;
                }
                writeln!(
                    out,
                    "{:<16} {:<4} {:>12} {:>12} {:>7}",
                    "NAME", "CPU", "REFERENCE", "MISS", "HIT%"
                )?;
                let (mut refs, mut misses) = (0u64, 0u64);
                for r in rows {
                    refs += r.u64("references");
                    misses += r.u64("misses");
                    write!(out, "{:<8} ", r.u64("pid"))?;
                    if self.tid {
                        write!(out, "{:<8} ", r.u64("tid"))?;
                    }
                    writeln!(
                        out,
                        "{:<16} {:<4} {:>12} {:>12} {:>6.2}%",
                        r.str("comm"),
                        r.u64("cpu"),
                        r.u64("references"),
                        r.u64("misses"),
                        r.f64("hit_pct")
                    )?;
                }
                let hit = if refs > misses {
                    (refs - misses) as f64 * 100.0 / refs as f64
                } else {
                    0.0
                };
                writeln!(out)?;
                writeln!(
                    out,
                    "Total References: {refs} Total Misses: {misses} Hit Rate: {hit:.2}%"
                )?;
                Ok(())
            },
        )?;
        Ok(())
    }
}
