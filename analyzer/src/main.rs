//! `retrace`: the command line of the analyzer. Parses arguments, runs the library,
//! prints errors as one line (`retrace: ...`) and maps them to exit codes: 0 success
//! (a closed output pipe included), 1 error (or a `retrace diff --fail-if` threshold
//! crossed), 2 usage error (unknown tool or option).

use std::ffi::OsString;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use retrace::tools::{self, Tool};
use retrace::{info, record, sql, Capture, OpenOptions};

/// Analyze retrace captures: the BPF Performance Tools, after the fact.
///
/// A capture is a folder recorded by `retrace record` (retrace-record) on a Linux host:
/// a manifest and Parquet tables of kernel events. Every tool here reads a capture,
/// runs its SQL query (see `--show-sql`), and prints what the live bcc/libbpf-tools
/// tool would have printed over the same time.
#[derive(Debug, Parser)]
#[command(
    name = "retrace",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    /// Refuse a damaged capture (a corrupt, foreign or missing segment) instead of
    /// analyzing the rest with a warning.
    #[arg(long, global = true)]
    strict: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Info(info::InfoArgs),
    /// List the tools; with a capture, whether each can answer from it.
    Tools {
        /// A capture folder to check the tools against.
        #[arg(value_name = "CAPTURE")]
        capture: Option<PathBuf>,
    },
    Sql(sql::SqlArgs),
    Diff(retrace::diff::DiffArgs),
    /// Record a capture: runs `retrace-record` with these arguments (see `retrace record --help`).
    #[command(disable_help_flag = true)]
    Record {
        /// Arguments for retrace-record.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "ARGS"
        )]
        args: Vec<OsString>,
    },
    Biolatency(tools::biolatency::Args),
    Biosnoop(tools::biosnoop::Args),
    Biotop(tools::biotop::Args),
    Bitesize(tools::bitesize::Args),
    Iosched(tools::iosched::Args),
    Bioerr(tools::bioerr::Args),
    Seeksize(tools::seeksize::Args),
    Biopattern(tools::biopattern::Args),
    Execsnoop(tools::execsnoop::Args),
    Exitsnoop(tools::exitsnoop::Args),
    Runqlat(tools::runqlat::Args),
    Runqslower(tools::runqslower::Args),
    Cpudist(tools::cpudist::Args),
    Profile(tools::profile::Args),
    Offcputime(tools::offcputime::Args),
    Flamegraph(retrace::stacks::flamegraph::FlamegraphArgs),
    Runqlen(tools::runqlen::Args),
    Hardirqs(tools::hardirqs::Args),
    Softirqs(tools::softirqs::Args),
    Llcstat(tools::llcstat::Args),
    Cpufreq(tools::cpufreq::Args),
    Syscount(tools::syscount::Args),
}

impl Command {
    fn tool(&self) -> Option<&dyn Tool> {
        match self {
            Command::Biolatency(a) => Some(a),
            Command::Biosnoop(a) => Some(a),
            Command::Biotop(a) => Some(a),
            Command::Bitesize(a) => Some(a),
            Command::Iosched(a) => Some(a),
            Command::Bioerr(a) => Some(a),
            Command::Seeksize(a) => Some(a),
            Command::Biopattern(a) => Some(a),
            Command::Execsnoop(a) => Some(a),
            Command::Exitsnoop(a) => Some(a),
            Command::Runqlat(a) => Some(a),
            Command::Runqslower(a) => Some(a),
            Command::Cpudist(a) => Some(a),
            Command::Runqlen(a) => Some(a),
            Command::Hardirqs(a) => Some(a),
            Command::Softirqs(a) => Some(a),
            Command::Llcstat(a) => Some(a),
            Command::Cpufreq(a) => Some(a),
            Command::Syscount(a) => Some(a),
            _ => None,
        }
    }
}

/// Run the command; Ok(true) when `retrace diff --fail-if` found a threshold crossed.
async fn dispatch(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> retrace::Result<bool> {
    let options = OpenOptions { strict: cli.strict };
    if let Some(tool) = cli.command.tool() {
        return tools::run(tool, options, out, err).await.map(|()| false);
    }
    let open = |path: &std::path::Path, err: &mut dyn Write| -> retrace::Result<Capture> {
        let capture = Capture::open_with(path, options)?;
        for w in capture.warnings() {
            writeln!(err, "retrace: {w}")?;
        }
        Ok(capture)
    };
    match cli.command {
        Command::Info(args) => {
            let capture = open(&args.capture, err)?;
            if args.json {
                writeln!(out, "{}", capture.manifest().to_json())?;
            } else {
                info::print_info(&capture, out)?;
            }
        }
        Command::Tools { capture } => {
            let capture = capture.as_deref().map(|c| open(c, err)).transpose()?;
            tools::print_tools(capture.as_ref(), out)?;
        }
        Command::Sql(args) => sql::run(&args, options, out, err).await?,
        Command::Diff(args) => return retrace::diff::run(&args, options, out, err).await,
        Command::Record { args } => return Err(record::exec_recorder(&args)),
        Command::Profile(args) => args.run(options, out, err).await?,
        Command::Offcputime(args) => args.run(options, out, err).await?,
        Command::Flamegraph(args) => {
            let terminal = io::stdout().is_terminal();
            retrace::stacks::flamegraph::run(&args, options, terminal, out, err).await?
        }
        _ => unreachable!("tools are dispatched above"),
    }
    out.flush()?;
    Ok(false)
}

/// Parse the command line; each tool's `--help` ends with the columns of its query
/// (from the header of `queries/<tool>.sql`).
fn parse_args() -> Result<Cli, clap::Error> {
    let mut cmd = Cli::command();
    for def in tools::TOOLS {
        let help = format!(
            "Columns of --json / --csv output (see `--show-sql`; tables: {}):\n{}",
            def.tables.join(", "),
            def.columns_doc()
        );
        cmd = cmd.mut_subcommand(def.name, |sc| sc.after_help(help));
    }
    let matches = cmd.try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// An error and its causes on one line, skipping causes whose text the message
/// already holds.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut line = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !line.contains(&text) {
            line = format!("{line}: {text}");
        }
        source = s.source();
    }
    line
}

/// A command-line error on one line: clap's message, its tips, and where to find help
/// (clap's own rendering spans several lines and repeats the usage).
fn usage_error_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut message = String::new();
    let mut tips = Vec::new();
    let mut command = "retrace".to_string();
    // The error may go on over indented lines (e.g. the list of missing
    // arguments) until a blank line.
    let mut in_error = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            in_error = false;
        } else if let Some(m) = line.strip_prefix("error: ") {
            message = m.to_string();
            in_error = true;
        } else if in_error && !line.starts_with("tip: ") && !line.starts_with("Usage: ") {
            message = format!("{} {line}", message.trim_end_matches(':'));
        } else if let Some(t) = line.strip_prefix("tip: ") {
            tips.push(t.to_string());
        } else if let Some(u) = line.strip_prefix("Usage: ") {
            command = u
                .split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<']))
                .collect::<Vec<_>>()
                .join(" ");
        }
    }
    if message.is_empty() {
        message = text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    if e.kind() == clap::error::ErrorKind::InvalidSubcommand {
        message = message.replace("unrecognized subcommand", "unknown tool or command");
        command = "retrace tools` or `retrace".to_string();
    }
    let tips: String = tips.iter().map(|t| format!(" ({t})")).collect();
    format!("{message}{tips}; see `{command} --help`")
}

/// Report a panic (a bug) as one line instead of a backtrace, and ask for a report.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if retrace::panic_guard::is_quiet() {
            return;
        }
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "retrace: internal error: {}{at} (a bug in retrace; please report it)",
            what.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }));
}

fn main() -> ExitCode {
    install_panic_hook();
    let cli = match parse_args() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("retrace: {}", usage_error_line(&e));
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("retrace: cannot start the query runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut err = io::stderr();
    let result = runtime.block_on(dispatch(cli, &mut out, &mut err));
    let result = result.and_then(|crossed| {
        out.flush()?;
        Ok(crossed)
    });
    match result {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => ExitCode::FAILURE,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("retrace: {}", error_chain(&e));
            ExitCode::FAILURE
        }
    }
}
