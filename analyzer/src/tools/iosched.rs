//! `retrace iosched`: time requests spent queued in the OS I/O scheduler (insert ->
//! issue) as a log2 histogram per disk (the book's iosched.bt).

use std::io::Write;

use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::rows::Row;
use crate::render::sections::{for_each_interval, print_hist_sections, Blocks};
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "iosched",
    about: "I/O scheduler queue time (insert -> issue) as a log2 histogram per disk",
    sql: include_str!("../../../queries/iosched.sql"),
    tables: &["block_io"],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "Time requests spent queued in the I/O scheduler, per disk",
        },
        Example {
            args: "-m",
            about: "The same in milliseconds",
        },
    ],
};

/// Summarize the time block I/O spent queued in the OS before issue, per disk.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub interval: IntervalArgs,
    /// Millisecond histogram.
    #[arg(short = 'm', long)]
    pub milliseconds: bool,
    /// Trace this disk only (e.g. vda).
    #[arg(short = 'd', long, value_name = "DISK")]
    pub disk: Option<String>,
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
        p.set(
            "unit_ns",
            if self.milliseconds {
                1_000_000u64
            } else {
                1_000u64
            },
        )
        .set("disk", self.disk.clone().unwrap_or_default());
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        let unit = if self.milliseconds { "msecs" } else { "usecs" };
        let label = |r: &Row<'_>| Some(format!("disk = {}", r.str("disk")));
        let mut blocks = Blocks::default();
        let clock = cx.span.clock;
        for_each_interval(
            out,
            &mut blocks,
            &cx.window,
            &clock,
            rows,
            |out, blocks, rows| print_hist_sections(out, blocks, rows, unit, &label),
        )?;
        Ok(())
    }
}
