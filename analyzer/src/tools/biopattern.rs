//! `retrace biopattern`: random versus sequential block I/O per disk (libbpf-tools
//! biopattern): %RND, %SEQ, request count and Kbytes.

use std::io::Write;

use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::sections::{for_each_interval, Blocks};
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "biopattern",
    about: "Random versus sequential block I/O per disk (%RND, %SEQ)",
    sql: include_str!("../../../queries/biopattern.sql"),
    tables: &["block_io"],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "Random and sequential I/O per disk",
        },
        Example {
            args: "--interval 5",
            about: "The same for every 5 seconds",
        },
    ],
};

/// Show block device I/O pattern: the share of random and sequential requests.
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
                    "{:<7} {:>5} {:>5} {:>8} {:>10}",
                    "DISK", "%RND", "%SEQ", "COUNT", "KBYTES"
                )?;
                for r in rows {
                    writeln!(
                        out,
                        "{:<7} {:>5} {:>5} {:>8} {:>10}",
                        r.str("disk"),
                        r.u64("pct_rnd"),
                        r.u64("pct_seq"),
                        r.u64("count"),
                        r.u64("kbytes")
                    )?;
                }
                Ok(())
            },
        )?;
        Ok(())
    }
}
