//! `retrace biosnoop`: one line per block I/O request (bcc/libbpf-tools biosnoop):
//! completion time, process, disk, operation, sector, size, queue time (-Q), latency.

use std::io::Write;

use super::{CommonArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::Rows;
use crate::session::Params;

pub static DEF: ToolDef = ToolDef {
    name: "biosnoop",
    about: "Every block I/O request: process, disk, operation, sector, size, latency",
    sql: include_str!("../../../queries/biosnoop.sql"),
    tables: &["block_io"],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "Every block I/O request with its latency",
        },
        Example {
            args: "-Q -d vdb",
            about: "Requests of disk vdb only, with their OS queue time",
        },
    ],
};

/// Trace block I/O: one line per request.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Include OS queued time (insert -> issue) as a QUE(ms) column.
    #[arg(short = 'Q', long)]
    pub queued: bool,
    /// Trace this disk only (e.g. vda).
    #[arg(short = 'd', long, value_name = "DISK")]
    pub disk: Option<String>,
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
        p.set("disk", self.disk.clone().unwrap_or_default())
            .set("pid", self.pid.map_or(-1i64, i64::from));
    }
    fn render(&self, rows: &Rows, _cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        write!(
            out,
            "{:<11} {:<14} {:<7} {:<7} {:<4} {:<10} {:<7} ",
            "TIME(s)", "COMM", "PID", "DISK", "T", "SECTOR", "BYTES"
        )?;
        if self.queued {
            write!(out, "{:>7} ", "QUE(ms)")?;
        }
        writeln!(out, "{:>7}", "LAT(ms)")?;
        for r in rows.iter() {
            write!(
                out,
                "{:<11.6} {:<14.14} {:<7} {:<7} {:<4} {:<10} {:<7} ",
                r.f64("time_s"),
                r.str("comm"),
                r.u64("pid"),
                r.str("disk"),
                r.str("rwbs"),
                r.u64("sector"),
                r.u64("bytes")
            )?;
            if self.queued {
                match r.opt_f64("que_ms") {
                    Some(q) => write!(out, "{q:>7.3} ")?,
                    None => write!(out, "{:>7} ", "-")?,
                }
            }
            writeln!(out, "{:>7.3}", r.f64("lat_ms"))?;
        }
        Ok(())
    }
}
