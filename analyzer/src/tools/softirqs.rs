//! `retrace softirqs`: time in soft interrupts per vector (bcc/libbpf-tools
//! softirqs): total time, counts (-C), or log2 histograms (-d).

use std::io::Write;

use super::hardirqs::IrqArgs;
use super::{CommonArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "softirqs",
    about: "Time in soft interrupts per vector: totals, counts, histograms",
    sql: include_str!("../../../queries/softirqs.sql"),
    tables: &["softirq"],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "Total time in each soft interrupt vector",
        },
        Example {
            args: "-d -N",
            about: "A histogram per vector, in nanoseconds",
        },
    ],
};

/// Summarize soft irq event time.
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
        self.irq.render(rows, cx, out, "SOFTIRQ", 16)
    }
}
