//! `retrace exitsnoop`: every process exit with its age and exit code or signal
//! (bcc/libbpf-tools exitsnoop).

use std::io::Write;

use super::{CommonArgs, RenderCx, Tool, ToolDef};
use crate::error::Result;
use crate::names::signal_description;
use crate::render::Rows;
use crate::session::Params;
use crate::window::wall_time;

pub static DEF: ToolDef = ToolDef {
    name: "exitsnoop",
    about: "Every process exit: age and exit code or signal",
    sql: include_str!("../../../queries/exitsnoop.sql"),
    tables: &["process_exit"],
    native: None,
};

/// Trace process termination.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Include a HH:MM:SS time column.
    #[arg(short = 't', long)]
    pub timestamp: bool,
    /// Trace error exits only (nonzero exit code or killed by a signal).
    #[arg(short = 'x', long)]
    pub failed: bool,
    /// Trace by thread: include the exits of every thread, not only of processes.
    #[arg(short = 'T', long)]
    pub threaded: bool,
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
    fn bind(&self, p: &mut Params) {
        p.set("failed", self.failed)
            .set("threads", self.threaded)
            .set("pid", self.pid.map_or(-1i64, i64::from));
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        let clock = cx.span.clock;
        if self.timestamp {
            write!(out, "{:<8} ", "TIME")?;
        }
        writeln!(
            out,
            "{:<16} {:<7} {:<7} {:<7} {:<7} EXIT_CODE",
            "PCOMM", "PID", "PPID", "TID", "AGE(s)"
        )?;
        for r in rows.iter() {
            if self.timestamp {
                write!(out, "{:<8} ", wall_time(&clock, r.u64("ts_ns"), "%H:%M:%S"))?;
            }
            write!(
                out,
                "{:<16} {:<7} {:<7} {:<7} {:<7.2} ",
                r.str("comm"),
                r.u64("pid"),
                r.u64("ppid"),
                r.u64("tid"),
                r.f64("age_s")
            )?;
            let signal = r.i64("signal") as i32;
            let code = r.i64("exit_code");
            if signal != 0 {
                write!(out, "signal {signal} ({})", signal_description(signal))?;
                if r.bool("core_dumped") {
                    write!(out, ", core dumped")?;
                }
            } else if code == 0 {
                write!(out, "0")?;
            } else {
                write!(out, "code {code}")?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}
