//! `retrace hardirqs`: time in hard interrupt handlers per handler name
//! (bcc/libbpf-tools hardirqs): total time, counts (-C), or log2 histograms (-d).

use std::io::Write;

use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::sections::{for_each_interval, print_hist_sections, Blocks};
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "hardirqs",
    about: "Time in hard interrupt handlers per handler: totals, counts, histograms",
    sql: include_str!("../../../queries/hardirqs.sql"),
    tables: &["hardirq"],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "Total time in each hard interrupt handler",
        },
        Example {
            args: "-d",
            about: "A latency histogram per handler",
        },
        Example {
            args: "-C",
            about: "How many times each handler ran",
        },
    ],
};

/// Options hardirqs and softirqs share.
#[derive(Debug, Clone, clap::Args)]
pub struct IrqArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub interval: IntervalArgs,
    /// Show event counts instead of time.
    #[arg(short = 'C', long, conflicts_with = "dist")]
    pub count: bool,
    /// Show distributions as histograms.
    #[arg(short = 'd', long)]
    pub dist: bool,
    /// Output in nanoseconds.
    #[arg(short = 'N', long, conflicts_with = "milliseconds")]
    pub nanoseconds: bool,
    /// Output in milliseconds.
    #[arg(short = 'm', long)]
    pub milliseconds: bool,
}

impl IrqArgs {
    fn unit(&self) -> (u64, &'static str) {
        if self.nanoseconds {
            (1, "nsecs")
        } else if self.milliseconds {
            (1_000_000, "msecs")
        } else {
            (1_000, "usecs")
        }
    }

    pub(crate) fn bind(&self, p: &mut Params) {
        p.set("unit_ns", self.unit().0).set("dist", self.dist);
    }

    /// Print totals (`HARDIRQ TOTAL_usecs` with the name column `width` wide) in
    /// ascending order of the value, as bcc does, or one histogram per name
    /// (`hardirq = name`) with -d.
    pub(crate) fn render(
        &self,
        rows: &Rows,
        cx: &RenderCx<'_>,
        out: &mut dyn Write,
        what: &str,
        width: usize,
    ) -> Result<()> {
        let (unit_ns, unit) = self.unit();
        let section = what.to_ascii_lowercase();
        let label =
            |r: &crate::render::rows::Row<'_>| Some(format!("{section} = {}", r.str("name")));
        let mut blocks = Blocks::default();
        let clock = cx.span.clock;
        for_each_interval(
            out,
            &mut blocks,
            &cx.window,
            &clock,
            rows,
            |out, blocks, rows| {
                if self.dist {
                    return print_hist_sections(out, blocks, rows, unit, &label);
                }
                blocks.start(out)?;
                let total = if self.count { "count" } else { unit };
                writeln!(out, "{what:<width$} {:>11}", format!("TOTAL_{total}"))?;
                let mut lines: Vec<(u64, String)> = rows
                    .iter()
                    .map(|r| {
                        let v = if self.count {
                            r.u64("count")
                        } else {
                            r.u64("total_ns") / unit_ns
                        };
                        (v, r.str("name"))
                    })
                    .collect();
                lines.sort();
                for (v, name) in lines {
                    writeln!(out, "{name:<width$} {v:>11}")?;
                }
                Ok(())
            },
        )?;
        Ok(())
    }
}

/// Summarize hard irq event time.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub irq: IrqArgs,
}

impl Tool for Args {
    fn def(&self) -> &'static ToolDef {
        &DEF
    }
    fn common(&self) -> &CommonArgs {
        &self.irq.common
    }
    fn interval(&self) -> Option<&str> {
        self.irq.interval.interval.as_deref()
    }
    fn bind(&self, p: &mut Params) {
        self.irq.bind(p);
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        self.irq.render(rows, cx, out, "HARDIRQ", 26)
    }
}
