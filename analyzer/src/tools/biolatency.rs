//! `retrace biolatency`: block I/O latency histograms (bcc/libbpf-tools biolatency),
//! optionally per disk (-D) or per operation flags (-F), in usecs or msecs (-m), with
//! or without OS queue time (-Q).

use std::io::Write;

use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::rows::Row;
use crate::render::sections::{for_each_interval, print_hist_sections, Blocks};
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "biolatency",
    about: "Block I/O latency as a log2 histogram (per disk, per flags, with queue time)",
    sql: include_str!("../../../queries/biolatency.sql"),
    tables: &["block_io"],
    native: Some(crate::native::block::biolatency),
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "Latency of every block I/O as one log2 histogram, in microseconds",
        },
        Example {
            args: "-D -m",
            about: "One histogram per disk, in milliseconds",
        },
        Example {
            args: "-F -Q --interval 10",
            about: "Per set of I/O flags, with OS queue time, one output per 10 s",
        },
    ],
};

/// Summarize block device I/O latency as a histogram.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub interval: IntervalArgs,
    /// Millisecond histogram.
    #[arg(short = 'm', long)]
    pub milliseconds: bool,
    /// Include OS queued time in I/O time (insert -> complete instead of issue -> complete).
    #[arg(short = 'Q', long)]
    pub queued: bool,
    /// Print a histogram per disk device.
    #[arg(short = 'D', long)]
    pub per_disk: bool,
    /// Print a histogram per set of I/O flags.
    #[arg(short = 'F', long)]
    pub per_flag: bool,
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
        .set("queued", self.queued)
        .set("per_disk", self.per_disk)
        .set("per_flag", self.per_flag)
        .set("disk", self.disk.clone().unwrap_or_default());
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        let unit = if self.milliseconds { "msecs" } else { "usecs" };
        let label = |r: &Row<'_>| -> Option<String> {
            match (self.per_disk, self.per_flag) {
                (false, false) => None,
                (true, false) => Some(format!("disk = {}", r.str("disk"))),
                (false, true) => Some(format!("flags = {}", r.str("flags"))),
                (true, true) => Some(format!(
                    "disk = {}\tflags = {}",
                    r.str("disk"),
                    r.str("flags")
                )),
            }
        };
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
