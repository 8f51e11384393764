//! `retrace cpudist`: on-CPU time per run (or off-CPU time with -O) as log2
//! histograms (bcc/libbpf-tools cpudist), in usecs or msecs (-m), optionally per
//! process (-P) or per thread (-L).

use std::io::Write;

use super::runqlat::TaskHistArgs;
use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "cpudist",
    about: "On-CPU (or off-CPU, -O) time per run as a log2 histogram",
    sql: include_str!("../../../queries/cpudist.sql"),
    tables: &["sched_switch"],
    native: Some(crate::native::sched::cpudist),
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "How long threads ran on CPU each time they were scheduled",
        },
        Example {
            args: "-O -L -m",
            about: "Time off CPU per thread, in milliseconds",
        },
    ],
};

/// Summarize on-CPU time per task as a histogram.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub interval: IntervalArgs,
    /// Measure off-CPU time (switched out -> switched in) instead of on-CPU time.
    #[arg(short = 'O', long)]
    pub offcpu: bool,
    #[command(flatten)]
    pub task: TaskHistArgs,
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
        self.task.bind(p);
        p.set("offcpu", self.offcpu);
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        self.task.render(rows, cx, out)
    }
}
