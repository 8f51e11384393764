//! The stack tools (`profile`, `offcputime`, `flamegraph`): their query sums a value
//! per process, command and stack-id pair (`queries/profile.sql`,
//! `queries/offcputime.sql`); the frames are then named here, in Rust, from the
//! capture's `stacks`, `kernel_symbols`, `user_symbols` and `user_mappings` tables
//! ([`symbols`]), once per unique stack ([`collect`]), and printed in bcc's layout,
//! as folded lines, as JSON/CSV ([`render`]) or as a flame graph ([`flamegraph`]).
//!
//! Symbols belong to one capture (stack ids and addresses mean nothing across
//! captures), so these tools read one capture at a time.

use std::io::Write;
use std::path::Path;

use retrace_schema::Manifest;

use crate::capture::{Capture, OpenOptions};
use crate::error::{Error, Result};
use crate::output::{self, Format};
use crate::session::{Params, Session};
use crate::tools::{common_params, lost_event_warnings, CommonArgs, ToolDef};
use crate::window::{self, CaptureSpan, Window};

pub mod collect;
pub mod flamegraph;
pub mod render;
pub mod symbols;

pub use collect::StackRow;

/// Stack options shared by profile, offcputime and flamegraph.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StackArgs {
    /// Only these processes (repeat, or a comma-separated list).
    #[arg(short = 'p', long = "pid", value_name = "PID", value_delimiter = ',')]
    pub pids: Vec<u32>,
    /// User stacks only: kernel frames are left out (events still count).
    #[arg(short = 'U', long = "user-stacks-only", conflicts_with = "kernel_only")]
    pub user_only: bool,
    /// Kernel stacks only: user frames are left out (events still count).
    #[arg(short = 'K', long = "kernel-stacks-only")]
    pub kernel_only: bool,
    /// Name frames with their offset into the function (vfs_read+0x9e).
    #[arg(long)]
    pub offsets: bool,
}

/// `-f` / `-d` of profile and offcputime.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FoldArgs {
    /// Folded output, one stack per line (`comm;user frames;kernel frames value`, root
    /// first), for flamegraph.pl or inferno-flamegraph; warnings go to stderr.
    #[arg(short = 'f', long, conflicts_with_all = ["json", "csv"])]
    pub folded: bool,
    /// In folded output, a `-` frame between user and kernel frames (the multi-line
    /// output always separates them with `--`).
    #[arg(short = 'd', long = "delimited")]
    pub delimited: bool,
}

/// What a stack tool asks: which query, which rows, and how it names its value.
#[derive(Debug, Clone)]
pub struct StackQuery {
    pub def: &'static ToolDef,
    pub stacks: StackArgs,
    /// Parameters of the tool's own options (idle, block-time limits).
    pub extra: Params,
    /// Column of the summed value (`samples`, `total_us`).
    pub value_col: &'static str,
    /// Column of the event count when it differs from the value (`blocks`).
    pub events_col: Option<&'static str>,
    /// Unit of the value in a flame graph (`samples`, `us`).
    pub unit: &'static str,
}

impl StackQuery {
    fn bind(&self, p: &mut Params) {
        let pids: String = self.stacks.pids.iter().map(|p| format!(",{p}")).collect();
        let pids = if pids.is_empty() {
            String::new()
        } else {
            format!("{pids},")
        };
        p.set("pids", pids)
            .set("kernel", u64::from(!self.stacks.user_only))
            .set("user", u64::from(!self.stacks.kernel_only));
        for (name, value) in self.extra.iter() {
            p.set(name, value.clone());
        }
    }
}

/// A capture opened for a stack tool, with its window and parameters bound.
pub struct Prepared {
    pub session: Session,
    pub span: CaptureSpan,
    pub window: Window,
    pub params: Params,
}

/// Open the capture (warnings to `err`), check the tool's sources, resolve the window
/// and bind the parameters.
pub async fn prepare(
    query: &StackQuery,
    capture: &Path,
    since: Option<&str>,
    until: Option<&str>,
    options: OpenOptions,
    err: &mut dyn Write,
) -> Result<Prepared> {
    let def = query.def;
    let capture = Capture::open_with(capture, options)?;
    for w in capture.warnings() {
        writeln!(err, "retrace: {w}")?;
    }
    if let Some(problem) = def.missing_source(&capture) {
        return Err(Error::MissingSource(format!(
            "{} cannot run: {problem}",
            def.name
        )));
    }
    let mut session = Session::open(capture).await?;
    let span = session.span().await?;
    let window = window::resolve(&span, since, until, None)?;
    let mut params = common_params(&span, &window);
    query.bind(&mut params);
    Ok(Prepared {
        session,
        span,
        window,
        params,
    })
}

/// Run the query and name its stacks, hottest last.
pub async fn stacks(
    prepared: &mut Prepared,
    query: &StackQuery,
    err: &mut dyn Write,
) -> Result<Vec<StackRow>> {
    let result = prepared
        .session
        .query(query.def.sql, &prepared.params)
        .await?;
    for w in prepared.session.take_late_warnings() {
        writeln!(err, "retrace: {w}")?;
    }
    let events = query.events_col.unwrap_or(query.value_col);
    let mut rows = collect::named_stacks(
        &mut prepared.session,
        &result,
        query.value_col,
        events,
        query.stacks.offsets,
    )
    .await?;
    render::sort_hottest_last(&mut rows);
    Ok(rows)
}

/// The folded stacks of a whole capture with their summed values (no filters), for
/// `retrace diff`.
pub async fn folded_totals(
    session: &mut Session,
    query: &StackQuery,
) -> Result<Vec<(String, u64)>> {
    let span = session.span().await?;
    let window = window::resolve(&span, None, None, None)?;
    let mut params = common_params(&span, &window);
    query.bind(&mut params);
    let result = session.query(query.def.sql, &params).await?;
    let events = query.events_col.unwrap_or(query.value_col);
    let rows = collect::named_stacks(session, &result, query.value_col, events, false).await?;
    Ok(render::folded_lines(&rows, false))
}

/// Warnings for a stack tool's output: events lost by its source, and whatever the
/// manifest says is incomplete about the stacks and symbols it shows.
pub fn warnings(query: &StackQuery, capture: &Capture) -> Vec<String> {
    let mut w = lost_event_warnings(query.def, capture);
    w.extend(stack_warnings(
        capture.manifest(),
        !query.stacks.user_only,
        !query.stacks.kernel_only,
    ));
    w
}

/// The manifest's `recording.stacks` counts that make frames missing or unnamed, for
/// an output that shows kernel and/or user frames. The counts are the capture's, over
/// every stack source: the manifest does not split them by source.
pub fn stack_warnings(m: &Manifest, kernel: bool, user: bool) -> Vec<String> {
    let Some(s) = &m.recording.stacks else {
        return Vec::new();
    };
    let mut w = Vec::new();
    if s.stack_errors > 0 {
        w.push(format!(
            "WARNING: {} events of this capture have no stack (stack map full or hash collision while recording); they count without frames",
            s.stack_errors
        ));
    }
    if user && s.processes_without_mappings > 0 {
        w.push(format!(
            "WARNING: {} of {} processes exited before their mappings were read; their user frames show as [unknown]",
            s.processes_without_mappings, s.processes
        ));
    }
    if user && s.user_frames > s.user_frames_named {
        w.push(format!(
            "WARNING: {} of {} user frame addresses have no symbol; they show as file+offset or [unknown]",
            s.user_frames - s.user_frames_named,
            s.user_frames
        ));
    }
    if kernel && s.kernel_symbols == 0 && s.stacks > 0 {
        w.push(
            "WARNING: the capture has no kernel symbols (/proc/kallsyms was not readable); kernel frames show as [unknown]"
                .to_string(),
        );
    }
    w
}

/// `retrace profile` / `retrace offcputime`: print the named stacks.
pub async fn run_tool(
    query: &StackQuery,
    common: &CommonArgs,
    fold: &FoldArgs,
    options: OpenOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let def = query.def;
    let mut prepared = prepare(
        query,
        &common.capture,
        common.since.as_deref(),
        common.until.as_deref(),
        options,
        err,
    )
    .await?;
    if common.show_sql {
        return crate::tools::show_sql(def, &prepared.params, out);
    }
    let rows = stacks(&mut prepared, query, err).await?;
    let warnings = warnings(query, prepared.session.capture());
    if rows.is_empty() {
        writeln!(
            err,
            "retrace: {}: no matching events in the selected time window",
            def.name
        )?;
    }
    match common.format.format() {
        Format::Text if fold.folded => {
            render::write_folded(&rows, fold.delimited, out)?;
            // Folded lines are input to other programs: no warnings among them.
            for w in &warnings {
                writeln!(err, "retrace: {w}")?;
            }
        }
        Format::Text => {
            render::write_multiline(&rows, out)?;
            for w in &warnings {
                writeln!(out, "{w}")?;
            }
        }
        format => {
            let result = render::to_result(&rows, query.events_col, query.value_col)?;
            output::write_rows(&result, format, out)?;
            for w in &warnings {
                writeln!(err, "retrace: {w}")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use retrace_schema::manifest::StacksInfo;

    use super::stack_warnings;

    #[test]
    fn stack_gaps_are_warned_only_where_they_show() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/basic/manifest.json"
        ))
        .unwrap();
        let mut m = retrace_schema::Manifest::from_json(&text).unwrap();
        assert!(
            stack_warnings(&m, true, true).is_empty(),
            "no stacks recorded"
        );
        m.recording.stacks = Some(StacksInfo {
            stacks: 10,
            stack_errors: 0,
            processes: 3,
            processes_without_mappings: 1,
            user_frames: 20,
            user_frames_named: 20,
            kernel_symbols: 0,
        });
        let w = stack_warnings(&m, true, true);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].starts_with("WARNING: 1 of 3 processes exited"));
        assert!(w[1].contains("no kernel symbols"));
        assert_eq!(stack_warnings(&m, true, false).len(), 1, "kernel only");
        assert_eq!(stack_warnings(&m, false, true).len(), 1, "user only");
    }
}
