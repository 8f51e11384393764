//! `retrace biotop`: top processes by block I/O (bcc/libbpf-tools biotop): per process,
//! direction and disk, the I/O count, Kbytes and average latency, largest first.

use std::io::Write;

use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::sections::{for_each_interval, Blocks};
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "biotop",
    about: "Top processes by block I/O: count, Kbytes and average latency per disk",
    sql: include_str!("../../../queries/biotop.sql"),
    tables: &["block_io"],
    native: Some(crate::native::block::biotop),
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "Processes by block I/O over the whole capture",
        },
        Example {
            args: "--interval 5 -r 5",
            about: "The top 5 of every 5 seconds",
        },
    ],
};

/// Block I/O top: processes ranked by bytes transferred.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub interval: IntervalArgs,
    /// Rows to print per interval.
    #[arg(short = 'r', long, value_name = "ROWS", default_value_t = 20)]
    pub rows: u64,
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
        p.set("rows", self.rows);
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
                writeln!(
                    out,
                    "{:<7} {:<16} {:1} {:<3} {:<3} {:<8} {:>5} {:>7} {:>6}",
                    "PID", "COMM", "D", "MAJ", "MIN", "DISK", "I/O", "Kbytes", "AVGms"
                )?;
                for r in rows {
                    writeln!(
                        out,
                        "{:<7} {:<16} {:1} {:<3} {:<3} {:<8} {:>5} {:>7} {:>6.2}",
                        r.u64("pid"),
                        r.str("comm"),
                        r.str("d"),
                        r.u64("maj"),
                        r.u64("min"),
                        r.str("disk"),
                        r.u64("io"),
                        r.u64("kbytes"),
                        r.f64("avg_ms")
                    )?;
                }
                Ok(())
            },
        )?;
        Ok(())
    }
}
