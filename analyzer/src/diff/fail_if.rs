//! `--fail-if` thresholds: `TOOL.METRIC OP THRESHOLD`, e.g. `biolatency.p99 > +10%`,
//! `execsnoop.count > 2x`, `bitesize.p50 < 4096`.
//!
//! - OP is `>`, `>=`, `<` or `<=`; NEW's value is compared with the threshold.
//! - THRESHOLD relative to BASE: `+10%` / `-10%` / `10%` (BASE × (1 + N/100)), `2x`
//!   (BASE × 2); or absolute: a plain number in the metric's unit (see [`metrics`]).
//! - Crossed when `NEW OP THRESHOLD` holds; a tool that cannot be compared (missing
//!   on one side) counts as crossed, so CI never passes silently.

use std::fmt;

use super::model::{all_diff_tools, diff_tool, DiffKind};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Gt,
    Ge,
    Lt,
    Le,
}

/// How the threshold is expressed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// BASE × (1 + pct/100).
    Percent(f64),
    /// BASE × factor.
    Times(f64),
    /// A value in the metric's unit.
    Absolute(f64),
}

/// One parsed `--fail-if` expression.
#[derive(Debug, Clone, PartialEq)]
pub struct FailIf {
    pub text: String,
    pub tool: String,
    pub metric: String,
    pub op: Op,
    pub threshold: Threshold,
}

impl fmt::Display for FailIf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The metrics of a tool kind, for `--fail-if` and `--json`.
pub fn metrics(kind: &DiffKind) -> &'static [&'static str] {
    match kind {
        DiffKind::Hist { .. } => &["count", "rate", "mean", "p50", "p90", "p99", "max"],
        DiffKind::Top { .. } => &["count", "rate", "bytes", "keys"],
    }
}

impl FailIf {
    /// Parse `TOOL.METRIC OP THRESHOLD` (spaces optional).
    pub fn parse(text: &str) -> Result<FailIf, String> {
        let s = text.trim();
        let at = s.find(['<', '>']).ok_or_else(|| {
            format!("`{text}`: expected TOOL.METRIC OP THRESHOLD with OP one of > >= < <=")
        })?;
        let (lhs, rest) = s.split_at(at);
        let (op, rhs) = if let Some(r) = rest.strip_prefix(">=") {
            (Op::Ge, r)
        } else if let Some(r) = rest.strip_prefix("<=") {
            (Op::Le, r)
        } else if let Some(r) = rest.strip_prefix('>') {
            (Op::Gt, r)
        } else {
            (Op::Lt, &rest[1..])
        };
        let (tool, metric) = lhs
            .trim()
            .split_once('.')
            .ok_or_else(|| format!("`{text}`: expected TOOL.METRIC before the operator"))?;
        let def = diff_tool(tool).ok_or_else(|| {
            let names: Vec<&str> = all_diff_tools().map(|d| d.name).collect();
            format!(
                "`{text}`: no tool {tool} in diff (one of {})",
                names.join(", ")
            )
        })?;
        let known = metrics(&def.kind);
        if !known.contains(&metric) {
            return Err(format!(
                "`{text}`: {tool} has no metric {metric} (one of {})",
                known.join(", ")
            ));
        }
        let rhs = rhs.trim();
        let number = |v: &str| {
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| format!("`{text}`: bad threshold `{rhs}` (e.g. +10%, 2x, 500)"))
        };
        let threshold = if let Some(p) = rhs.strip_suffix('%') {
            Threshold::Percent(number(p)?)
        } else if let Some(x) = rhs.strip_suffix(['x', 'X']) {
            Threshold::Times(number(x)?)
        } else {
            Threshold::Absolute(number(rhs)?)
        };
        Ok(FailIf {
            text: s.to_string(),
            tool: tool.to_string(),
            metric: metric.to_string(),
            op,
            threshold,
        })
    }

    /// The threshold NEW is compared with, given BASE's value.
    pub fn limit(&self, base: f64) -> f64 {
        match self.threshold {
            Threshold::Percent(p) => base * (1.0 + p / 100.0),
            Threshold::Times(x) => base * x,
            Threshold::Absolute(v) => v,
        }
    }

    /// Whether NEW crosses the threshold.
    pub fn crossed(&self, base: f64, new: f64) -> bool {
        let limit = self.limit(base);
        match self.op {
            Op::Gt => new > limit,
            Op::Ge => new >= limit,
            Op::Lt => new < limit,
            Op::Le => new <= limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let f = FailIf::parse("biolatency.p99 > +10%").unwrap();
        assert_eq!((f.tool.as_str(), f.metric.as_str()), ("biolatency", "p99"));
        assert_eq!(f.op, Op::Gt);
        assert_eq!(f.threshold, Threshold::Percent(10.0));
        assert!(f.crossed(100.0, 110.5));
        assert!(!f.crossed(100.0, 110.0));
        let f = FailIf::parse("execsnoop.count>2x").unwrap();
        assert_eq!(f.threshold, Threshold::Times(2.0));
        assert!(f.crossed(10.0, 21.0));
        let f = FailIf::parse("bitesize.p50 <= 4096").unwrap();
        assert_eq!(f.op, Op::Le);
        assert!(f.crossed(8192.0, 4096.0));
        let f = FailIf::parse("biotop.rate < -20%").unwrap();
        assert!(f.crossed(100.0, 79.0));
        assert!(!f.crossed(100.0, 81.0));
    }

    #[test]
    fn refuses_what_it_cannot_evaluate() {
        for bad in [
            "biolatency.p99",
            "p99 > 10%",
            "nosuch.p99 > 1",
            "biolatency.p42 > 1",
            "biolatency.p99 > fast",
            "execsnoop.p99 > 2x",
        ] {
            assert!(FailIf::parse(bad).is_err(), "{bad}");
        }
    }
}
