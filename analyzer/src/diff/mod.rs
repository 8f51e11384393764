//! `retrace diff BASE NEW`: compare two captures tool by tool, for before/after
//! questions and CI gates.
//!
//! Histogram tools (biolatency, iosched, bitesize, seeksize, tcpconnlat) are compared on their raw
//! values: both log2 distributions, count and rate per second of each capture's span,
//! mean/p50/p90/p99/max, and a Mann-Whitney U test ([`stats`]): a shift is reported
//! only when p < 0.01, |Cliff's delta| ≥ 0.2 and the median moved by 50% or more.
//! Stack tools (profile, offcputime) are compared only when named with `--tool` or
//! `--fail-if`: as top lists keyed by folded stack, named in each capture.
//! Top lists (biotop, execsnoop, exitsnoop by comm; tcplife by remote port, tcpretrans
//! by remote end) are matched by key, with deltas, rank changes, and keys that appeared or
//! vanished; a key is reported when its rate (or, in biotop, its average latency)
//! changed 2x or more with at least 10 events. `--fail-if` ([`fail_if`]) turns chosen metrics into an exit status.
//! Differences that limit the comparison (hosts, kernels, CPU counts, filters, lost
//! events, incomplete or damaged captures, a source missing on one side) are always
//! printed: as notes in the text output, or on stderr and in the JSON `notes`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::capture::{Capture, OpenOptions};
use crate::error::{Error, Result};
use crate::session::{Params, QueryResult, Session};

pub mod fail_if;
pub mod model;
pub mod render;
pub mod stats;

use fail_if::FailIf;
use model::{diff_tool, DiffDef, DiffKind, HistDiff, KeyCounts, Outcome, ToolDiff, TopDiff};

/// Compare two captures: distributions, top lists, and CI thresholds.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "\
Verdicts: a histogram tool is reported slower/faster (larger/smaller, ...) when the \
two-sided Mann-Whitney U test on the raw values gives p < 0.01 AND |Cliff's delta| >= 0.2 \
(delta: P(new > base) - P(new < base)) AND the median moved by 50% or more; a top list is reported changed when a command's \
rate per second (or, in biotop, its average latency) changed 2x or more (or it appeared or \
vanished) with at least 10 events.

--fail-if TOOL.METRIC OP THRESHOLD (repeatable), OP one of > >= < <=; THRESHOLD relative \
to BASE as +10% / -10% (BASE x (1 + N/100)) or 2x (BASE x 2), or a plain number in the \
metric's unit. Histogram metrics: count, rate (per second), mean, p50, p90, p99, max (in \
usecs for biolatency/iosched, Kbytes for bitesize, sectors for seeksize). Top-list \
metrics: count, rate, bytes (biotop), keys. Examples: 'biolatency.p99 > +10%', \
'execsnoop.count > 2x'. A tool that cannot be compared counts as crossed.

Stack tools: --tool profile (samples) and --tool offcputime (microseconds blocked) compare folded stacks (comm;user frames;kernel frames), matched by their text, as top lists; they are left out of the one-line summary unless named.

Exit status: 0 no threshold crossed, 1 a threshold crossed (or an error), 2 usage error.")]
pub struct DiffArgs {
    /// The baseline capture.
    #[arg(value_name = "BASE")]
    pub base: PathBuf,
    /// The capture to compare with it.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Compare only this tool, in detail (repeatable; default: every tool both captures
    /// can answer, one line each).
    #[arg(long = "tool", value_name = "TOOL", value_parser = clap::builder::PossibleValuesParser::new(
        model::all_diff_tools().map(|d| d.name)))]
    pub tools: Vec<String>,
    /// Exit with status 1 when NEW crosses this threshold (see below; repeatable).
    #[arg(long = "fail-if", value_name = "EXPR", value_parser = FailIf::parse)]
    pub fail_if: Vec<FailIf>,
    /// Print the comparison as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Keys shown per top list in detail.
    #[arg(long, value_name = "ROWS", default_value_t = 10)]
    pub rows: usize,
}

/// One capture as the comparison sees it.
#[derive(Debug, Clone)]
pub struct SideInfo {
    /// The folder's name.
    pub name: String,
    pub hostname: String,
    pub kernel: String,
    pub cpus: u32,
    /// Length of the capture, s.
    pub span_s: f64,
}

/// One `--fail-if` evaluated.
#[derive(Debug, Clone)]
pub struct Check {
    pub expr: FailIf,
    /// (BASE, NEW, threshold) when the metric could be compared.
    pub values: Option<(f64, f64, f64)>,
    pub crossed: bool,
}

/// Everything `retrace diff` found.
#[derive(Debug, Clone)]
pub struct Report {
    pub base: SideInfo,
    pub new: SideInfo,
    /// What limits the comparison, one line each.
    pub notes: Vec<String>,
    /// The tools compared, reported changes first, then by size of change.
    pub tools: Vec<ToolDiff>,
    /// Whether tools were chosen with --tool (then shown in detail).
    pub detail: bool,
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether any `--fail-if` threshold was crossed.
    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.crossed)
    }
}

/// A capture opened for the comparison.
struct Side {
    info: SideInfo,
    session: Session,
}

/// Open one capture; its warnings (incomplete, damaged) become notes of the report.
async fn open_side(path: &Path, options: OpenOptions) -> Result<Side> {
    let capture = Capture::open_with(path, options)?;
    let name = crate::sql::capture_names(&[path.to_path_buf()], &[])?
        .pop()
        .unwrap_or_default();
    let m = capture.manifest().clone();
    let mut session = Session::open(capture).await?;
    let span = session.span().await?;
    Ok(Side {
        info: SideInfo {
            name,
            hostname: m.host.hostname.clone(),
            kernel: m.host.kernel_release.clone(),
            cpus: m.host.cpu_count,
            span_s: (span.end_ns - span.start_ns) as f64 / 1e9,
        },
        session,
    })
}

/// Run `retrace diff`; Ok(true) when a `--fail-if` threshold was crossed.
pub async fn run(
    args: &DiffArgs,
    options: OpenOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<bool> {
    let mut base = open_side(&args.base, options).await?;
    let mut new = open_side(&args.new, options).await?;
    let notes = comparability_notes(&base, &new);
    let detail = !args.tools.is_empty();
    let mut names: Vec<&str> = if detail {
        args.tools.iter().map(String::as_str).collect()
    } else {
        model::DIFF_TOOLS.iter().map(|d| d.name).collect()
    };
    for f in &args.fail_if {
        if !names.contains(&f.tool.as_str()) {
            names.push(&f.tool);
        }
    }
    names.dedup();
    let mut tools = Vec::new();
    for name in &names {
        let def = diff_tool(name).ok_or_else(|| Error::Usage(format!("no diff tool {name}")))?;
        tools.push(compare(def, &mut base, &mut new).await?);
    }
    for side in [&mut base, &mut new] {
        for w in side.session.take_late_warnings() {
            writeln!(err, "retrace: {w}")?;
        }
    }
    let checks = args
        .fail_if
        .iter()
        .map(|f| {
            let metric = tools
                .iter()
                .find(|t| t.def.name == f.tool)
                .and_then(|t| t.metric(&f.metric));
            match metric {
                Some((b, n)) => Check {
                    expr: f.clone(),
                    values: Some((b, n, f.limit(b))),
                    crossed: f.crossed(b, n),
                },
                None => Check {
                    expr: f.clone(),
                    values: None,
                    crossed: true,
                },
            }
        })
        .collect();
    // Only the tools asked for are shown; those only named by --fail-if are evaluated.
    let shown: Vec<&str> = if detail {
        args.tools.iter().map(String::as_str).collect()
    } else {
        model::DIFF_TOOLS.iter().map(|d| d.name).collect()
    };
    tools.retain(|t| shown.contains(&t.def.name));
    if !detail {
        tools.sort_by(|a, b| {
            b.significant()
                .cmp(&a.significant())
                .then(b.score().total_cmp(&a.score()))
        });
    }
    let report = Report {
        base: base.info,
        new: new.info,
        notes,
        tools,
        detail,
        checks,
    };
    if args.json {
        for n in &report.notes {
            writeln!(err, "retrace: note: {n}")?;
        }
        writeln!(out, "{}", render::to_json(&report))?;
    } else {
        render::write_text(&report, args.rows, out)?;
    }
    out.flush()?;
    Ok(report.failed())
}

/// Compare one tool: not comparable when either capture lacks its sources.
async fn compare(def: &'static DiffDef, base: &mut Side, new: &mut Side) -> Result<ToolDiff> {
    let tool = crate::tools::tool(def.name).expect("every diff tool is a tool");
    let problems = [("BASE", &*base), ("NEW", &*new)].map(|(label, side)| {
        tool.missing_source(side.session.capture())
            .map(|p| format!("{label} ({}): {p}", side.info.name))
    });
    let why = match problems {
        [Some(b), Some(_)] => Some(format!("neither capture can answer; {b}")),
        [Some(p), None] | [None, Some(p)] => Some(p),
        [None, None] => None,
    };
    if let Some(why) = why {
        return Ok(ToolDiff {
            def,
            outcome: Outcome::NotComparable(why),
        });
    }
    let spans = (base.info.span_s, new.info.span_s);
    if model::STACK_DIFF_TOOLS.iter().any(|d| std::ptr::eq(d, def)) {
        let (kb, kn) = (
            stack_keys(def, &mut base.session).await?,
            stack_keys(def, &mut new.session).await?,
        );
        return Ok(ToolDiff {
            def,
            outcome: Outcome::Top(TopDiff::new(&kb, &kn, spans, false)),
        });
    }
    let rb = base.session.query(def.sql, &Params::new()).await?;
    let rn = new.session.query(def.sql, &Params::new()).await?;
    let outcome = match def.kind {
        DiffKind::Hist { scale, .. } => {
            let (mut vb, mut vn) = (values(&rb)?, values(&rn)?);
            Outcome::Hist(HistDiff::new(&mut vb, &mut vn, scale, spans))
        }
        DiffKind::Top { latency, .. } => {
            Outcome::Top(TopDiff::new(&keys(&rb)?, &keys(&rn)?, spans, latency))
        }
    };
    Ok(ToolDiff { def, outcome })
}

/// A stack tool's folded stacks over the whole capture, with their values, as keys.
async fn stack_keys(def: &DiffDef, session: &mut Session) -> Result<KeyCounts> {
    let stacks = crate::stacks::StackArgs::default();
    let query = match def.name {
        "offcputime" => crate::tools::offcputime::query(&stacks, None, None)?,
        _ => crate::tools::profile::query(&stacks, false),
    };
    let lines = crate::stacks::folded_totals(session, &query).await?;
    Ok(lines.into_iter().map(|(k, v)| (k, (v, 0, 0))).collect())
}

/// The `value` column as i64.
fn values(r: &QueryResult) -> Result<Vec<i64>> {
    use arrow::array::{Array, AsArray};
    let mut out = Vec::with_capacity(r.num_rows());
    for b in &r.batches {
        let col = arrow::compute::cast(b.column(0), &arrow::datatypes::DataType::Int64)?;
        let col = col.as_primitive::<arrow::datatypes::Int64Type>();
        out.extend(
            (0..col.len())
                .filter(|&i| !col.is_null(i))
                .map(|i| col.value(i)),
        );
    }
    Ok(out)
}

/// `key`, `count`, `bytes`, `lat_ns` rows as a map.
fn keys(r: &QueryResult) -> Result<KeyCounts> {
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::{DataType, Int64Type};
    let mut out = KeyCounts::new();
    for b in &r.batches {
        let key = arrow::compute::cast(b.column(0), &DataType::Utf8)?;
        let key = key.as_string::<i32>();
        let count = arrow::compute::cast(b.column(1), &DataType::Int64)?;
        let count = count.as_primitive::<Int64Type>();
        let bytes = arrow::compute::cast(b.column(2), &DataType::Int64)?;
        let bytes = bytes.as_primitive::<Int64Type>();
        let lat = arrow::compute::cast(b.column(3), &DataType::Int64)?;
        let lat = lat.as_primitive::<Int64Type>();
        let get = |a: &arrow::array::Int64Array, i: usize| {
            if a.is_null(i) {
                0
            } else {
                a.value(i).max(0) as u64
            }
        };
        for i in 0..b.num_rows() {
            let k = if key.is_null(i) { "?" } else { key.value(i) };
            let e = out.entry(k.to_string()).or_insert((0, 0, 0));
            e.0 += get(count, i);
            e.1 += get(bytes, i);
            e.2 += get(lat, i);
        }
    }
    Ok(out)
}

/// What differs between the captures beyond the workload: hosts, kernels, CPU counts,
/// filters, sources, lost events, spans.
fn comparability_notes(base: &Side, new: &Side) -> Vec<String> {
    let (b, n) = (base.session.capture(), new.session.capture());
    let (mb, mn) = (b.manifest(), n.manifest());
    let mut notes = Vec::new();
    if mb.host.hostname != mn.host.hostname {
        notes.push(format!(
            "recorded on different hosts ({} vs {})",
            mb.host.hostname, mn.host.hostname
        ));
    }
    if mb.host.kernel_release != mn.host.kernel_release {
        notes.push(format!(
            "different kernels ({} vs {})",
            mb.host.kernel_release, mn.host.kernel_release
        ));
    }
    if mb.host.arch != mn.host.arch {
        notes.push(format!(
            "different architectures ({} vs {})",
            mb.host.arch, mn.host.arch
        ));
    }
    if mb.host.cpu_count != mn.host.cpu_count {
        notes.push(format!(
            "different CPU counts ({} vs {}): rates are per capture, not per CPU",
            mb.host.cpu_count, mn.host.cpu_count
        ));
    }
    if serde_json::to_value(&mb.filters).ok() != serde_json::to_value(&mn.filters).ok() {
        notes.push(format!(
            "different recording filters ({} vs {}): the captures saw different processes",
            serde_json::to_string(&mb.filters).unwrap_or_default(),
            serde_json::to_string(&mn.filters).unwrap_or_default()
        ));
    }
    let (sb, sn) = (base.info.span_s, new.info.span_s);
    if (sb - sn).abs() > 0.1 * sb.max(sn) {
        notes.push(format!(
            "different spans ({sb:.1} s vs {sn:.1} s): compare rates, not counts"
        ));
    }
    for (label, side, c) in [("BASE", base, b), ("NEW", new, n)] {
        for w in c.warnings() {
            notes.push(format!("{label} ({}): {w}", side.info.name));
        }
        for s in &c.manifest().sources {
            if s.lost_events > 0 {
                notes.push(format!(
                    "{label} ({}) lost {} events in source {}: its counts may be low",
                    side.info.name, s.lost_events, s.name
                ));
            }
        }
        let sources: Vec<&str> = c
            .manifest()
            .sources
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        for w in crate::recording_notes::warnings(c.manifest(), &sources) {
            notes.push(format!("{label} ({}): {w}", side.info.name));
        }
    }
    notes
}
