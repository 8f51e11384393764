//! The tool registry. A tool is its `queries/<tool>.sql` (embedded here), the tables
//! it reads, its clap options, how they bind to the query's parameters, and a renderer
//! in the layout of the live bcc/libbpf-tools tool. [`run`] does the rest for all of
//! them: open the capture, check its sources, resolve the time window, bind the
//! common parameters, run the query read-only, print text/JSON/CSV, and report lost
//! events.
//!
//! Parameters every query receives (CLOCK_MONOTONIC ns of the recording host):
//! `$start_ns`/`$end_ns` (the window, [start, end), over each table's time column),
//! `$interval_ns` (width of one `--interval`; the whole window without it) and
//! `$capture_start_ns` (the recording start, origin of relative times).

use std::io::Write;
use std::path::PathBuf;

use datafusion::common::ScalarValue;

use crate::capture::{Capture, OpenOptions};
use crate::error::{Error, Result};
use crate::output::{self, Format, FormatArgs};
use crate::render::Rows;
use crate::session::{Params, Session};
use crate::window::{self, CaptureSpan, Window};

pub mod declared;
pub mod header;
pub mod readme;
pub mod registry;

pub use registry::{registry, Invocation, RunEnv};

/// Declares the tools written in Rust, each a module `tools/<name>.rs` with a `DEF` and
/// an `Args`, as one list: the modules and their registrations cannot drift apart.
/// `query` tools run through [`run`]; `custom` ones have their own [`Invocation`];
/// `unlisted` ones are custom views of other tools that `retrace tools` leaves out.
macro_rules! rust_tools {
    ($($how:ident $name:ident),* $(,)?) => {
        $(pub mod $name;)*

        /// The tools written in Rust, in the order `retrace tools` lists them.
        fn rust_tools() -> Vec<registry::Entry> {
            vec![$(registry::Entry::$how::<$name::Args>(&$name::DEF)),*]
        }
    };
}

rust_tools! {
    query biolatency,
    query biosnoop,
    query biotop,
    query bitesize,
    query iosched,
    query bioerr,
    query seeksize,
    custom biostacks,
    query biopattern,
    query runqlat,
    query runqslower,
    query cpudist,
    custom profile,
    custom offcputime,
    unlisted flamegraph,
    query runqlen,
    query hardirqs,
    query softirqs,
    query llcstat,
    query cpufreq,
    query syscount,
}

/// Typed handles of declared tools, for Rust code that builds one without the command
/// line (the fuzz target builds `execsnoop::Args`). A declared tool needs none.
macro_rules! declared_handles {
    ($($name:ident),* $(,)?) => {
        $(
            #[doc = concat!("The tool declared in `queries/", stringify!($name), ".sql`.")]
            pub mod $name {
                /// Names the declared tool for [`Args`].
                #[derive(Debug, Clone, Copy)]
                pub struct Name;
                impl super::declared::DeclaredName for Name {
                    const NAME: &'static str = stringify!($name);
                }
                /// The tool's options, parsed as its subcommand parses them.
                pub type Args = super::declared::Handle<Name>;
            }
        )*

        /// The names of the handles above, for the test that each names a declared tool.
        #[cfg(test)]
        const DECLARED_HANDLES: &[&str] = &[$(stringify!($name)),*];
    };
}

declared_handles!(execsnoop, exitsnoop);

/// One example of a tool's use: `retrace TOOL CAPTURE ARGS`, and what it shows. The
/// examples appear in `--help` and the tests run each over a fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Arguments after the capture, split at spaces (no quoting).
    pub args: &'static str,
    /// One line: what this shows.
    pub about: &'static str,
}

/// What a tool is: its name, a one-line description, its query and its tables.
#[derive(Debug)]
pub struct ToolDef {
    pub name: &'static str,
    /// One line for `retrace tools` and `--help`.
    pub about: &'static str,
    /// The query, from `queries/<name>.sql`.
    pub sql: &'static str,
    /// Tables the query reads (their sources must be in the capture).
    pub tables: &'static [&'static str],
    /// The same rows computed without the query engine, where that is much faster
    /// (see [`crate::native`]).
    pub native: Option<crate::native::NativeFn>,
    /// Command lines for `--help`, run by the tests over a fixture.
    pub examples: &'static [Example],
    /// Printed once with every output: where the tool reads another probe than the
    /// live tool, and what that changes (`@note`).
    pub notes: &'static [&'static str],
    /// Probes without which the tool has nothing to say (`@probe`).
    pub probes: &'static [&'static str],
}

impl ToolDef {
    /// The `Columns:` part of the query's header comment, for `--help`: what each
    /// column of `--json` / `--csv` output means.
    /// The query's opening paragraph (its first comment lines up to a blank one),
    /// without the leading `<tool>: `: what the tool shows, what it reads, and how it
    /// differs from the live tool.
    pub fn description(&self) -> String {
        let text: Vec<&str> = self
            .sql
            .lines()
            .map_while(|l| l.strip_prefix("--"))
            .map(str::trim)
            .take_while(|l| !l.is_empty())
            .collect();
        let text = text.join(" ");
        let prefix = format!("{}: ", self.name);
        let text = text.strip_prefix(&prefix).unwrap_or(&text);
        let mut chars = text.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }

    pub fn columns_doc(&self) -> String {
        let mut lines = Vec::new();
        let mut inside = false;
        for line in self.sql.lines() {
            let Some(comment) = line.strip_prefix("--") else {
                break;
            };
            if comment.trim() == "Columns:" {
                inside = true;
            } else if inside {
                if comment.trim().is_empty() {
                    break;
                }
                lines.push(comment.trim_end());
            }
        }
        lines.join("\n")
    }

    /// The recorder sources this tool needs, in table order, without repeats.
    pub fn sources(&self) -> Vec<&'static str> {
        let mut sources = Vec::new();
        for name in self.tables {
            if let Some(t) = retrace_schema::table(name) {
                // The shared stack tables' pseudo-source is no source of its own:
                // whichever stack source ran filled them.
                if t.source != retrace_schema::tables::STACKS_SOURCE
                    && !sources.contains(&t.source.as_ref())
                {
                    sources.push(t.source.as_ref());
                }
            }
        }
        sources
    }

    /// Why this tool cannot answer from a capture, or None when it can: a source
    /// that was not recorded, or a probe the recording kernel did not offer.
    pub fn missing_source(&self, capture: &Capture) -> Option<String> {
        let sources = self.sources();
        sources
            .iter()
            .find_map(|s| capture.source_problem(s))
            .or_else(|| {
                self.probes
                    .iter()
                    .find_map(|p| capture.probe_problem(p, &sources))
            })
    }
}

/// Every tool `retrace tools` lists, in its order.
pub fn tools() -> impl Iterator<Item = &'static ToolDef> {
    registry().listed().map(|e| e.def)
}

/// Look a tool up by name.
pub fn tool(name: &str) -> Option<&'static ToolDef> {
    registry().get(name).map(|e| e.def)
}

/// Options every tool takes.
#[derive(Debug, Clone, clap::Args)]
pub struct CommonArgs {
    /// The capture folder (made by `retrace record`).
    #[arg(value_name = "CAPTURE")]
    pub capture: PathBuf,
    /// Start of the time window: an offset from the capture start (10s, 1.5m, 500ms) or
    /// a wall-clock time (HH:MM:SS in local time on the capture's date, or RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// End of the time window (exclusive), in the same forms as --since.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    #[command(flatten)]
    pub format: FormatArgs,
    /// Print the tool's SQL query and the parameter values it would bind, then exit
    /// (to adapt it and run it with `retrace sql`).
    #[arg(long)]
    pub show_sql: bool,
}

/// `--interval` of the summary tools.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct IntervalArgs {
    /// Print one output per interval of this length (seconds, or 500ms, 2m, ...), each
    /// headed by the wall-clock time at the interval's end, like the live tools.
    #[arg(long, value_name = "SECONDS")]
    pub interval: Option<String>,
}

/// What a renderer knows besides the rows.
#[derive(Debug, Clone, Copy)]
pub struct RenderCx<'a> {
    pub capture: &'a Capture,
    pub span: CaptureSpan,
    pub window: Window,
}

/// One tool invocation: its parsed options, how they bind, how it prints.
pub trait Tool {
    fn def(&self) -> &'static ToolDef;
    fn common(&self) -> &CommonArgs;
    /// The `--interval` value, for tools that print per interval.
    fn interval(&self) -> Option<&str> {
        None
    }
    /// Bind the tool's own parameters.
    fn bind(&self, params: &mut Params);
    /// Bind parameters that come from the capture itself (e.g. its architecture).
    fn bind_capture(&self, _capture: &Capture, _params: &mut Params) {}
    /// Why this tool cannot answer from a capture, or None when it can; a tool may
    /// explain a missing source in its own terms.
    fn source_problem(&self, capture: &Capture) -> Option<String> {
        self.def().missing_source(capture)
    }
    /// Print the rows in the live tool's layout.
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()>;
}

/// The parameters every query receives.
pub fn common_params(span: &CaptureSpan, window: &Window) -> Params {
    let mut p = Params::new();
    p.set("start_ns", window.start_ns)
        .set("end_ns", window.end_ns)
        .set("interval_ns", window.interval_ns)
        .set("capture_start_ns", span.start_ns);
    p
}

/// The warning printed for every source whose events a tool uses and that lost some.
pub fn lost_event_warnings(def: &ToolDef, capture: &Capture) -> Vec<String> {
    let sources = def.sources();
    let partial = crate::recording_notes::warnings(capture.manifest(), &sources);
    sources
        .into_iter()
        .filter_map(|s| {
            let lost = capture.lost_events(s);
            (lost > 0).then(|| {
                format!(
                    "WARNING: {lost} events lost in source {s} (ring buffer full); counts above may be low"
                )
            })
        })
        .chain(partial)
        .collect()
}

/// Run a tool: text (with lost-event warnings after it) to `out`, or JSON/CSV to `out`
/// with warnings to `err`.
pub async fn run(
    tool: &dyn Tool,
    options: OpenOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let def = tool.def();
    let common = tool.common();
    let capture = Capture::open_with(&common.capture, options)?;
    for w in capture.warnings() {
        writeln!(err, "retrace: {w}")?;
    }
    if let Some(problem) = tool.source_problem(&capture) {
        return Err(Error::MissingSource(format!(
            "{} cannot run: {problem}",
            def.name
        )));
    }
    let mut session = Session::open(capture).await?;
    let span = session.span().await?;
    let window = window::resolve(
        &span,
        common.since.as_deref(),
        common.until.as_deref(),
        tool.interval(),
    )?;
    let mut params = common_params(&span, &window);
    tool.bind(&mut params);
    tool.bind_capture(session.capture(), &mut params);
    if common.show_sql {
        return show_sql(def, &params, out);
    }
    let result = match def.native.filter(|_| crate::native::enabled()) {
        // Any failure of the native path (a damaged segment, an unusual capture) falls
        // back to the query, which knows how to report or work around it.
        Some(native) => match native(session.capture(), &params) {
            Ok(result) => result,
            Err(e) if crate::native::strict() => return Err(e),
            Err(_) => session.query(def.sql, &params).await?,
        },
        None => session.query(def.sql, &params).await?,
    };
    for w in session.take_late_warnings() {
        writeln!(err, "retrace: {w}")?;
    }
    let warnings = lost_event_warnings(def, session.capture());
    let format = common.format.format();
    match format {
        Format::Text => {
            let rows = Rows::from_result(&result)?;
            let cx = RenderCx {
                capture: session.capture(),
                span,
                window,
            };
            if rows.is_empty() {
                writeln!(
                    err,
                    "retrace: {}: no matching events in the selected time window",
                    def.name
                )?;
            }
            tool.render(&rows, &cx, out)?;
            if !warnings.is_empty() && !rows.is_empty() {
                writeln!(out)?;
            }
            for w in &warnings {
                writeln!(out, "{w}")?;
            }
            for n in def.notes {
                writeln!(out, "note: {n}")?;
            }
        }
        Format::Json | Format::Csv => {
            output::write_rows(&result, format, out)?;
            for w in &warnings {
                writeln!(err, "retrace: {w}")?;
            }
            for n in def.notes {
                writeln!(err, "retrace: note: {n}")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// `--show-sql`: the parameters as `retrace sql --param` options, then the query.
pub fn show_sql(def: &ToolDef, params: &Params, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "-- {} with these options binds:", def.name)?;
    let mut args = Vec::new();
    for (name, value) in params.iter() {
        let v = match value {
            ScalarValue::Utf8(Some(s)) => s.clone(),
            ScalarValue::Utf8(None) => String::new(),
            other => other.to_string(),
        };
        args.push(format!("--param '{name}={v}'"));
    }
    writeln!(
        out,
        "--   retrace sql CAPTURE --file {}.sql {}",
        def.name,
        args.join(" ")
    )?;
    writeln!(out, "{}", def.sql.trim_end())?;
    Ok(())
}

/// `retrace tools [CAPTURE]`: every tool with its description; with a capture, whether
/// it can answer from it and, if not, which source is missing.
pub fn print_tools(capture: Option<&Capture>, out: &mut dyn Write) -> Result<()> {
    for def in tools() {
        match capture {
            None => writeln!(out, "{:<12} {}", def.name, def.about)?,
            Some(c) => match def.missing_source(c) {
                None => writeln!(out, "{:<12} yes  {}", def.name, def.about)?,
                Some(problem) => {
                    writeln!(out, "{:<12} no   {}", def.name, def.about)?;
                    writeln!(out, "{:<12}        {problem}", "")?;
                }
            },
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{registry, tools, DECLARED_HANDLES};

    /// Every `$parameter` a query uses is documented in its header comment.
    #[test]
    fn queries_document_their_parameters() {
        for def in tools() {
            let (header, body): (Vec<&str>, Vec<&str>) = def
                .sql
                .lines()
                .partition(|l| l.trim_start().starts_with("--"));
            let header = header.join("\n");
            let body = body.join("\n");
            assert!(header.contains("Tables:"), "{}: no Tables:", def.name);
            assert!(!def.columns_doc().is_empty(), "{}: no Columns:", def.name);
            for (i, _) in body.match_indices('$') {
                let name: String = body[i + 1..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    header.contains(&format!("${name}")),
                    "{}: ${name} is not documented",
                    def.name
                );
            }
            assert!(
                def.sql.starts_with(&format!("-- {}:", def.name)),
                "{}: header must start with the tool name",
                def.name
            );
        }
    }

    /// Each typed handle names a tool declared in its query's header.
    #[test]
    fn declared_handles_name_declared_tools() {
        for name in DECLARED_HANDLES {
            let entry = registry().get(name).expect("a registered tool");
            assert!(
                entry.declaration().is_some(),
                "{name} is not declared in its query"
            );
        }
    }
}
