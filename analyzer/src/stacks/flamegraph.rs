//! `retrace flamegraph`: the folded stacks of `profile` or `offcputime` drawn as an
//! interactive SVG flame graph with the `inferno` crate (Brendan Gregg's flamegraph.pl
//! in Rust), widths in samples or microseconds blocked.

use std::io::Write;
use std::path::PathBuf;

use super::{prepare, render, stacks, warnings, StackArgs};
use crate::capture::OpenOptions;
use crate::error::{Error, Result};
use crate::tools::{offcputime, profile};

/// Draw a flame graph (SVG) of CPU samples (profile) or off-CPU time (offcputime).
#[derive(Debug, Clone, clap::Args)]
pub struct FlamegraphArgs {
    /// The capture folder (made by `retrace record`).
    #[arg(value_name = "CAPTURE")]
    pub capture: PathBuf,
    /// Which stacks: CPU samples (profile) or time blocked off CPU (offcputime).
    #[arg(long, value_name = "TOOL", default_value = "profile",
          value_parser = clap::builder::PossibleValuesParser::new(["profile", "offcputime"]))]
    pub tool: String,
    /// Write the SVG to this file (default: stdout, when it is not a terminal).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Start of the time window (as for the tools: 10s, HH:MM:SS, RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// End of the time window (exclusive).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    #[command(flatten)]
    pub stacks: StackArgs,
    /// profile: include idle samples (pid 0).
    #[arg(short = 'I', long = "include-idle")]
    pub include_idle: bool,
    /// offcputime: only blocks of at least this many microseconds (default 1).
    #[arg(short = 'm', long = "min-block-time", value_name = "MIN_US")]
    pub min_us: Option<u64>,
    /// offcputime: only blocks of at most this many microseconds.
    #[arg(short = 'M', long = "max-block-time", value_name = "MAX_US")]
    pub max_us: Option<u64>,
    /// Title of the graph (default: the tool and the capture's folder name).
    #[arg(long)]
    pub title: Option<String>,
    /// Width of the image in pixels (default: fluid, as wide as the window).
    #[arg(long, value_name = "PIXELS")]
    pub width: Option<usize>,
}

/// Run `retrace flamegraph`; `stdout_is_terminal` refuses to write SVG to a terminal.
pub async fn run(
    args: &FlamegraphArgs,
    options: OpenOptions,
    stdout_is_terminal: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    if args.output.is_none() && stdout_is_terminal {
        return Err(Error::Usage(
            "flamegraph writes SVG: give -o FILE.svg, or redirect stdout to a file".into(),
        ));
    }
    let (query, what) = match args.tool.as_str() {
        "offcputime" => {
            if args.include_idle {
                return Err(Error::Usage("-I is an option of --tool profile".into()));
            }
            (
                offcputime::query(&args.stacks, args.min_us, args.max_us)?,
                "Off-CPU time",
            )
        }
        _ => {
            if args.min_us.is_some() || args.max_us.is_some() {
                return Err(Error::Usage(
                    "-m / -M are options of --tool offcputime".into(),
                ));
            }
            (profile::query(&args.stacks, args.include_idle), "CPU")
        }
    };
    let mut prepared = prepare(
        &query,
        &args.capture,
        args.since.as_deref(),
        args.until.as_deref(),
        options,
        err,
    )
    .await?;
    let rows = stacks(&mut prepared, &query, err).await?;
    if rows.is_empty() {
        return Err(Error::Data(format!(
            "{}: no matching events in the selected time window, nothing to draw",
            query.def.name
        )));
    }
    let capture = prepared.session.capture();
    let name = capture
        .dir()
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| capture.dir().display().to_string());
    let mut opts = inferno::flamegraph::Options::default();
    opts.title = args
        .title
        .clone()
        .unwrap_or_else(|| format!("{what} flame graph: {name} (retrace {})", query.def.name));
    opts.subtitle = Some(format!(
        "host {}, {:.1}s to {:.1}s of the capture",
        capture.manifest().host.hostname,
        prepared
            .window
            .start_ns
            .saturating_sub(prepared.span.start_ns) as f64
            / 1e9,
        prepared
            .window
            .end_ns
            .min(prepared.span.end_ns)
            .saturating_sub(prepared.span.start_ns) as f64
            / 1e9
    ));
    opts.count_name = query.unit.to_string();
    opts.image_width = args.width;
    // Deterministic colors: the same function gets the same color in every graph.
    opts.hash = true;

    let mut lines: Vec<String> = render::folded_lines(&rows, false)
        .into_iter()
        .map(|(stack, value)| format!("{stack} {value}"))
        .collect();
    // inferno merges adjacent equal prefixes: it needs its input sorted.
    lines.sort();
    let mut svg = Vec::new();
    inferno::flamegraph::from_lines(&mut opts, lines.iter().map(String::as_str), &mut svg)?;

    match &args.output {
        Some(path) => {
            std::fs::write(path, &svg)
                .map_err(|e| Error::Environment(format!("{}: {e}", path.display())))?;
            writeln!(
                err,
                "retrace: wrote {} ({} stacks)",
                path.display(),
                lines.len()
            )?;
        }
        None => out.write_all(&svg)?,
    }
    for w in warnings(&query, capture) {
        writeln!(err, "retrace: {w}")?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: FlamegraphArgs,
    }

    /// SVG on a terminal is noise: without -o, stdout must be redirected.
    #[tokio::test]
    async fn refuses_to_write_svg_to_a_terminal() {
        let cli = Cli::parse_from(["flamegraph", "no-such-capture"]);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let e = run(&cli.args, OpenOptions::default(), true, &mut out, &mut err)
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "flamegraph writes SVG: give -o FILE.svg, or redirect stdout to a file"
        );
        assert!(out.is_empty());
    }
}
