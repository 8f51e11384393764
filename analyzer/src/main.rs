//! `retrace`: the command line of the analyzer. Parses arguments, runs the library,
//! prints errors as one line (`retrace: ...`) and maps them to exit codes: 0 success
//! (a closed output pipe included), 1 error (or a `retrace diff --fail-if` threshold
//! crossed), 2 usage error (unknown tool or option).

use std::ffi::OsString;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use retrace::tools::{self, registry, Invocation, RunEnv};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use retrace::{info, run_recorder, sql, Capture, OpenOptions};

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

/// The subcommands that are not tools; the tools come from the registry.
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
}

/// What the command line asks for.
enum Parsed {
    Command(Command),
    Tool(Box<dyn Invocation>),
}

/// Run the command; Ok(true) when `retrace diff --fail-if` found a threshold crossed.
async fn dispatch(
    parsed: Parsed,
    options: OpenOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> retrace::Result<bool> {
    let command = match parsed {
        Parsed::Tool(tool) => {
            let env = RunEnv {
                options,
                stdout_is_terminal: io::stdout().is_terminal(),
            };
            return tool.run(env, out, err).await.map(|()| false);
        }
        Parsed::Command(command) => command,
    };
    let open = |path: &std::path::Path, err: &mut dyn Write| -> retrace::Result<Capture> {
        let capture = Capture::open_with(path, options)?;
        for w in capture.warnings() {
            writeln!(err, "retrace: {w}")?;
        }
        Ok(capture)
    };
    match command {
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
        Command::Record { args } => return Err(run_recorder::exec_recorder(&args)),
    }
    out.flush()?;
    Ok(false)
}

/// The whole command line: the subcommands above and one per registered tool.
fn command() -> clap::Command {
    Cli::command().subcommands(registry().entries().map(|e| e.command()))
}

/// Parse the command line (`--strict` is global: before or after the subcommand).
fn parse_args(
    args: impl IntoIterator<Item = OsString>,
) -> Result<(Parsed, OpenOptions), clap::Error> {
    let matches = command().try_get_matches_from(args)?;
    let options = OpenOptions {
        strict: matches.get_flag("strict"),
    };
    if let Some((name, sub)) = matches.subcommand() {
        if let Some(entry) = registry().get(name) {
            return Ok((Parsed::Tool(entry.parse(sub)?), options));
        }
    }
    let cli = Cli::from_arg_matches(&matches)?;
    let options = OpenOptions { strict: cli.strict };
    Ok((Parsed::Command(cli.command), options))
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

/// A command-line error on one line, from clap's error kind and context: what is wrong,
/// tips, and where to find help (clap's own rendering spans several lines and
/// repeats the usage).
fn usage_error_line(e: &clap::Error, args: &[OsString]) -> String {
    use clap::error::{ContextKind as K, ContextValue as V, ErrorKind};
    let one = |k: K| match e.get(k) {
        Some(V::String(s)) => s.clone(),
        Some(V::Strings(v)) => v.join(", "),
        Some(V::StyledStr(s)) => s.to_string(),
        Some(V::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let (arg, value) = (one(K::InvalidArg), one(K::InvalidValue));
    let mut message = match e.kind() {
        ErrorKind::InvalidSubcommand => {
            format!("unknown tool or command '{}'", one(K::InvalidSubcommand))
        }
        ErrorKind::UnknownArgument => format!("unexpected argument '{arg}' found"),
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("a value is required for '{arg}' but none was supplied")
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let mut m = format!("invalid value '{value}' for '{arg}'");
            if let Some(why) = std::error::Error::source(e) {
                m.push_str(&format!(": {why}"));
            }
            m
        }
        ErrorKind::MissingRequiredArgument => {
            format!("the following required arguments were not provided: {arg}")
        }
        ErrorKind::ArgumentConflict => match e.get(K::PriorArg) {
            Some(V::String(prior)) if *prior == arg => {
                format!("the argument '{arg}' cannot be used multiple times")
            }
            Some(_) => format!(
                "the argument '{arg}' cannot be used with '{}'",
                one(K::PriorArg)
            ),
            None => format!("the argument '{arg}' cannot be used with the other arguments"),
        },
        ErrorKind::TooManyValues => {
            format!("unexpected value '{value}' for '{arg}' found; no more were expected")
        }
        ErrorKind::MissingSubcommand => {
            format!("'{}' needs a subcommand", one(K::InvalidSubcommand))
        }
        kind => match std::error::Error::source(e) {
            Some(why) => why.to_string(),
            None => kind.as_str().unwrap_or("invalid command line").to_string(),
        },
    };
    if let Some(V::Strings(values)) = e.get(K::ValidValue) {
        message.push_str(&format!(" (possible values: {})", values.join(", ")));
    }
    for kind in [K::SuggestedSubcommand, K::SuggestedArg, K::SuggestedValue] {
        let similar: Vec<String> = match e.get(kind) {
            Some(V::String(s)) => vec![format!("'{s}'")],
            Some(V::Strings(v)) => v.iter().map(|s| format!("'{s}'")).collect(),
            _ => continue,
        };
        if let Some((last, rest)) = similar.split_last().filter(|(_, r)| !r.is_empty()) {
            message.push_str(&format!(" (did you mean {} or {last}?)", rest.join(", ")));
        } else if let Some(one) = similar.first() {
            message.push_str(&format!(" (did you mean {one}?)"));
        }
    }
    if let Some(V::StyledStrs(tips)) = e.get(K::Suggested) {
        for tip in tips {
            message.push_str(&format!(" ({tip})"));
        }
    }
    let command = if e.kind() == ErrorKind::InvalidSubcommand {
        "retrace tools` or `retrace".to_string()
    } else {
        subcommand_path(args)
    };
    format!("{message}; see `{command} --help`")
}

/// `retrace` and the subcommand the arguments name, if any.
fn subcommand_path(args: &[OsString]) -> String {
    let cmd = command();
    let sub = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| !a.starts_with('-'))
        .filter(|a| cmd.find_subcommand(a).is_some());
    match sub {
        Some(sub) => format!("retrace {sub}"),
        None => "retrace".to_string(),
    }
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
    if let Some(problem) = registry().problems().first() {
        eprintln!("retrace: internal error: {problem} (a bug in retrace; please report it)");
        return ExitCode::FAILURE;
    }
    let args: Vec<OsString> = std::env::args_os().collect();
    let (parsed, options) = match parse_args(args.iter().cloned()) {
        Ok(parsed) => parsed,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("retrace: {}", usage_error_line(&e, &args));
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
    let result = runtime.block_on(dispatch(parsed, options, &mut out, &mut err));
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
