//! `retrace runqlen`: run-queue length of sampled CPUs as a linear histogram (bcc
//! runqlen), per CPU (-C), or as run-queue occupancy (-O: the share of samples with
//! at least one thread waiting).

use std::collections::BTreeMap;
use std::io::Write;

use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::linear::{print_linear_hist, values_from_pairs};
use crate::render::rows::Row;
use crate::render::sections::{for_each_interval, Blocks};
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "runqlen",
    about: "Run-queue length of sampled CPUs as a linear histogram, or occupancy (-O)",
    sql: include_str!("../../../queries/runqlen.sql"),
    tables: &["profile"],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "Run-queue length of the sampled CPUs",
        },
        Example {
            args: "-C",
            about: "One histogram per CPU",
        },
        Example {
            args: "-O",
            about: "Run-queue occupancy: how often threads were waiting",
        },
    ],
};

/// Summarize scheduler run queue length as a histogram.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub interval: IntervalArgs,
    /// Print output per CPU.
    #[arg(short = 'C', long)]
    pub cpus: bool,
    /// Report run-queue occupancy: the percentage of samples with threads waiting.
    #[arg(short = 'O', long)]
    pub runqocc: bool,
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
                // Sections in CPU order (one unnamed section without -C).
                let mut by_cpu: BTreeMap<Option<u64>, Vec<&Row<'_>>> = BTreeMap::new();
                for r in rows {
                    let cpu = self.cpus.then(|| r.u64("cpu"));
                    by_cpu.entry(cpu).or_default().push(r);
                }
                if self.runqocc {
                    blocks.start(out)?;
                    for (cpu, rows) in &by_cpu {
                        let (mut queued, mut all) = (0u64, 0u64);
                        for r in rows {
                            all += r.u64("count");
                            if r.u64("runqlen") > 0 {
                                queued += r.u64("count");
                            }
                        }
                        let pct = 100.0 * queued as f64 / all.max(1) as f64;
                        match cpu {
                            Some(c) => writeln!(out, "runqocc, CPU {c:<3} {pct:6.2}%")?,
                            None => writeln!(out, "runqocc: {pct:.2}%")?,
                        }
                    }
                    return Ok(());
                }
                for (cpu, rows) in &by_cpu {
                    blocks.start(out)?;
                    if let Some(c) = cpu {
                        writeln!(out, "cpu = {c}")?;
                    }
                    let vals =
                        values_from_pairs(rows.iter().map(|r| (r.u64("runqlen"), r.u64("count"))));
                    print_linear_hist(out, &vals, "runqlen")?;
                }
                Ok(())
            },
        )?;
        Ok(())
    }
}
