//! `retrace sql`: ad-hoc, read-only SQL over a capture. Every table and derived view
//! (`queries/views/`) is registered; DDL, DML, COPY and SET are refused. The tool parameters `$start_ns`, `$end_ns`,
//! `$interval_ns` and `$capture_start_ns` are bound from --since/--until/--interval
//! (whole capture by default), and `--param NAME=VALUE` binds any other `$NAME`, so a
//! tool's `queries/<tool>.sql` runs as is.
//!
//! Several captures (`retrace sql A B C "..."`) are one dataset: every table is the
//! union of the captures' tables with two more columns, `capture` (the folder name, or
//! the matching `--name`) and `host` (the recording host). Time parameters are then
//! bound to the whole of every capture (`--since`/`--until`/`--interval` are refused:
//! each capture has its own clock).

use std::io::Write;
use std::path::PathBuf;

use crate::capture::{Capture, OpenOptions};
use crate::error::{Error, Result};
use crate::output::{self, FormatArgs};
use crate::session::Params;
use crate::session::Session;
use crate::tools::common_params;
use crate::window;

/// Run a read-only SQL query over a capture.
#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Tables: every table of schemas/README.md (block_io, process_exec, \
sched_switch, sched_wakeup, profile, syscalls, hardirq, softirq, cpu_frequency, pmc, \
stacks, ...). Views (queries/views/*.sql, each column documented there): runq_wait \
(run-queue waits), thread_switch, oncpu_run, offcpu_run (on- and off-CPU stretches), \
irq_run (interrupt handler runs), block_io_seq (each request with the previous one on \
its disk). Functions: log2_bucket(v), bio_flags(rwbs), errno_name(e), join_args(args), \
syscall_name(nr, arch) (arch as the manifest's host.arch: x86_64, aarch64).\n\nA tool's query runs as is: `retrace biolatency CAP -D --show-sql` \
prints it with the --param options that reproduce the tool's output.\n\n\
Several captures are one dataset: each table gains a `capture` column (the folder name, \
or --name) and a `host` column. Example, I/O latency per capture and process:\n  \
retrace sql before after \"SELECT capture, comm, count(*) AS ios, \
approx_percentile_cont(ts_complete_ns - ts_issue_ns, 0.99) / 1000 AS p99_us \
FROM block_io GROUP BY capture, comm ORDER BY comm, capture\""
)]
pub struct SqlArgs {
    /// One or more capture folders, then the query (one SELECT, EXPLAIN, SHOW or
    /// DESCRIBE statement) unless --file gives it.
    #[arg(value_name = "CAPTURE... QUERY", required = true, num_args = 1..)]
    pub inputs: Vec<String>,
    /// Name the captures in the `capture` column (one per capture, in order; default:
    /// each folder's name). Only with several captures.
    #[arg(long = "name", value_name = "NAME")]
    pub names: Vec<String>,
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
    let (paths, query) = split_inputs(args)?;
    if paths.len() > 1 {
        return run_many(args, &paths, &query, options, out, err).await;
    }
    if !args.names.is_empty() {
        return Err(Error::Usage("--name is for several captures".into()));
    }
    let capture = Capture::open_with(&paths[0], options)?;
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

/// The capture folders and the query text (from the last positional or --file).
fn split_inputs(args: &SqlArgs) -> Result<(Vec<PathBuf>, String)> {
    let mut inputs = args.inputs.clone();
    let query = match &args.file {
        Some(f) => {
            std::fs::read_to_string(f).map_err(|e| Error::Usage(format!("{}: {e}", f.display())))?
        }
        None if inputs.len() >= 2 => inputs.pop().unwrap_or_default(),
        None => {
            return Err(Error::Usage(
                "no query given (retrace sql CAPTURE... \"SELECT ...\", or --file FILE)".into(),
            ))
        }
    };
    Ok((inputs.into_iter().map(PathBuf::from).collect(), query))
}

/// The `capture` column's value for each folder: the `--name`s, else folder names
/// (which must then differ).
pub fn capture_names(paths: &[PathBuf], names: &[String]) -> Result<Vec<String>> {
    if !names.is_empty() {
        if names.len() != paths.len() {
            return Err(Error::Usage(format!(
                "{} --name for {} captures: give one per capture",
                names.len(),
                paths.len()
            )));
        }
        return Ok(names.to_vec());
    }
    let names: Vec<String> = paths
        .iter()
        .map(|p| {
            let p = p.canonicalize().unwrap_or_else(|_| p.clone());
            p.file_name()
                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
        })
        .collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(Error::Usage(format!(
                "two captures are named {n}: tell them apart with --name"
            )));
        }
    }
    Ok(names)
}

/// `retrace sql A B ...`: the captures as one dataset.
async fn run_many(
    args: &SqlArgs,
    paths: &[PathBuf],
    query: &str,
    options: OpenOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    if args.since.is_some() || args.until.is_some() || args.interval.is_some() {
        return Err(Error::Usage(
            "--since, --until and --interval need a single capture (each capture has its own clock; filter on ts columns per capture instead)".into(),
        ));
    }
    let names = capture_names(paths, &args.names)?;
    let mut captures = Vec::new();
    for (name, path) in names.into_iter().zip(paths) {
        let capture = Capture::open_with(path, options)?;
        for w in capture.warnings() {
            writeln!(err, "retrace: {w}")?;
        }
        captures.push((name, capture));
    }
    let mut session = Session::open_many(captures).await?;
    let mut params = Params::new();
    params
        .set("start_ns", 0u64)
        .set("end_ns", u64::MAX)
        .set("interval_ns", u64::MAX)
        .set("capture_start_ns", 0u64);
    for p in &args.params {
        params.set_from_str(p)?;
    }
    let result = session.query(query, &params).await?;
    for w in session.take_late_warnings() {
        writeln!(err, "retrace: {w}")?;
    }
    output::write_rows(&result, args.format.format(), out)?;
    out.flush()?;
    Ok(())
}
