//! `retrace runqlat`: run-queue latency histograms (libbpf-tools runqlat): how long
//! runnable threads waited for a CPU, in usecs or msecs (-m), optionally per process
//! (-P) or per thread (-L).

use std::io::Write;

use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::rows::Row;
use crate::render::sections::{for_each_interval, print_hist_sections, Blocks};
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "runqlat",
    about: "Run-queue latency as a log2 histogram (per process, per thread)",
    sql: include_str!("../../../queries/runqlat.sql"),
    tables: &["sched_switch", "sched_wakeup"],
    native: Some(crate::native::sched::runqlat),
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "How long threads waited to run, as one histogram",
        },
        Example {
            args: "-P -m",
            about: "One histogram per process, in milliseconds",
        },
        Example {
            args: "--interval 5",
            about: "One histogram per 5 seconds",
        },
    ],
};

/// Summarize run queue (scheduler) latency as a histogram.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub interval: IntervalArgs,
    #[command(flatten)]
    pub task: TaskHistArgs,
}

/// The options runqlat and cpudist share: units, per-process or per-thread
/// histograms, and a process filter.
#[derive(Debug, Clone, clap::Args)]
pub struct TaskHistArgs {
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

impl TaskHistArgs {
    /// Binds $unit_ns, $per_process, $per_thread and $pid.
    pub(crate) fn bind(&self, p: &mut Params) {
        p.set("unit_ns", unit_ns(self.milliseconds))
            .set("per_process", self.pids)
            .set("per_thread", self.threads)
            .set("pid", self.pid.map_or(-1i64, i64::from));
    }

    /// The histograms, one section per process or thread when asked for.
    pub(crate) fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
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
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        self.task.render(rows, cx, out)
    }
}

/// The latency unit in ns: msecs with `-m`, else usecs.
pub(crate) fn unit_ns(milliseconds: bool) -> u64 {
    if milliseconds {
        1_000_000
    } else {
        1_000
    }
}

/// Histograms per interval, with a `pid = 42 comm` (or `tid = ...`) header over each
/// section when `key` names one, as libbpf-tools runqlat and cpudist print them.
pub(crate) fn print_task_hists(
    rows: &Rows,
    cx: &RenderCx<'_>,
    out: &mut dyn Write,
    key: Option<&str>,
    milliseconds: bool,
) -> Result<()> {
    let unit = if milliseconds { "msecs" } else { "usecs" };
    let label = |r: &Row<'_>| key.map(|k| format!("{k} = {} {}", r.u64("id"), r.str("comm")));
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
