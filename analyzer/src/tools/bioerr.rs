//! `retrace bioerr`: every failed block I/O request, one line each, as the book's
//! bioerr.bt prints them (plus the disk name, errno name and process).

use std::io::Write;

use super::{CommonArgs, RenderCx, Tool, Example, ToolDef};
use crate::error::Result;
use crate::render::Rows;
use crate::session::Params;
use crate::window::wall_time;

pub static DEF: ToolDef = ToolDef {
    name: "bioerr",
    about: "Every failed block I/O request: disk, operation, sector, size, errno, process",
    sql: include_str!("../../../queries/bioerr.sql"),
    tables: &["block_io"],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "Every failed request, with its errno",
        },
    ],
};

/// Trace block I/O errors.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Tool for Args {
    fn def(&self) -> &'static ToolDef {
        &DEF
    }
    fn common(&self) -> &CommonArgs {
        &self.common
    }
    fn bind(&self, _p: &mut Params) {}
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        let clock = cx.span.clock;
        for r in rows.iter() {
            writeln!(
                out,
                "{} device: {},{} ({}), sector: {}, bytes: {}, flags: {}, error: {} ({}), comm: {}, pid: {}",
                wall_time(&clock, r.u64("ts_complete_ns"), "%H:%M:%S"),
                r.u64("maj"),
                r.u64("min"),
                r.str("disk"),
                r.u64("sector"),
                r.u64("bytes"),
                r.str("rwbs"),
                r.i64("error"),
                r.str("error_name"),
                r.str("comm"),
                r.u64("pid"),
            )?;
        }
        Ok(())
    }
}
