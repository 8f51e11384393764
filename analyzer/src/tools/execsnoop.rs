//! `retrace execsnoop`: every exec() of a new program (bcc/libbpf-tools execsnoop):
//! command, pid, parent, return value and arguments.

use std::io::Write;

use super::{CommonArgs, RenderCx, Tool, ToolDef};
use crate::error::Result;
use crate::render::Rows;
use crate::session::Params;
use crate::window::wall_time;

pub static DEF: ToolDef = ToolDef {
    name: "execsnoop",
    about: "Every exec() of a new program: command, pid, parent, return value, arguments",
    sql: include_str!("../../../queries/execsnoop.sql"),
    tables: &["process_exec"],
    native: None,
};

/// Trace exec() syscalls.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Include a HH:MM:SS time column.
    #[arg(short = 'T', long)]
    pub time: bool,
    /// Include a timestamp column: seconds since the recording started.
    #[arg(short = 't', long)]
    pub timestamp: bool,
    /// Include failed exec()s.
    #[arg(short = 'x', long)]
    pub fails: bool,
    /// Only commands whose name contains NAME.
    #[arg(short = 'n', long, value_name = "NAME")]
    pub name: Option<String>,
    /// Only commands whose arguments contain LINE.
    #[arg(short = 'l', long, value_name = "LINE")]
    pub line: Option<String>,
    /// Only this user id.
    #[arg(short = 'u', long, value_name = "UID")]
    pub uid: Option<u32>,
    /// Include a UID column.
    #[arg(short = 'U', long)]
    pub print_uid: bool,
}

impl Tool for Args {
    fn def(&self) -> &'static ToolDef {
        &DEF
    }
    fn common(&self) -> &CommonArgs {
        &self.common
    }
    fn bind(&self, p: &mut Params) {
        p.set("failed", self.fails)
            .set("name", self.name.clone().unwrap_or_default())
            .set("line", self.line.clone().unwrap_or_default())
            .set("uid", self.uid.map_or(-1i64, i64::from));
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        let clock = cx.span.clock;
        if self.time {
            write!(out, "{:<8} ", "TIME")?;
        }
        if self.timestamp {
            write!(out, "{:<8} ", "TIME(s)")?;
        }
        if self.print_uid {
            write!(out, "{:<6} ", "UID")?;
        }
        writeln!(
            out,
            "{:<16} {:<6} {:<6} {:>3} ARGS",
            "PCOMM", "PID", "PPID", "RET"
        )?;
        for r in rows.iter() {
            if self.time {
                write!(out, "{:<8} ", wall_time(&clock, r.u64("ts_ns"), "%H:%M:%S"))?;
            }
            if self.timestamp {
                write!(out, "{:<8.3} ", r.f64("time_s"))?;
            }
            if self.print_uid {
                write!(out, "{:<6} ", r.u64("uid"))?;
            }
            write!(
                out,
                "{:<16} {:<6} {:<6} {:>3} {}",
                r.str("comm"),
                r.u64("pid"),
                r.u64("ppid"),
                r.i64("ret"),
                r.str("args")
            )?;
            if r.bool("args_truncated") {
                write!(out, " ...")?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}
