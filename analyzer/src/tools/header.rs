//! Tools declared in the header comment of their query: a `queries/<tool>.sql` whose
//! header holds `@about` is a whole tool, with no Rust of its own. This module parses
//! that declaration; [`super::declared`] turns it into a subcommand and a [`super::Tool`].
//!
//! # Grammar
//!
//! The header is the run of `--` comment lines at the top of the file. Lines whose
//! text (after `--` and spaces) starts with `@` are directives, one per line; every
//! other comment line is prose for people (and the `Columns:` part of `--help`) and is
//! ignored here. Fields of a directive are separated by `|`; spaces around fields do
//! not matter.
//!
//! ```text
//! @about   ONE LINE                  what `retrace tools` and `--help` say (required)
//! @after   TOOL                      listed after TOOL in `retrace tools` (default: at the end)
//! @tables  TABLE, TABLE...           tables the query reads; their sources must be recorded (required)
//! @interval                          the tool takes --interval (summary layouts)
//! @option  FLAGS | TYPE [$param] [= DEFAULT] | HELP
//! @example ARGS | WHAT IT SHOWS      `retrace TOOL CAPTURE ARGS`, run by the tests (one or more)
//! @layout  events                    an event list: one line per row, of @column lines
//! @layout  table                     the same per interval (the query returns interval_index)
//! @column  HEADER | SOURCE [| WIDTH [| FORMAT [| if --FLAG]]]
//! @layout  log2 UNIT [| UNIT if --FLAG]...   log2 histograms, per interval and section
//! @section TEXT [| if --FLAG]         a section header part, `{column}` for a value
//! @note    TEXT                      printed once with the output (how the probe differs from the live tool's)
//! @probe   PROBE                     a probe without which the tool has nothing to say
//! ```
//!
//! Options come before the layout lines that name them.
//!
//! - `FLAGS` is `[-c] --long [VALUE_NAME]`: an optional one-character short flag, the
//!   long flag, and for options with a value the name `--help` shows (default: the
//!   long name in capitals). `FLAGS` of a `VALUE_NAME` alone declares a positional
//!   argument after the capture (as `fileslower MIN_MS`), with a value and a `$param`.
//! - `TYPE` is `flag` (no value; binds a boolean, true when given), `int` (any
//!   integer), `uint` (a non-negative integer; both bind a 64-bit signed integer, so
//!   that a default of -1 can mean "all"), or `string`.
//! - `$param` is the query parameter the option binds. Without it the option binds
//!   nothing and only switches columns on (`if --FLAG`). An option with a value and a
//!   `$param` needs `= DEFAULT`, bound when the option is not given: an integer, or a
//!   single-quoted string (`''` for none).
//! - `WIDTH` is `<N` (left-aligned, padded to N), `>N` (right-aligned), or empty (no
//!   padding, for the last column). Columns are separated by one space; the header
//!   line uses each column's alignment and width too.
//! - `FORMAT` is empty (the value as it is), `fixed N` (N decimals), `percent N` (N
//!   decimals and a `%` sign), `wall STRFTIME`
//!   (a CLOCK_MONOTONIC ns column as the recording host's local time, e.g.
//!   `wall %H:%M:%S`), `elapsed N` (a ns column as seconds since the recording start,
//!   N decimals), `ellipsis COLUMN` (the value, then ` ...` when the boolean COLUMN is
//!   true), `exit SIGNAL_COLUMN CORE_COLUMN` (an exit code as `0`, `code N`, or
//!   `signal N (name)[, core dumped]`).
//! - `if --FLAG` shows the column only when that `flag` option was given.
//! - `log2`: the query returns `interval_index`, `bucket` (log2 slot) and `count`
//!   rows (see [`crate::render::histogram`]); UNIT is printed under each histogram
//!   (`usecs`, or `msecs if --milliseconds`). Each row's section header is its shown
//!   `@section` texts joined by a tab, `{column}` replaced by the row's value; rows
//!   with the same header form one histogram. No section shown: one histogram.
//! - `@note`: one line, printed after the text output (on stderr with --json/--csv)
//!   as `note: TEXT`, every time the tool runs: where the tool had to read another
//!   probe than the live tool, what that changes.
//! - `@probe`: a probe as its source declares it (`lookup_fast`). When the capture's
//!   manifest says the kernel offered no way to attach it, the tool does not run and
//!   says so, instead of printing nothing.
//! - `table`: the @column lines of `events`, printed as one table per interval (with
//!   `--interval`, each under its end time, as top-style tools print), from rows
//!   carrying `interval_index`.
//!
//! For example, a tool listing signals:
//!
//! ```text
//! -- @about   Every signal sent: sender, target, signal, result
//! -- @tables  signal_generate
//! -- @option  -x --failed | flag $failed | Only signals that could not be delivered.
//! -- @option  -s --signal SIG | uint $signal = -1 | Only this signal (a number, e.g. 9).
//! -- @option  -T --time | flag | Include a HH:MM:SS time column.
//! -- @example -T -s 9 | Every SIGKILL, with its wall-clock time
//! -- @layout  events
//! -- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
//! -- @column  PID  | pid   | <7
//! -- @column  SIG  | sig   | <4
//! ```
//!
//! A malformed directive is an error naming the file and line ([`HeaderError`]); the
//! registry's tests parse every query, so such a file fails `cargo test`.

use std::fmt;

use crate::render::events::{Align, CellFormat, Column, EventList};
use crate::render::histogram::{Log2Layout, SectionLabel};

/// A tool declared in its query's header.
#[derive(Debug, Clone)]
pub struct Decl {
    pub name: &'static str,
    pub about: &'static str,
    /// The tool `retrace tools` lists this one after (None: at the end).
    pub after: Option<&'static str>,
    pub tables: Vec<&'static str>,
    /// Takes `--interval`.
    pub interval: bool,
    pub options: Vec<OptDecl>,
    pub examples: Vec<super::Example>,
    pub layout: Layout,
    pub notes: Vec<&'static str>,
    pub probes: Vec<&'static str>,
}

/// One command-line option of a declared tool.
#[derive(Debug, Clone)]
pub struct OptDecl {
    pub short: Option<char>,
    pub long: &'static str,
    pub value_name: Option<&'static str>,
    pub kind: OptKind,
    /// The query parameter it binds, without `$`.
    pub param: Option<&'static str>,
    pub default: Option<DefaultValue>,
    pub help: &'static str,
    /// A positional argument after the capture (no flag; `long` is its id).
    pub positional: bool,
}

/// What an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptKind {
    Flag,
    Int,
    Uint,
    Str,
}

/// The value bound when an option is not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultValue {
    Int(i64),
    Str(&'static str),
}

/// How a declared tool prints its rows as text.
#[derive(Debug, Clone)]
pub enum Layout {
    /// One line per row under a header line ([`EventList`]).
    Events(EventList),
    /// Log2 histograms per interval and section ([`Log2Layout`]).
    Log2(Log2Layout),
    /// One event list per interval (top-style tools).
    Table(EventList),
}

/// A malformed header: which file, which line, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderError {
    pub tool: String,
    /// 1-based line of the query file.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "queries/{}.sql:{}: {}",
            self.tool, self.line, self.message
        )
    }
}

impl std::error::Error for HeaderError {}

/// Whether a query's header declares a tool (has an `@about` directive).
pub fn declares_tool(sql: &str) -> bool {
    directives(sql).any(|(_, key, _)| key == "about")
}

/// The header's directives: (1-based line, key, rest of the line).
fn directives(sql: &str) -> impl Iterator<Item = (usize, &str, &str)> {
    sql.lines()
        .map_while(|l| l.trim_start().strip_prefix("--"))
        .enumerate()
        .filter_map(|(i, text)| {
            let d = text.trim().strip_prefix('@')?;
            let (key, rest) = d.split_once(char::is_whitespace).unwrap_or((d, ""));
            Some((i + 1, key, rest.trim()))
        })
}

/// Parse the declaration in the header of `queries/<name>.sql`; None when the header
/// declares no tool (the tool is written in Rust).
pub fn parse(name: &'static str, sql: &'static str) -> Result<Option<Decl>, HeaderError> {
    if !declares_tool(sql) {
        return Ok(None);
    }
    let body: String = sql
        .lines()
        .skip_while(|l| l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    let err = |line: usize, message: String| HeaderError {
        tool: name.to_string(),
        line,
        message,
    };
    let mut about = None;
    let mut after = None;
    let mut tables = Vec::new();
    let mut interval = false;
    let mut options: Vec<OptDecl> = Vec::new();
    let mut examples = Vec::new();
    let mut layout: Option<Layout> = None;
    let mut notes = Vec::new();
    let mut probes = Vec::new();
    let mut last_line = 1;
    for (line, key, rest) in directives(sql) {
        last_line = line;
        let e = |m: String| err(line, m);
        match key {
            "about" => {
                if about.is_some() {
                    return Err(e("a second @about".into()));
                }
                if rest.is_empty() {
                    return Err(e("@about needs one line saying what the tool shows".into()));
                }
                about = Some(rest);
            }
            "after" => {
                if !is_ident(rest) {
                    return Err(e(format!("@after needs a tool name, not {rest:?}")));
                }
                after = Some(rest);
            }
            "tables" => {
                for t in rest.split(',').map(str::trim) {
                    if retrace_schema::table(t).is_none() {
                        return Err(e(format!("@tables: no table {t:?} in the capture format")));
                    }
                    tables.push(t);
                }
            }
            "interval" => {
                if !rest.is_empty() {
                    return Err(e("@interval takes nothing after it".into()));
                }
                interval = true;
            }
            "option" => {
                let opt = parse_option(rest, &body).map_err(e)?;
                if options.iter().any(|o| o.long == opt.long) {
                    return Err(e(format!("a second option --{}", opt.long)));
                }
                if opt.short.is_some() && options.iter().any(|o| o.short == opt.short) {
                    return Err(e(format!("a second option -{}", opt.short.unwrap_or('?'))));
                }
                options.push(opt);
            }
            "example" => {
                let (args, what) = rest
                    .split_once('|')
                    .map(|(a, w)| (a.trim(), w.trim()))
                    .filter(|(_, w)| !w.is_empty())
                    .ok_or_else(|| e("@example needs ARGS | WHAT IT SHOWS".into()))?;
                if args.contains(['\'', '"']) {
                    return Err(e("@example ARGS are split at spaces: no quotes".into()));
                }
                examples.push(super::Example { args, about: what });
            }
            "layout" => {
                if layout.is_some() {
                    return Err(e("a second @layout".into()));
                }
                layout = Some(parse_layout(rest, &options).map_err(e)?);
            }
            "column" => {
                let Some(Layout::Events(list) | Layout::Table(list)) = layout.as_mut() else {
                    return Err(e("@column belongs after @layout events or table".into()));
                };
                list.columns.push(parse_column(rest, &options).map_err(e)?);
            }
            "section" => {
                let Some(Layout::Log2(hist)) = layout.as_mut() else {
                    return Err(e("@section belongs after @layout log2".into()));
                };
                let f = fields(rest, 1, 2, "@section").map_err(e)?;
                let when = match f.get(1) {
                    Some(cond) => Some(flag_condition(cond, &options).map_err(e)?),
                    None => None,
                };
                let label = SectionLabel::parse(f[0], when).map_err(|m| e(format!("@section: {m}")))?;
                hist.sections.push(label);
            }
            "note" => {
                if rest.is_empty() {
                    return Err(e("@note needs the text to print".into()));
                }
                notes.push(rest);
            }
            "probe" => {
                if !probe_declared(rest) {
                    return Err(e(format!("@probe: no source declares a probe {rest:?}")));
                }
                probes.push(rest);
            }
            other => {
                return Err(e(format!(
                    "unknown directive @{other} (known: about, after, tables, interval, option, example, layout, column, section, note, probe)"
                )))
            }
        }
    }
    let missing = |what: &str| err(last_line, format!("no {what}"));
    let about = about.ok_or_else(|| missing("@about"))?;
    if tables.is_empty() {
        return Err(missing("@tables"));
    }
    if examples.is_empty() {
        return Err(missing("@example (the tests run every tool's examples)"));
    }
    let layout = layout.ok_or_else(|| missing("@layout"))?;
    if matches!(&layout, Layout::Events(list) | Layout::Table(list) if list.columns.is_empty()) {
        return Err(missing("@column"));
    }
    Ok(Some(Decl {
        name,
        about,
        after,
        tables,
        interval,
        options,
        examples,
        layout,
        notes,
        probes,
    }))
}

/// Whether some source of the catalog declares a probe of this name.
fn probe_declared(name: &str) -> bool {
    retrace_schema::sources::sources()
        .iter()
        .any(|s| s.probes.iter().any(|p| p.name == name))
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Split `rest` at `|` into exactly `min..=max` fields.
fn fields<'a>(rest: &'a str, min: usize, max: usize, what: &str) -> Result<Vec<&'a str>, String> {
    let f: Vec<&str> = rest.split('|').map(str::trim).collect();
    if f.len() < min || f.len() > max {
        return Err(format!(
            "{what}: expected {min} to {max} fields separated by |, found {}",
            f.len()
        ));
    }
    Ok(f)
}

/// `FLAGS | TYPE [$param] [= DEFAULT] | HELP`
fn parse_option(rest: &'static str, body: &str) -> Result<OptDecl, String> {
    // The help text is the rest of the line, `|` included.
    let mut parts = rest.splitn(3, '|').map(str::trim);
    let (Some(flags), Some(spec), Some(help)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("@option needs FLAGS | TYPE [$param] [= DEFAULT] | HELP".into());
    };
    if help.is_empty() {
        return Err("@option needs a help text".into());
    }
    let mut short = None;
    let mut long = None;
    let mut value_name = None;
    // A VALUE_NAME alone: a positional argument, its id the $param it binds.
    let positional = !flags.is_empty() && flags.chars().all(|c| c.is_ascii_uppercase() || c == '_');
    if positional {
        value_name = Some(flags);
    }
    for word in flags.split_whitespace().filter(|_| !positional) {
        if let Some(l) = word.strip_prefix("--") {
            if long.is_some() || !is_flag_name(l) {
                return Err(format!("@option: bad long flag {word:?}"));
            }
            long = Some(l);
        } else if let Some(s) = word.strip_prefix('-') {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_alphanumeric() && long.is_none() => short = Some(c),
                _ => {
                    return Err(format!(
                        "@option: bad short flag {word:?} (one character, before the long flag)"
                    ))
                }
            }
        } else if long.is_some()
            && value_name.is_none()
            && word.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        {
            value_name = Some(word);
        } else {
            return Err(format!(
                "@option: unexpected {word:?} in FLAGS ([-c] --long [VALUE_NAME])"
            ));
        }
    }
    let mut long = long
        .or(positional.then_some(flags))
        .ok_or("@option needs a --long flag (or a VALUE_NAME alone, for a positional argument)")?;
    let (spec, default) = match spec.split_once('=') {
        Some((s, d)) => (s.trim(), Some(d.trim())),
        None => (spec, None),
    };
    let mut words = spec.split_whitespace();
    let kind = match words.next() {
        Some("flag") => OptKind::Flag,
        Some("int") => OptKind::Int,
        Some("uint") => OptKind::Uint,
        Some("string") => OptKind::Str,
        other => {
            return Err(format!(
                "@option --{long}: unknown type {:?} (flag, int, uint, string)",
                other.unwrap_or("")
            ))
        }
    };
    let param = match words.next() {
        None => None,
        Some(p) => {
            let name = p
                .strip_prefix('$')
                .filter(|n| is_ident(n))
                .ok_or_else(|| format!("@option --{long}: {p:?} is not a $parameter"))?;
            if !uses_param(body, name) {
                return Err(format!(
                    "@option --{long} binds ${name}, which the query does not use"
                ));
            }
            Some(name)
        }
    };
    if let Some(extra) = words.next() {
        return Err(format!(
            "@option --{long}: unexpected {extra:?} after the parameter"
        ));
    }
    if positional {
        long = match (kind, param) {
            (OptKind::Flag, _) => {
                return Err(format!(
                    "@option {flags}: a positional argument takes a value, not flag"
                ))
            }
            (_, None) => {
                return Err(format!(
                    "@option {flags}: a positional argument binds a $parameter"
                ))
            }
            (_, Some(p)) => p,
        };
    }
    let default = match (kind, default) {
        (OptKind::Flag, Some(_)) => {
            return Err(format!("@option --{long}: a flag takes no default"))
        }
        (OptKind::Flag, None) => None,
        (_, None) if param.is_some() => {
            return Err(format!(
                "@option --{long}: needs = DEFAULT, bound when it is not given"
            ))
        }
        (_, None) => None,
        (OptKind::Str, Some(d)) => Some(DefaultValue::Str(
            d.strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
                .filter(|d| !d.contains('\''))
                .ok_or_else(|| {
                    format!("@option --{long}: a string default is single-quoted ('' for none)")
                })?,
        )),
        (_, Some(d)) => {
            Some(DefaultValue::Int(d.parse().map_err(|_| {
                format!("@option --{long}: default {d:?} is not an integer")
            })?))
        }
    };
    if kind == OptKind::Flag && value_name.is_some() {
        return Err(format!("@option --{long}: a flag takes no VALUE_NAME"));
    }
    Ok(OptDecl {
        short,
        long,
        value_name,
        kind,
        param,
        default,
        help,
        positional,
    })
}

fn is_flag_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Whether the query body uses `$name` as a whole parameter name.
fn uses_param(body: &str, name: &str) -> bool {
    body.match_indices('$').any(|(i, _)| {
        let rest = &body[i + 1..];
        rest.starts_with(name)
            && !rest[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    })
}

/// `HEADER | SOURCE [| WIDTH [| FORMAT [| if --FLAG]]]`
fn parse_column(rest: &'static str, options: &[OptDecl]) -> Result<Column, String> {
    let f = fields(rest, 2, 5, "@column")?;
    let (header, source) = (f[0], f[1]);
    if header.is_empty() || !is_ident(source) {
        return Err("@column needs a HEADER and a SOURCE column name".into());
    }
    let (align, width) = match f.get(2).copied().unwrap_or("") {
        "" => (Align::Left, 0),
        w => {
            let (align, n) = match (w.strip_prefix('<'), w.strip_prefix('>')) {
                (Some(n), _) => (Align::Left, n),
                (_, Some(n)) => (Align::Right, n),
                _ => {
                    return Err(format!(
                        "@column {header}: WIDTH is <N, >N or empty, not {w:?}"
                    ))
                }
            };
            let n = n
                .parse()
                .map_err(|_| format!("@column {header}: WIDTH {w:?} is not <N or >N"))?;
            (align, n)
        }
    };
    let format = parse_format(header, f.get(3).copied().unwrap_or(""))?;
    let when = match f.get(4).copied().unwrap_or("") {
        "" => None,
        cond => Some(flag_condition(cond, options).map_err(|m| format!("@column {header}: {m}"))?),
    };
    Ok(Column {
        header,
        source,
        align,
        width,
        format,
        when,
    })
}

/// `if --FLAG`, naming a `flag` option declared above; the flag's long name.
fn flag_condition(cond: &str, options: &[OptDecl]) -> Result<&'static str, String> {
    let flag = cond
        .strip_prefix("if")
        .map(str::trim)
        .and_then(|c| c.strip_prefix("--"))
        .ok_or_else(|| format!("the condition is `if --FLAG`, not {cond:?}"))?;
    match options.iter().find(|o| o.long == flag) {
        Some(o) if o.kind == OptKind::Flag => Ok(o.long),
        Some(_) => Err(format!("--{flag} is not a flag")),
        None => Err(format!("no @option --{flag} (declare it first)")),
    }
}

/// `events`, or `log2 UNIT [| UNIT if --FLAG]...`
fn parse_layout(rest: &'static str, options: &[OptDecl]) -> Result<Layout, String> {
    let mut parts = rest.split('|').map(str::trim);
    let first = parts.next().unwrap_or("");
    let (kind, unit) = first
        .split_once(char::is_whitespace)
        .map(|(k, u)| (k, u.trim()))
        .unwrap_or((first, ""));
    match kind {
        "events" if unit.is_empty() && rest == "events" => Ok(Layout::Events(EventList::default())),
        "table" if unit.is_empty() && rest == "table" => Ok(Layout::Table(EventList::default())),
        "log2" if !unit.is_empty() => {
            let mut hist = Log2Layout {
                unit,
                ..Log2Layout::default()
            };
            for part in parts {
                let (unit, cond) = part
                    .split_once(" if ")
                    .map(|(u, c)| (u.trim(), c.trim()))
                    .ok_or_else(|| format!("@layout log2: {part:?} is not `UNIT if --FLAG`"))?;
                hist.unit_if
                    .push((flag_condition(&format!("if {cond}"), options)?, unit));
            }
            Ok(Layout::Log2(hist))
        }
        "log2" => Err("@layout log2 needs a UNIT (usecs, Kbytes...)".into()),
        other => Err(format!(
            "unknown @layout {other:?} (events, table, log2 UNIT)"
        )),
    }
}

fn parse_format(header: &str, format: &'static str) -> Result<CellFormat, String> {
    let (name, arg) = format
        .split_once(char::is_whitespace)
        .map(|(n, a)| (n, a.trim()))
        .unwrap_or((format, ""));
    let decimals = || {
        arg.parse::<usize>().map_err(|_| {
            format!("@column {header}: {name} needs a number of decimals, not {arg:?}")
        })
    };
    let column = |a: &'static str| {
        is_ident(a)
            .then_some(a)
            .ok_or_else(|| format!("@column {header}: {name} needs a column name, not {a:?}"))
    };
    Ok(match name {
        "" => CellFormat::Plain,
        "fixed" => CellFormat::Fixed(decimals()?),
        "percent" => CellFormat::Percent(decimals()?),
        "elapsed" => CellFormat::Elapsed(decimals()?),
        "wall" if !arg.is_empty() => CellFormat::Wall(arg),
        "ellipsis" => CellFormat::Ellipsis(column(arg)?),
        "exit" => {
            let (signal, core) = arg
                .split_once(char::is_whitespace)
                .ok_or_else(|| format!("@column {header}: exit needs SIGNAL_COLUMN CORE_COLUMN"))?;
            CellFormat::Exit {
                signal: column(signal)?,
                core: column(core.trim())?,
            }
        }
        _ => {
            return Err(format!(
                "@column {header}: unknown FORMAT {format:?} (fixed N, percent N, elapsed N, wall STRFTIME, ellipsis COLUMN, exit SIGNAL_COLUMN CORE_COLUMN)"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "-- demo: a demo.\n\
        --\n\
        -- @about   Every demo event\n\
        -- @tables  process_exit\n\
        -- @option  -p --pid PID | uint $pid = -1 | Only this process.\n\
        -- @option  -n --name | string $name = '' | Only this name | or that.\n\
        -- @option  -T --time | flag | Include a time column.\n\
        -- @example -T -p 1 | Process 1, with times\n\
        -- @layout  events\n\
        -- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time\n\
        -- @column  PID | pid | >7\n\
        -- @column  COMM | comm\n\
        SELECT ts_ns, pid, comm FROM process_exit WHERE ($pid < 0 OR pid = $pid) AND ($name = '' OR comm = $name)\n";

    #[test]
    fn a_good_header_parses() {
        let d = parse("demo", GOOD).unwrap().expect("a declaration");
        assert_eq!(d.about, "Every demo event");
        assert_eq!(d.tables, ["process_exit"]);
        assert_eq!(d.options.len(), 3);
        let pid = &d.options[0];
        assert_eq!(
            (pid.short, pid.long, pid.value_name),
            (Some('p'), "pid", Some("PID"))
        );
        assert_eq!((pid.kind, pid.param), (OptKind::Uint, Some("pid")));
        assert_eq!(pid.default, Some(DefaultValue::Int(-1)));
        assert_eq!(d.options[1].default, Some(DefaultValue::Str("")));
        assert_eq!(d.options[1].help, "Only this name | or that.");
        assert_eq!(d.options[2].param, None);
        assert_eq!(d.examples[0].args, "-T -p 1");
        let Layout::Events(list) = &d.layout else {
            panic!("an event list")
        };
        assert_eq!(list.columns.len(), 3);
        assert_eq!(list.columns[0].when, Some("time"));
        assert_eq!(list.columns[0].format, CellFormat::Wall("%H:%M:%S"));
        assert_eq!(
            (list.columns[1].align, list.columns[1].width),
            (Align::Right, 7)
        );
        assert_eq!(list.columns[2].width, 0);
    }

    #[test]
    fn a_log2_header_parses() {
        let sql = "-- @about Latency\n\
            -- @tables block_io\n\
            -- @interval\n\
            -- @option -m --milliseconds | flag $ms | Millisecond histogram.\n\
            -- @option -D --per-disk | flag $per_disk | A histogram per disk.\n\
            -- @example -D | Per disk\n\
            -- @layout log2 usecs | msecs if --milliseconds\n\
            -- @section disk = {disk} | if --per-disk\n\
            SELECT $ms, $per_disk\n";
        let d = parse("lat", sql).unwrap().expect("a declaration");
        assert!(d.interval);
        let Layout::Log2(hist) = &d.layout else {
            panic!("a log2 layout")
        };
        assert_eq!(
            (hist.unit, hist.unit_if.as_slice()),
            ("usecs", &[("milliseconds", "msecs")][..])
        );
        assert_eq!(hist.sections.len(), 1);
        assert_eq!(hist.sections[0].when, Some("per-disk"));
        assert_eq!(hist.sections[0].pieces.len(), 2);
        let bad: &'static str = Box::leak(sql.replace("{disk}", "{disk").into_boxed_str());
        let e = parse("lat", bad).unwrap_err();
        assert!(e.line == 8 && e.message.contains("unclosed {"), "{e}");
        let bad: &'static str = Box::leak(
            sql.replace("-- @layout log2 usecs | msecs if --milliseconds\n", "")
                .into_boxed_str(),
        );
        let e = parse("lat", bad).unwrap_err();
        assert!(
            e.line == 7 && e.message.contains("@section belongs after @layout log2"),
            "{e}"
        );
    }

    #[test]
    fn a_header_without_about_declares_nothing() {
        assert!(parse("x", "-- x: prose only.\nSELECT 1\n")
            .unwrap()
            .is_none());
    }

    /// Each mistake is an error naming the file, the line and what is wrong.
    #[test]
    fn malformed_headers_are_clear_errors() {
        let cases = [
            (
                "-- @tables  process_exit\n",
                "-- @tables  nosuch\n",
                4,
                "no table \"nosuch\"",
            ),
            (
                "-- @layout  events\n",
                "-- @layout  grid\n",
                9,
                "unknown @layout \"grid\"",
            ),
            (
                "| uint $pid = -1 |",
                "| uint $nope = -1 |",
                5,
                "binds $nope, which the query does not use",
            ),
            ("| uint $pid = -1 |", "| uint $pid |", 5, "needs = DEFAULT"),
            (
                "| uint $pid = -1 |",
                "| number $pid = -1 |",
                5,
                "unknown type \"number\"",
            ),
            ("$name = '' |", "$name = none |", 6, "single-quoted"),
            ("| if --time\n", "| if --pid\n", 10, "--pid is not a flag"),
            ("| if --time\n", "| if --zone\n", 10, "no @option --zone"),
            (
                "| wall %H:%M:%S |",
                "| walls |",
                10,
                "unknown FORMAT \"walls\"",
            ),
            ("| >7\n", "| 7\n", 11, "WIDTH is <N, >N or empty"),
            (
                "-- @example -T -p 1 | Process 1, with times\n",
                "-- @exampel -T\n",
                8,
                "unknown directive @exampel",
            ),
            (
                "-- @example -T -p 1 | Process 1, with times\n",
                "",
                11,
                "no @example",
            ),
            (
                "-- @option  -T --time |",
                "-- @option  -p --time |",
                7,
                "a second option -p",
            ),
        ];
        for (from, to, line, message) in cases {
            assert!(GOOD.contains(from), "{from}");
            let sql: &'static str = Box::leak(GOOD.replacen(from, to, 1).into_boxed_str());
            let e = parse("demo", sql).expect_err(to);
            assert!(
                e.line == line && e.message.contains(message),
                "{to}: got {e}, want line {line}: {message}"
            );
            assert!(
                e.to_string()
                    .starts_with(&format!("queries/demo.sql:{line}: ")),
                "{e}"
            );
        }
    }

    /// A positional argument (`MIN_MS`) and the per-interval table layout.
    #[test]
    fn positional_arguments_and_tables_parse() {
        let sql = "-- @about   Slow things\n\
            -- @tables  process_exit\n\
            -- @interval\n\
            -- @option  MIN_MS | uint $min_ms = 10 | Only this slow.\n\
            -- @example 5 | Five ms or more\n\
            -- @layout  table\n\
            -- @column  PID | pid | <7\n\
            SELECT 0 AS interval_index, pid FROM process_exit WHERE pid > $min_ms\n";
        let d = parse("demo", sql).unwrap().expect("a declaration");
        let o = &d.options[0];
        assert!(o.positional);
        assert_eq!(
            (o.long, o.value_name, o.short),
            ("min_ms", Some("MIN_MS"), None)
        );
        assert_eq!(o.default, Some(DefaultValue::Int(10)));
        let Layout::Table(list) = &d.layout else {
            panic!("a table")
        };
        assert_eq!(list.columns.len(), 1);
        let flag = sql.replace("uint $min_ms = 10", "flag $min_ms");
        let e = parse("demo", Box::leak(flag.into_boxed_str())).unwrap_err();
        assert!(
            e.message.contains("positional argument takes a value"),
            "{e}"
        );
        let unbound = sql.replace("uint $min_ms = 10", "uint");
        let e = parse("demo", Box::leak(unbound.into_boxed_str())).unwrap_err();
        assert!(e.message.contains("binds a $parameter"), "{e}");
    }
}
