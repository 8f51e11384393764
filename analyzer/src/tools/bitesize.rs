//! `retrace bitesize`: block I/O request sizes as a log2 histogram of Kbytes per
//! process (bcc/libbpf-tools bitesize).

use std::io::Write;

use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::rows::Row;
use crate::render::sections::{for_each_interval, print_hist_sections, Blocks};
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "bitesize",
    about: "Block I/O sizes per process as log2 histograms of Kbytes",
    sql: include_str!("../../../queries/bitesize.sql"),
    tables: &["block_io"],
    native: Some(crate::native::block::bitesize),
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "I/O sizes of every process",
        },
        Example {
            args: "-d vdb",
            about: "I/O sizes on disk vdb only",
        },
    ],
};

/// Summarize block I/O size as a histogram per process.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub interval: IntervalArgs,
    /// Trace this command name only (exact match).
    #[arg(short = 'c', long, value_name = "COMM")]
    pub comm: Option<String>,
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
        p.set("comm", self.comm.clone().unwrap_or_default())
            .set("disk", self.disk.clone().unwrap_or_default());
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
            |out, blocks, rows| print_hist_sections(out, blocks, rows, "Kbytes", &label),
        )?;
        Ok(())
    }
}
