//! `retrace cpufreq`: CPU time at each frequency (the book's cpufreq.bt, weighted by
//! time from the recorded frequency changes instead of sampled), over all CPUs or
//! per CPU (-C), per interval with --interval.

use std::io::Write;

use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::capture::Capture;
use crate::error::Result;
use crate::render::rows::Row;
use crate::render::sections::{for_each_interval, Blocks};
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "cpufreq",
    about: "CPU time at each CPU frequency (time-weighted), over all CPUs or per CPU",
    sql: include_str!("../../../queries/cpufreq.sql"),
    tables: &["cpu_frequency"],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "CPU time at each frequency, over all CPUs",
        },
        Example {
            args: "-C",
            about: "The same per CPU",
        },
    ],
};

/// Summarize time at each CPU frequency.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub interval: IntervalArgs,
    /// Print a distribution per CPU.
    #[arg(short = 'C', long)]
    pub cpus: bool,
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
        p.set("per_cpu", self.cpus);
    }
    /// A host without a cpufreq driver (most VMs) attaches the source but never
    /// reports a frequency: say that rather than "no matching events".
    fn source_problem(&self, capture: &Capture) -> Option<String> {
        let problem = DEF.missing_source(capture);
        let manifest = capture.manifest();
        let rows = manifest.tables.get("cpu_frequency").map_or(0, |t| t.rows);
        if problem.is_none() && manifest.complete && rows == 0 {
            return Some(
                "the recording host reported no CPU frequency (no cpufreq driver, as in most VMs)"
                    .into(),
            );
        }
        problem
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
                // Rows come ordered by CPU: one section per CPU (one without -C).
                let mut sections: Vec<(Option<u64>, Vec<&Row<'_>>)> = Vec::new();
                for r in rows {
                    let cpu = self.cpus.then(|| r.u64("cpu"));
                    match sections.last_mut() {
                        Some((c, rows)) if *c == cpu => rows.push(r),
                        _ => sections.push((cpu, vec![r])),
                    }
                }
                for (cpu, rows) in sections {
                    blocks.start(out)?;
                    if let Some(c) = cpu {
                        writeln!(out, "cpu = {c}")?;
                    }
                    print_freqs(out, &rows)?;
                }
                Ok(())
            },
        )?;
        Ok(())
    }
}

/// One section: a line per frequency with its time, share and a 40-star bar scaled
/// to the largest share, then the time-weighted average.
fn print_freqs(out: &mut dyn Write, rows: &[&Row<'_>]) -> std::io::Result<()> {
    let max = rows
        .iter()
        .map(|r| r.u64("time_ns"))
        .max()
        .unwrap_or(0)
        .max(1);
    writeln!(
        out,
        "{:>8} {:>12} {:>7} distribution",
        "MHz", "TIME(ms)", "%TIME"
    )?;
    let (mut weighted, mut total) = (0u128, 0u128);
    for r in rows {
        let t = r.u64("time_ns");
        weighted += u128::from(r.u64("mhz")) * u128::from(t);
        total += u128::from(t);
        let stars = (u128::from(t) * 40 / u128::from(max)) as usize;
        writeln!(
            out,
            "{:>8} {:>12.3} {:>7.2} |{}{}|",
            r.u64("mhz"),
            t as f64 / 1e6,
            r.f64("pct"),
            "*".repeat(stars),
            " ".repeat(40 - stars)
        )?;
    }
    writeln!(
        out,
        "average: {} MHz (time-weighted)",
        weighted / total.max(1)
    )?;
    Ok(())
}
