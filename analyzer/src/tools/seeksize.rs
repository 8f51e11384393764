//! `retrace seeksize`: distance in sectors from the end of the previous request on the
//! same disk, as a log2 histogram per process (the book's seeksize.bt).

use std::io::Write;

use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::rows::Row;
use crate::render::sections::{for_each_interval, print_hist_sections, Blocks};
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "seeksize",
    about: "Seek distance (sectors) between consecutive requests of a disk, per process",
    sql: include_str!("../../../queries/seeksize.sql"),
    tables: &["block_io"],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "Seek distances of every process",
        },
        Example {
            args: "-d vdb",
            about: "Seek distances on disk vdb only",
        },
    ],
};

/// Summarize requested seek distances as a histogram per process.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub interval: IntervalArgs,
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
        p.set("disk", self.disk.clone().unwrap_or_default());
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        let label = |r: &Row<'_>| Some(format!("Process Name = {}", r.str("comm")));
        let mut blocks = Blocks::default();
        let clock = cx.span.clock;
        for_each_interval(
            out,
            &mut blocks,
            &cx.window,
            &clock,
            rows,
            |out, blocks, rows| print_hist_sections(out, blocks, rows, "sectors", &label),
        )?;
        Ok(())
    }
}
