//! The printers of `retrace diff`: text (a header naming both captures, notes, one
//! summary line per tool, and with `--tool` the details: side-by-side log2 histograms
//! and percentile tables, or matched top lists) and one JSON object for automation.
//! They write to `impl Write` so tests compare exact text.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::model::{DiffKind, HistDiff, HistSide, Outcome, ToolDiff, TopDiff, TopRow};
use super::stats::{ALPHA, MIN_DELTA, MIN_MEDIAN_CHANGE};
use super::{Report, SideInfo};

/// A number for people: no decimals from 100, one from 10, two below.
fn num(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The change from `b` to `n`: `+12.3%`, `new` (from zero), `=` (both zero).
fn change(b: f64, n: f64) -> String {
    if b == 0.0 {
        return if n == 0.0 { "=".into() } else { "new".into() };
    }
    format!("{:+.1}%", (n - b) / b * 100.0)
}

fn side_line(label: &str, s: &SideInfo) -> String {
    format!(
        "{label:<4} {} ({}, {}, {} CPUs, {:.1} s)",
        s.name, s.hostname, s.kernel, s.cpus, s.span_s
    )
}

/// The verdict word of a tool.
fn verdict(t: &ToolDiff) -> &'static str {
    match (&t.outcome, &t.def.kind) {
        (Outcome::NotComparable(_), _) => "n/a",
        (Outcome::Hist(h), DiffKind::Hist { up, down, .. }) => match h.test {
            None => "too few",
            Some(m) if h.significant() && m.delta > 0.0 => up,
            Some(_) if h.significant() => down,
            Some(_) => "same",
        },
        (Outcome::Top(top), _) if top.significant() => "changed",
        _ => "same",
    }
}

fn test_text(h: &HistDiff) -> String {
    match h.test {
        Some(m) => format!("Mann-Whitney p={:.1e}, delta {:+.2}", m.p, m.delta),
        None => "too few values for a test".into(),
    }
}

fn key_text(r: &TopRow) -> String {
    if let (true, Some(b), Some(n)) = (r.latency_changed(), r.base_avg_us, r.new_avg_us) {
        return format!(
            "{}: avg {} -> {} usecs ({})",
            r.key,
            num(b),
            num(n),
            change(b, n)
        );
    }
    let what = match (r.base, r.new) {
        (0, _) => "appeared".to_string(),
        (_, 0) => "vanished".to_string(),
        _ => change(r.base_rate, r.new_rate),
    };
    format!("{}: {} -> {} ({what})", r.key, r.base, r.new)
}

/// The whole report as text.
pub fn write_text(report: &Report, rows: usize, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", side_line("BASE", &report.base))?;
    writeln!(out, "{}", side_line("NEW", &report.new))?;
    for n in &report.notes {
        writeln!(out, "note: {n}")?;
    }
    writeln!(out)?;
    write_summary(report, out)?;
    if report.detail {
        for t in &report.tools {
            writeln!(out)?;
            write_detail(t, rows, out)?;
        }
    }
    if !report.checks.is_empty() {
        writeln!(out)?;
        for c in &report.checks {
            let state = if c.crossed { "FAIL" } else { "ok  " };
            match c.values {
                Some((b, n, limit)) => writeln!(
                    out,
                    "{state} {}  (base {}, new {}, threshold {})",
                    c.expr,
                    num(b),
                    num(n),
                    num(limit)
                )?,
                None => writeln!(out, "{state} {}  (not comparable)", c.expr)?,
            }
        }
    }
    Ok(())
}

/// One line per tool: verdict, the headline metric on each side, its change, why.
pub fn write_summary(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{:<11} {:<8} {:>12} {:>12} {:>8}  DETAIL",
        "TOOL", "VERDICT", "BASE", "NEW", "CHANGE"
    )?;
    for t in &report.tools {
        let v = verdict(t);
        match &t.outcome {
            Outcome::NotComparable(why) => {
                writeln!(out, "{:<11} {v:<8} {why}", t.def.name)?;
            }
            Outcome::Hist(h) => {
                let DiffKind::Hist { unit, .. } = t.def.kind else {
                    continue;
                };
                writeln!(
                    out,
                    "{:<11} {v:<8} {:>12} {:>12} {:>8}  p99 {unit}; p50 {}, count {}; {}",
                    t.def.name,
                    num(h.base.p99),
                    num(h.new.p99),
                    change(h.base.p99, h.new.p99),
                    change(h.base.p50, h.new.p50),
                    change(h.base.count as f64, h.new.count as f64),
                    test_text(h)
                )?;
            }
            Outcome::Top(top) => {
                let DiffKind::Top { counts, key, .. } = t.def.kind else {
                    continue;
                };
                let changed: Vec<String> = top.changed().take(2).map(key_text).collect();
                let why = if changed.is_empty() {
                    let what = match key {
                        "COMM" => "command".to_string(),
                        other => other.to_lowercase(),
                    };
                    format!("no {what} changed 2x")
                } else {
                    changed.join(", ")
                };
                writeln!(
                    out,
                    "{:<11} {v:<8} {:>12} {:>12} {:>8}  {counts}; {why}",
                    t.def.name,
                    top.base_total,
                    top.new_total,
                    change(
                        top.base_total as f64 / top.spans.0,
                        top.new_total as f64 / top.spans.1
                    ),
                )?;
            }
        }
    }
    Ok(())
}

/// One tool in detail.
pub fn write_detail(t: &ToolDiff, rows: usize, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}: {}", t.def.name, t.def.about)?;
    match (&t.outcome, &t.def.kind) {
        (Outcome::NotComparable(why), _) => writeln!(out, "not comparable: {why}"),
        (Outcome::Hist(h), DiffKind::Hist { unit, .. }) => write_hist(t, h, unit, out),
        (
            Outcome::Top(top),
            DiffKind::Top {
                key,
                counts,
                latency,
            },
        ) => {
            write_top(top, (key, counts, *latency), rows, out)?;
            writeln!(out, "verdict: {}", verdict(t))
        }
        _ => Ok(()),
    }
}

/// Both log2 histograms side by side, bars scaled by each slot's share of its side
/// (so captures of different sizes compare), then the percentiles and the verdict.
fn write_hist(t: &ToolDiff, h: &HistDiff, unit: &str, out: &mut dyn Write) -> io::Result<()> {
    let width = 20usize;
    let len = h.base.slots.len().max(h.new.slots.len());
    let share = |s: &HistSide, i: usize| -> f64 {
        s.slots.get(i).copied().unwrap_or(0) as f64 / s.count.max(1) as f64
    };
    let max_share = (0..len)
        .flat_map(|i| [share(&h.base, i), share(&h.new, i)])
        .fold(0.0, f64::max);
    let bar = |f: f64| -> String {
        let stars = if max_share > 0.0 {
            (f / max_share * width as f64).floor() as usize
        } else {
            0
        };
        format!("{}{}", "*".repeat(stars), " ".repeat(width - stars))
    };
    if len > 0 {
        writeln!(
            out,
            "{:5}{unit:<19} : {:<8} {:<22} : {:<8} distribution",
            "", "base", "distribution", "new"
        )?;
    }
    for i in 0..len {
        let high: u128 = (1u128 << (i + 1)) - 1;
        let mut low: u128 = (1u128 << (i + 1)) >> 1;
        if low == high {
            low -= 1;
        }
        let (b, n) = (
            h.base.slots.get(i).copied().unwrap_or(0),
            h.new.slots.get(i).copied().unwrap_or(0),
        );
        writeln!(
            out,
            "{low:>10} -> {high:<10} : {b:<8} |{}| : {n:<8} |{}|",
            bar(share(&h.base, i)),
            bar(share(&h.new, i))
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<12} {:>12} {:>12} {:>8}",
        "", "base", "new", "change"
    )?;
    let line = |out: &mut dyn Write, name: &str, b: f64, n: f64| {
        writeln!(
            out,
            "{name:<12} {:>12} {:>12} {:>8}",
            num(b),
            num(n),
            change(b, n)
        )
    };
    line(out, "count", h.base.count as f64, h.new.count as f64)?;
    line(out, "rate/s", h.base.rate, h.new.rate)?;
    for m in ["mean", "p50", "p90", "p99", "max"] {
        let name = format!("{m} {unit}");
        line(
            out,
            &name,
            h.base.metric(m).unwrap_or(0.0),
            h.new.metric(m).unwrap_or(0.0),
        )?;
    }
    writeln!(
        out,
        "verdict: {} ({}; reported when p < {ALPHA}, |delta| >= {MIN_DELTA} and p50 moved >= {:.0}%)",
        verdict(t),
        test_text(h),
        MIN_MEDIAN_CHANGE * 100.0
    )
}

/// Keys matched on both sides, the largest change of rate first.
fn write_top(
    top: &TopDiff,
    (key, counts, latency): (&str, &str, bool),
    rows: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lat_head = if latency {
        format!(" {:>9} {:>9}", "BASE avg", "NEW avg")
    } else {
        String::new()
    };
    writeln!(
        out,
        "{key:<16} {:>8} {:>8} {:>9} {:>9} {:>8}{lat_head}  RANK ({counts}{})",
        "BASE",
        "NEW",
        "BASE/s",
        "NEW/s",
        "CHANGE",
        if latency {
            "; avg latency in usecs"
        } else {
            ""
        }
    )?;
    let avg = |v: Option<f64>| v.map_or("-".to_string(), num);
    let rank = |r: Option<usize>| r.map_or("-".to_string(), |r| r.to_string());
    for r in top.rows.iter().take(rows) {
        let what = match (r.base, r.new) {
            (0, _) => "new".to_string(),
            (_, 0) => "gone".to_string(),
            _ => change(r.base_rate, r.new_rate),
        };
        let lat = if latency {
            format!(" {:>9} {:>9}", avg(r.base_avg_us), avg(r.new_avg_us))
        } else {
            String::new()
        };
        writeln!(
            out,
            "{:<16} {:>8} {:>8} {:>9.2} {:>9.2} {what:>8}{lat}  {} -> {}{}",
            r.key,
            r.base,
            r.new,
            r.base_rate,
            r.new_rate,
            rank(r.base_rank),
            rank(r.new_rank),
            if r.changed() { "  *" } else { "" }
        )?;
    }
    if top.rows.len() > rows {
        writeln!(out, "({} more)", top.rows.len() - rows)?;
    }
    let appeared: Vec<&str> = top
        .rows
        .iter()
        .filter(|r| r.base == 0)
        .map(|r| r.key.as_str())
        .collect();
    let vanished: Vec<&str> = top
        .rows
        .iter()
        .filter(|r| r.new == 0)
        .map(|r| r.key.as_str())
        .collect();
    writeln!(
        out,
        "total {counts}: {} -> {} ({} per second); appeared: {}; vanished: {}",
        top.base_total,
        top.new_total,
        change(
            top.base_total as f64 / top.spans.0,
            top.new_total as f64 / top.spans.1
        ),
        if appeared.is_empty() {
            "none".into()
        } else {
            appeared.join(", ")
        },
        if vanished.is_empty() {
            "none".into()
        } else {
            vanished.join(", ")
        },
    )
}

fn hist_side_json(s: &HistSide) -> Value {
    json!({
        "count": s.count, "rate": s.rate, "mean": s.mean, "p50": s.p50, "p90": s.p90,
        "p99": s.p99, "max": s.max, "slots": s.slots,
    })
}

fn side_json(s: &SideInfo) -> Value {
    json!({
        "name": s.name, "host": s.hostname, "kernel": s.kernel, "cpus": s.cpus,
        "span_s": s.span_s,
    })
}

fn tool_json(t: &ToolDiff) -> Value {
    let mut v = match (&t.outcome, &t.def.kind) {
        (Outcome::NotComparable(why), _) => json!({ "comparable": false, "reason": why }),
        (Outcome::Hist(h), DiffKind::Hist { unit, .. }) => json!({
            "comparable": true, "kind": "histogram", "unit": unit,
            "base": hist_side_json(&h.base), "new": hist_side_json(&h.new),
            "test": h.test.map(|m| json!({
                "name": "mann-whitney-u", "u": m.u, "p": m.p, "cliffs_delta": m.delta,
                "alpha": ALPHA, "min_delta": MIN_DELTA,
                "min_median_change": MIN_MEDIAN_CHANGE,
            })),
        }),
        (Outcome::Top(top), _) => json!({
            "comparable": true, "kind": "top",
            "base": { "count": top.base_total, "bytes": top.base_bytes },
            "new": { "count": top.new_total, "bytes": top.new_bytes },
            "rows": top.rows.iter().map(|r| json!({
                "key": r.key, "base": r.base, "new": r.new, "base_rate": r.base_rate,
                "new_rate": r.new_rate, "base_rank": r.base_rank, "new_rank": r.new_rank,
                "base_avg_us": r.base_avg_us, "new_avg_us": r.new_avg_us,
                "changed": r.changed(),
            })).collect::<Vec<_>>(),
        }),
        _ => json!({}),
    };
    v["tool"] = json!(t.def.name);
    v["verdict"] = json!(verdict(t));
    v["significant"] = json!(t.significant());
    v
}

/// The whole report as one JSON object.
pub fn to_json(report: &Report) -> Value {
    json!({
        "base": side_json(&report.base),
        "new": side_json(&report.new),
        "notes": report.notes,
        "tools": report.tools.iter().map(tool_json).collect::<Vec<_>>(),
        "fail_if": report.checks.iter().map(|c| json!({
            "expr": c.expr.text,
            "base": c.values.map(|v| v.0),
            "new": c.values.map(|v| v.1),
            "threshold": c.values.map(|v| v.2),
            "comparable": c.values.is_some(),
            "crossed": c.crossed,
        })).collect::<Vec<_>>(),
        "failed": report.failed(),
    })
}
