//! What `retrace diff` compares: the tools it knows (each a query in `queries/diff/`
//! returning raw values or per-key counts), and the comparison of one tool between
//! BASE and NEW: log2 distributions, percentiles and a Mann-Whitney test for histogram
//! tools; keys matched by name, deltas and ranks for top lists.

use std::collections::BTreeMap;

use super::stats::{self, MannWhitney};

/// How a tool is compared.
#[derive(Debug)]
pub enum DiffKind {
    /// Distributions of raw values. `scale` raw units make one display `unit` (ns per
    /// usec, bytes per Kbyte); `up`/`down` name a shift of NEW to higher/lower values.
    Hist {
        unit: &'static str,
        scale: i64,
        up: &'static str,
        down: &'static str,
    },
    /// Counts per key (the query's `key` column; `key` here is its heading, `counts`
    /// names what is counted); with `latency`, the average latency per key too.
    Top {
        key: &'static str,
        counts: &'static str,
        latency: bool,
    },
}

/// One tool `retrace diff` can compare.
#[derive(Debug)]
pub struct DiffDef {
    /// The tool's name (its sources come from the tool of that name).
    pub name: &'static str,
    /// What is compared, one line.
    pub about: &'static str,
    /// The query, from `queries/diff/<name>.sql`.
    pub sql: &'static str,
    pub kind: DiffKind,
}

/// Every tool `retrace diff` compares, in the order of `--tool` help.
pub static DIFF_TOOLS: &[DiffDef] = &[
    DiffDef {
        name: "biolatency",
        about: "block I/O latency, issue -> complete",
        sql: include_str!("../../../queries/diff/biolatency.sql"),
        kind: DiffKind::Hist {
            unit: "usecs",
            scale: 1_000,
            up: "slower",
            down: "faster",
        },
    },
    DiffDef {
        name: "iosched",
        about: "OS queue time, insert -> issue",
        sql: include_str!("../../../queries/diff/iosched.sql"),
        kind: DiffKind::Hist {
            unit: "usecs",
            scale: 1_000,
            up: "slower",
            down: "faster",
        },
    },
    DiffDef {
        name: "bitesize",
        about: "block I/O size",
        sql: include_str!("../../../queries/diff/bitesize.sql"),
        kind: DiffKind::Hist {
            unit: "Kbytes",
            scale: 1_024,
            up: "larger",
            down: "smaller",
        },
    },
    DiffDef {
        name: "seeksize",
        about: "seek distance between consecutive requests of a disk",
        sql: include_str!("../../../queries/diff/seeksize.sql"),
        kind: DiffKind::Hist {
            unit: "sectors",
            scale: 1,
            up: "farther",
            down: "closer",
        },
    },
    DiffDef {
        name: "biotop",
        about: "block I/O requests per command",
        sql: include_str!("../../../queries/diff/biotop.sql"),
        kind: DiffKind::Top {
            key: "COMM",
            counts: "I/O",
            latency: true,
        },
    },
    DiffDef {
        name: "execsnoop",
        about: "execs per command",
        sql: include_str!("../../../queries/diff/execsnoop.sql"),
        kind: DiffKind::Top {
            key: "COMM",
            counts: "execs",
            latency: false,
        },
    },
    DiffDef {
        name: "exitsnoop",
        about: "process exits per command",
        sql: include_str!("../../../queries/diff/exitsnoop.sql"),
        kind: DiffKind::Top {
            key: "COMM",
            counts: "exits",
            latency: false,
        },
    },
    DiffDef {
        name: "tcplife",
        about: "TCP sessions, bytes and duration per remote port",
        sql: include_str!("../../../queries/diff/tcplife.sql"),
        kind: DiffKind::Top {
            key: "RPORT",
            counts: "sessions",
            latency: true,
        },
    },
    DiffDef {
        name: "tcpconnlat",
        about: "TCP connect latency, SYN sent -> established",
        sql: include_str!("../../../queries/diff/tcpconnlat.sql"),
        kind: DiffKind::Hist {
            unit: "usecs",
            scale: 1_000,
            up: "slower",
            down: "faster",
        },
    },
    DiffDef {
        name: "tcpretrans",
        about: "TCP retransmits per remote end",
        sql: include_str!("../../../queries/diff/tcpretrans.sql"),
        kind: DiffKind::Top {
            key: "REMOTE",
            counts: "retransmits",
            latency: false,
        },
    },
];

/// Stack tools, compared as top lists keyed by folded stack (`comm;frames`, named
/// in each capture by [`crate::stacks`], not by a query), only when asked for with
/// `--tool` or `--fail-if`: their stacks are long lines for a one-line summary.
pub static STACK_DIFF_TOOLS: &[DiffDef] = &[
    DiffDef {
        name: "profile",
        about: "CPU samples per folded stack",
        sql: "",
        kind: DiffKind::Top {
            key: "STACK",
            counts: "samples",
            latency: false,
        },
    },
    DiffDef {
        name: "offcputime",
        about: "microseconds blocked off CPU per folded stack",
        sql: "",
        kind: DiffKind::Top {
            key: "STACK",
            counts: "us",
            latency: false,
        },
    },
];

/// Every diff tool: those of the summary, then the stack tools.
pub fn all_diff_tools() -> impl Iterator<Item = &'static DiffDef> {
    DIFF_TOOLS.iter().chain(STACK_DIFF_TOOLS)
}

/// Look a diff tool up by name.
pub fn diff_tool(name: &str) -> Option<&'static DiffDef> {
    all_diff_tools().find(|d| d.name == name)
}

/// A top-list key is reported as changed when its rate (or its average latency)
/// changed at least this many times (or it appeared or vanished) ...
pub const TOP_FACTOR: f64 = 2.0;
/// ... and it has at least this many events on its larger side.
pub const TOP_MIN_EVENTS: u64 = 10;

/// One capture's side of a histogram tool, values in display units.
#[derive(Debug, Clone, PartialEq)]
pub struct HistSide {
    pub count: u64,
    /// Values per second of capture span.
    pub rate: f64,
    /// Counts per log2 slot of the value in display units (as the tool's histogram).
    pub slots: Vec<u64>,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl HistSide {
    /// Summarize raw values (sorted here) over a span of `span_s` seconds.
    pub fn new(values: &mut [i64], scale: i64, span_s: f64) -> HistSide {
        values.sort_unstable();
        let mut slots = Vec::new();
        for &v in values.iter() {
            let slot = log2_slot((v / scale).max(0) as u64);
            if slots.len() <= slot {
                slots.resize(slot + 1, 0);
            }
            slots[slot] += 1;
        }
        let unit = |v: Option<i64>| v.map_or(0.0, |v| v as f64 / scale as f64);
        let sum: f64 = values.iter().map(|&v| v as f64).sum();
        HistSide {
            count: values.len() as u64,
            rate: values.len() as f64 / span_s,
            slots,
            mean: if values.is_empty() {
                0.0
            } else {
                sum / values.len() as f64 / scale as f64
            },
            p50: unit(stats::percentile(values, 0.50)),
            p90: unit(stats::percentile(values, 0.90)),
            p99: unit(stats::percentile(values, 0.99)),
            max: unit(values.last().copied()),
        }
    }

    /// A metric by its `--fail-if` name.
    pub fn metric(&self, name: &str) -> Option<f64> {
        Some(match name {
            "count" => self.count as f64,
            "rate" => self.rate,
            "mean" => self.mean,
            "p50" => self.p50,
            "p90" => self.p90,
            "p99" => self.p99,
            "max" => self.max,
            _ => return None,
        })
    }
}

/// floor(log2 v), 0 for 0 and 1: the slot of the log2 histograms.
fn log2_slot(v: u64) -> usize {
    if v <= 1 {
        0
    } else {
        63 - v.leading_zeros() as usize
    }
}

/// A histogram tool compared.
#[derive(Debug, Clone, PartialEq)]
pub struct HistDiff {
    pub base: HistSide,
    pub new: HistSide,
    /// None when either side has fewer than [`stats::MIN_VALUES`] values.
    pub test: Option<MannWhitney>,
}

impl HistDiff {
    pub fn new(base: &mut [i64], new: &mut [i64], scale: i64, spans: (f64, f64)) -> HistDiff {
        let test = (base.len() >= stats::MIN_VALUES && new.len() >= stats::MIN_VALUES)
            .then(|| stats::mann_whitney(base, new))
            .flatten();
        HistDiff {
            base: HistSide::new(base, scale, spans.0),
            new: HistSide::new(new, scale, spans.1),
            test,
        }
    }

    /// Whether the shift is beyond noise and large enough: the test is significant and
    /// the median moved (see [`stats`]).
    pub fn significant(&self) -> bool {
        self.test.is_some_and(|t| t.significant())
            && stats::median_moved(self.base.p50, self.new.p50)
    }
}

/// Per-key counts of one capture: key → (count, bytes, summed latency in ns).
pub type KeyCounts = BTreeMap<String, (u64, u64, u64)>;

/// One key of a top list, on both sides.
#[derive(Debug, Clone, PartialEq)]
pub struct TopRow {
    pub key: String,
    pub base: u64,
    pub new: u64,
    pub base_rate: f64,
    pub new_rate: f64,
    /// 1-based rank by count (then key) on each side; None where the key is absent.
    pub base_rank: Option<usize>,
    pub new_rank: Option<usize>,
    /// Average latency, usecs, on each side where the key is present (top lists of
    /// latency-measuring tools only).
    pub base_avg_us: Option<f64>,
    pub new_avg_us: Option<f64>,
}

impl TopRow {
    /// Whether this key changed enough to report ([`TOP_FACTOR`], [`TOP_MIN_EVENTS`]).
    pub fn changed(&self) -> bool {
        self.rate_changed() || self.latency_changed()
    }

    fn rate_changed(&self) -> bool {
        if self.base.max(self.new) < TOP_MIN_EVENTS {
            return false;
        }
        let (lo, hi) = if self.base_rate <= self.new_rate {
            (self.base_rate, self.new_rate)
        } else {
            (self.new_rate, self.base_rate)
        };
        lo == 0.0 || hi / lo >= TOP_FACTOR
    }

    /// Whether the average latency changed [`TOP_FACTOR`] times or more, with at least
    /// [`TOP_MIN_EVENTS`] on each side.
    pub fn latency_changed(&self) -> bool {
        match (self.base_avg_us, self.new_avg_us) {
            (Some(b), Some(n)) if self.base.min(self.new) >= TOP_MIN_EVENTS => {
                let (lo, hi) = if b <= n { (b, n) } else { (n, b) };
                hi > 0.0 && (lo == 0.0 || hi / lo >= TOP_FACTOR)
            }
            _ => false,
        }
    }

    /// The change of rate relative to the larger side, 0..=1 (1: appeared or vanished).
    pub fn score(&self) -> f64 {
        let relative = |b: f64, n: f64| {
            let hi = b.max(n);
            if hi == 0.0 {
                0.0
            } else {
                (n - b).abs() / hi
            }
        };
        let latency = match (self.base_avg_us, self.new_avg_us) {
            (Some(b), Some(n)) if self.latency_changed() => relative(b, n),
            _ => 0.0,
        };
        relative(self.base_rate, self.new_rate).max(latency)
    }
}

/// A top-list tool compared.
#[derive(Debug, Clone, PartialEq)]
pub struct TopDiff {
    /// Every key of either side, the largest change of rate first.
    pub rows: Vec<TopRow>,
    pub base_total: u64,
    pub new_total: u64,
    pub base_bytes: u64,
    pub new_bytes: u64,
    pub spans: (f64, f64),
}

impl TopDiff {
    /// Match the keys of both sides; `latency`: also compare average latencies.
    pub fn new(base: &KeyCounts, new: &KeyCounts, spans: (f64, f64), latency: bool) -> TopDiff {
        let ranks = |m: &KeyCounts| -> BTreeMap<String, usize> {
            let mut v: Vec<(&String, u64)> = m.iter().map(|(k, c)| (k, c.0)).collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            v.into_iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i + 1))
                .collect()
        };
        let (rb, rn) = (ranks(base), ranks(new));
        let mut keys: Vec<&String> = base.keys().chain(new.keys()).collect();
        keys.sort();
        keys.dedup();
        let mut rows: Vec<TopRow> = keys
            .into_iter()
            .map(|k| {
                let b = base.get(k).map_or(0, |c| c.0);
                let n = new.get(k).map_or(0, |c| c.0);
                let avg = |m: &KeyCounts| {
                    m.get(k)
                        .filter(|c| latency && c.0 > 0)
                        .map(|c| c.2 as f64 / c.0 as f64 / 1e3)
                };
                TopRow {
                    key: k.clone(),
                    base: b,
                    new: n,
                    base_rate: b as f64 / spans.0,
                    new_rate: n as f64 / spans.1,
                    base_rank: rb.get(k).copied(),
                    new_rank: rn.get(k).copied(),
                    base_avg_us: avg(base),
                    new_avg_us: avg(new),
                }
            })
            .collect();
        // Reported keys first, then by change of rate.
        rows.sort_by(|a, b| {
            let da = (a.new_rate - a.base_rate).abs();
            let db = (b.new_rate - b.base_rate).abs();
            b.changed()
                .cmp(&a.changed())
                .then(db.total_cmp(&da))
                .then(a.key.cmp(&b.key))
        });
        TopDiff {
            rows,
            base_total: base.values().map(|c| c.0).sum(),
            new_total: new.values().map(|c| c.0).sum(),
            base_bytes: base.values().map(|c| c.1).sum(),
            new_bytes: new.values().map(|c| c.1).sum(),
            spans,
        }
    }

    /// Keys reported as changed, in row order.
    pub fn changed(&self) -> impl Iterator<Item = &TopRow> {
        self.rows.iter().filter(|r| r.changed())
    }

    pub fn significant(&self) -> bool {
        self.changed().next().is_some()
    }

    /// A metric by its `--fail-if` name, on (BASE, NEW).
    pub fn metric(&self, name: &str) -> Option<(f64, f64)> {
        Some(match name {
            "count" => (self.base_total as f64, self.new_total as f64),
            "rate" => (
                self.base_total as f64 / self.spans.0,
                self.new_total as f64 / self.spans.1,
            ),
            "bytes" => (self.base_bytes as f64, self.new_bytes as f64),
            "keys" => (
                self.rows.iter().filter(|r| r.base > 0).count() as f64,
                self.rows.iter().filter(|r| r.new > 0).count() as f64,
            ),
            _ => return None,
        })
    }
}

/// The outcome of comparing one tool.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Hist(HistDiff),
    Top(TopDiff),
    /// The tool cannot be compared: why (a source missing on one side, ...).
    NotComparable(String),
}

/// One tool compared.
#[derive(Debug, Clone)]
pub struct ToolDiff {
    pub def: &'static DiffDef,
    pub outcome: Outcome,
}

impl ToolDiff {
    /// Whether the change is beyond noise (the verdict is not "same").
    pub fn significant(&self) -> bool {
        match &self.outcome {
            Outcome::Hist(h) => h.significant(),
            Outcome::Top(t) => t.significant(),
            Outcome::NotComparable(_) => false,
        }
    }

    /// Size of the change, 0..=1, to order tools: |Cliff's delta| for histograms, the
    /// largest relative change of a reported key for top lists.
    pub fn score(&self) -> f64 {
        match &self.outcome {
            Outcome::Hist(h) => h.test.map_or(0.0, |t| t.delta.abs()),
            Outcome::Top(t) => t.changed().map(TopRow::score).fold(0.0, f64::max),
            Outcome::NotComparable(_) => 0.0,
        }
    }

    /// A metric on (BASE, NEW); None when not comparable or unknown.
    pub fn metric(&self, name: &str) -> Option<(f64, f64)> {
        match &self.outcome {
            Outcome::Hist(h) => Some((h.base.metric(name)?, h.new.metric(name)?)),
            Outcome::Top(t) => t.metric(name),
            Outcome::NotComparable(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_match_the_tools() {
        assert_eq!(log2_slot(0), 0);
        assert_eq!(log2_slot(1), 0);
        assert_eq!(log2_slot(2), 1);
        assert_eq!(log2_slot(1023), 9);
        assert_eq!(log2_slot(1024), 10);
    }

    #[test]
    fn top_rows_match_by_key() {
        let base: KeyCounts = [
            ("a".to_string(), (10, 0, 0)),
            ("b".to_string(), (30, 0, 30_000)),
        ]
        .into();
        let new: KeyCounts = [
            ("b".to_string(), (30, 0, 90_000)),
            ("c".to_string(), (40, 0, 0)),
        ]
        .into();
        let t = TopDiff::new(&base, &new, (10.0, 10.0), false);
        let keys: Vec<&str> = t.rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["c", "a", "b"]);
        assert_eq!(t.rows[0].base_rank, None);
        assert_eq!(t.rows[0].new_rank, Some(1));
        assert_eq!(t.rows[2].base_rank, Some(1));
        assert_eq!(t.rows[2].new_rank, Some(2));
        let changed: Vec<&str> = t.changed().map(|r| r.key.as_str()).collect();
        assert_eq!(changed, ["c", "a"]);
        assert_eq!(t.metric("count"), Some((40.0, 70.0)));
        // With latency: b's average went from 1 to 3 usecs, so b is reported too.
        let t = TopDiff::new(&base, &new, (10.0, 10.0), true);
        let b = t.rows.iter().find(|r| r.key == "b").unwrap();
        assert_eq!((b.base_avg_us, b.new_avg_us), (Some(1.0), Some(3.0)));
        assert!(b.latency_changed() && b.changed());
    }
}
