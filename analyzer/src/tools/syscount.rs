//! `retrace syscount`: the most frequent system calls (bcc/libbpf-tools syscount), per
//! call or per process (-P), with their total time (-L), failed calls only (-x) or one
//! errno (-e).

use std::io::Write;

use super::{CommonArgs, IntervalArgs, RenderCx, Tool, Example, ToolDef};
use crate::capture::Capture;
use crate::error::Result;
use crate::kernel_names::errno_value;
use crate::render::sections::{for_each_interval, Blocks};
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "syscount",
    about: "Top system calls (or processes) by count, with total time (-L)",
    sql: include_str!("../../../queries/syscount.sql"),
    tables: &["syscalls"],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "The most frequent system calls",
        },
        Example {
            args: "-L -m",
            about: "With their total time, in milliseconds",
        },
        Example {
            args: "-P -x",
            about: "Processes by failed system calls",
        },
    ],
};

/// Summarize syscall counts and latencies.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub interval: IntervalArgs,
    /// Print only the top N system calls or processes.
    #[arg(short = 'T', long, value_name = "N", default_value_t = 10)]
    pub top: u64,
    /// Count failed system calls only.
    #[arg(short = 'x', long)]
    pub failures: bool,
    /// Count only calls failing with this errno (a name such as ENOENT, or a number).
    #[arg(short = 'e', long, value_name = "ERRNO", value_parser = parse_errno)]
    pub errno: Option<i64>,
    /// Collect and rank by total time (latency) too.
    #[arg(short = 'L', long)]
    pub latency: bool,
    /// Display the time in milliseconds (default: microseconds); with -L.
    #[arg(short = 'm', long)]
    pub milliseconds: bool,
    /// Count by process instead of by system call.
    #[arg(short = 'P', long)]
    pub process: bool,
    /// Trace this process only.
    #[arg(short = 'p', long, value_name = "PID")]
    pub pid: Option<u32>,
}

/// An errno as a name (ENOENT) or a number (2).
fn parse_errno(s: &str) -> std::result::Result<i64, String> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .or_else(|| errno_value(&s.to_ascii_uppercase()))
        .ok_or_else(|| format!("not an errno name or positive number: {s}"))
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
        p.set("per_process", self.process)
            .set("latency", self.latency)
            .set("failures", self.failures)
            .set("errno", self.errno.unwrap_or(0))
            .set("pid", self.pid.map_or(-1i64, i64::from))
            .set("top", self.top);
    }
    fn bind_capture(&self, capture: &Capture, p: &mut Params) {
        p.set("arch", capture.manifest().host.arch.clone());
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        let what = if self.process {
            "PID    COMM"
        } else {
            "SYSCALL"
        };
        let (div, time_col) = if self.milliseconds {
            (1e6, "TIME (ms)")
        } else {
            (1e3, "TIME (us)")
        };
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
                if self.latency {
                    writeln!(out, "{what:<22} {:>8} {time_col:>16}", "COUNT")?;
                } else {
                    writeln!(out, "{what:<22} {:>8}", "COUNT")?;
                }
                for r in rows {
                    let key = if self.process {
                        format!("{:<6} {:<15}", r.u64("pid"), r.str("comm"))
                    } else {
                        r.str("syscall")
                    };
                    write!(out, "{key:<22} {:>8}", r.u64("count"))?;
                    if self.latency {
                        write!(out, " {:>16.3}", r.f64("total_ns") / div)?;
                    }
                    writeln!(out)?;
                }
                Ok(())
            },
        )?;
        Ok(())
    }
}
