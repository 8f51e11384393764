//! `retrace runqslower`: every run-queue wait above a threshold (libbpf-tools
//! runqslower), with the thread that was running before (-P).

use std::io::Write;

use super::{CommonArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::Rows;
use crate::session::Params;
use crate::window::wall_time;

pub static DEF: ToolDef = ToolDef {
    name: "runqslower",
    about: "Every run-queue wait longer than a threshold (default 10 ms)",
    sql: include_str!("../../../queries/runqslower.sql"),
    tables: &["sched_switch", "sched_wakeup"],
    native: Some(crate::native::sched::runqslower),
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "Every run-queue wait over 10 ms",
        },
        Example {
            args: "1000 -P",
            about: "Every wait over 1 ms, with the task that ran before",
        },
    ],
};

/// Trace high run queue latency.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Minimum run-queue latency to list, in µs (default 10000); same as --min-us.
    #[arg(value_name = "MIN_US", conflicts_with = "min_us")]
    pub min_us_arg: Option<u64>,
    /// Minimum run-queue latency to list, in µs (default 10000).
    #[arg(long, value_name = "MIN_US")]
    pub min_us: Option<u64>,
    /// Also print the thread that ran before (PREV COMM, PREV TID).
    #[arg(short = 'P', long)]
    pub previous: bool,
    /// Trace this process only.
    #[arg(short = 'p', long, value_name = "PID")]
    pub pid: Option<u32>,
    /// Trace this thread only.
    #[arg(short = 't', long, value_name = "TID")]
    pub tid: Option<u32>,
}

impl Tool for Args {
    fn def(&self) -> &'static ToolDef {
        &DEF
    }
    fn common(&self) -> &CommonArgs {
        &self.common
    }
    fn bind(&self, p: &mut Params) {
        p.set(
            "min_us",
            self.min_us.or(self.min_us_arg).unwrap_or(10_000) as i64,
        )
        .set("pid", self.pid.map_or(-1i64, i64::from))
        .set("tid", self.tid.map_or(-1i64, i64::from));
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        let clock = cx.span.clock;
        write!(
            out,
            "{:<8} {:<16} {:<6} {:>14}",
            "TIME", "COMM", "TID", "LAT(us)"
        )?;
        if self.previous {
            write!(out, " {:<16} {:<6}", "PREV COMM", "PREV TID")?;
        }
        writeln!(out)?;
        for r in rows.iter() {
            write!(
                out,
                "{:<8} {:<16} {:<6} {:>14}",
                wall_time(&clock, r.u64("ts_ns"), "%H:%M:%S"),
                r.str("comm"),
                r.u64("tid"),
                r.u64("lat_us")
            )?;
            if self.previous {
                write!(out, " {:<16} {:<6}", r.str("prev_comm"), r.u64("prev_tid"))?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}
