//! `retrace sql`: ad-hoc, read-only SQL over a capture. Every table is registered;
//! DDL, DML, COPY and SET are refused. The tool parameters `$start_ns`, `$end_ns`,
//! `$interval_ns` and `$capture_start_ns` are bound from --since/--until/--interval
//! (whole capture by default), and `--param NAME=VALUE` binds any other `$NAME`, so a
//! tool's `queries/<tool>.sql` runs as is.

use std::io::Write;
use std::path::PathBuf;

use crate::capture::{Capture, OpenOptions};
use crate::error::{Error, Result};
use crate::output::{self, FormatArgs};
use crate::session::Session;
use crate::tools::common_params;
use crate::window;

/// Run a read-only SQL query over a capture.
#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Tables: block_io, process_exec, process_fork, process_exit, \
process_snapshot (see schemas/README.md). Functions: log2_bucket(v), bio_flags(rwbs), \
errno_name(e), join_args(args).\n\nA tool's query runs as is: `retrace biolatency CAP -D --show-sql` \
prints it with the --param options that reproduce the tool's output."
)]
pub struct SqlArgs {
    /// The capture folder.
    #[arg(value_name = "CAPTURE")]
    pub capture: PathBuf,
    /// The query: one SELECT (or EXPLAIN, SHOW, DESCRIBE) statement.
    #[arg(
        value_name = "QUERY",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub query: Option<String>,
    /// Read the query from a file (e.g. queries/biolatency.sql).
    #[arg(short = 'f', long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Bind `$NAME` to VALUE (integers, decimals, true/false, else a string); repeatable.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Binds $start_ns: an offset from the capture start or a wall-clock time.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Binds $end_ns, in the same forms as --since.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Binds $interval_ns (seconds, or 500ms, 2m, ...).
    #[arg(long, value_name = "SECONDS")]
    pub interval: Option<String>,
    #[command(flatten)]
    pub format: FormatArgs,
}

/// Run `retrace sql`.
pub async fn run(
    args: &SqlArgs,
    options: OpenOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let query = match (&args.query, &args.file) {
        (Some(q), _) => q.clone(),
        (None, Some(f)) => {
            std::fs::read_to_string(f).map_err(|e| Error::Usage(format!("{}: {e}", f.display())))?
        }
        (None, None) => return Err(Error::Usage("no query given".into())),
    };
    let capture = Capture::open_with(&args.capture, options)?;
    for w in capture.warnings() {
        writeln!(err, "retrace: {w}")?;
    }
    let mut session = Session::open(capture).await?;
    let span = session.span().await?;
    let window = window::resolve(
        &span,
        args.since.as_deref(),
        args.until.as_deref(),
        args.interval.as_deref(),
    )?;
    let mut params = common_params(&span, &window);
    for p in &args.params {
        params.set_from_str(p)?;
    }
    let result = session.query(&query, &params).await?;
    for w in session.take_late_warnings() {
        writeln!(err, "retrace: {w}")?;
    }
    output::write_rows(&result, args.format.format(), out)?;
    out.flush()?;
    Ok(())
}
