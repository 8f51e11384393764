//! `retrace cpudist`: on-CPU time per run (or off-CPU time with -O) as log2
//! histograms (bcc/libbpf-tools cpudist), in usecs or msecs (-m), optionally per
//! process (-P) or per thread (-L).

use std::io::Write;

use super::runqlat::{print_task_hists, unit_ns};
use super::{CommonArgs, IntervalArgs, RenderCx, Tool, ToolDef};
use crate::error::Result;
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "cpudist",
    about: "On-CPU (or off-CPU, -O) time per run as a log2 histogram",
    sql: include_str!("../../../queries/cpudist.sql"),
    tables: &["sched_switch"],
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
    /// Millisecond histogram.
    #[arg(short = 'm', long)]
    pub milliseconds: bool,
    /// Print a histogram per process ID.
    #[arg(short = 'P', long, conflicts_with = "threads")]
    pub pids: bool,
    /// Print a histogram per thread ID.
    #[arg(short = 'L', long)]
    pub threads: bool,
    /// Trace this process only.
    #[arg(short = 'p', long, value_name = "PID")]
    pub pid: Option<u32>,
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
        p.set("unit_ns", unit_ns(self.milliseconds))
            .set("offcpu", self.offcpu)
            .set("per_process", self.pids)
            .set("per_thread", self.threads)
            .set("pid", self.pid.map_or(-1i64, i64::from));
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        let key = if self.pids {
            Some("pid")
        } else if self.threads {
            Some("tid")
        } else {
            None
        };
        print_task_hists(rows, cx, out, key, self.milliseconds)
    }
}
