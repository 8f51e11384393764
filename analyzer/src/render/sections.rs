//! Per-interval output and per-key sections. Summary queries return an `interval_index`
//! column (0-based index into the window); with `--interval` each interval gets a
//! header with its wall-clock end time (`HH:MM:SS`, local time, as the live tools print
//! with `-T`), and each section (a disk, a process) a `key = value` line above its
//! histogram, separated by blank lines as in libbpf-tools.

use std::collections::BTreeMap;
use std::io::{self, Write};

use retrace_schema::manifest::ClockPair;

use super::hist::{print_log2_hist, slots_from_pairs};
use super::rows::{Row, Rows};
use crate::window::{wall_time, Window};

/// Tracks whether anything was printed yet, to separate blocks by one blank line.
#[derive(Debug, Default)]
pub struct Blocks {
    started: bool,
}

impl Blocks {
    /// Start a new block: a blank line unless it is the first thing printed.
    pub fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.started {
            writeln!(out)?;
        }
        self.started = true;
        Ok(())
    }
}

/// Call `body` once per interval of the window with that interval's rows (empty
/// intervals too when `--interval` was given), printing the interval headers.
pub fn for_each_interval<'a>(
    out: &mut dyn Write,
    blocks: &mut Blocks,
    window: &Window,
    clock: &ClockPair,
    rows: &'a Rows,
    mut body: impl FnMut(&mut dyn Write, &mut Blocks, &[Row<'a>]) -> io::Result<()>,
) -> io::Result<()> {
    let mut by_interval: BTreeMap<u64, Vec<Row<'a>>> = BTreeMap::new();
    for row in rows.iter() {
        by_interval
            .entry(row.u64("interval_index"))
            .or_default()
            .push(row);
    }
    if !window.per_interval {
        let all: Vec<Row<'a>> = by_interval.into_values().flatten().collect();
        return body(out, blocks, &all);
    }
    // Whole seconds as the live tools print them; milliseconds when the intervals do
    // not fall on whole seconds, so that no two headers read the same.
    let whole = |ns: i128| ns % 1_000_000_000 == 0;
    let fmt = if whole(clock.to_wall_ns(window.start_ns))
        && whole(clock.to_wall_ns(window.end_ns))
        && whole(window.interval_ns as i128)
    {
        "%H:%M:%S"
    } else {
        "%H:%M:%S%.3f"
    };
    for i in 0..window.intervals() {
        blocks.start(out)?;
        let (_, end) = window.interval_bounds(i);
        writeln!(out, "{:<8}", wall_time(clock, end, fmt))?;
        let rows = by_interval.remove(&i).unwrap_or_default();
        body(out, blocks, &rows)?;
    }
    Ok(())
}

/// A section header (None: no header) and its (slot, count) pairs.
type Section = (Option<String>, Vec<(u64, u64)>);

/// Print one log2 histogram per section of `rows` (columns `bucket`, `count`), in the
/// order sections first appear; `label` gives a section's header line (None: no
/// header, for a tool without sections).
pub fn print_hist_sections(
    out: &mut dyn Write,
    blocks: &mut Blocks,
    rows: &[Row<'_>],
    val_type: &str,
    label: &dyn Fn(&Row<'_>) -> Option<String>,
) -> io::Result<()> {
    let mut sections: Vec<Section> = Vec::new();
    for row in rows {
        let key = label(row);
        let pair = (row.u64("bucket"), row.u64("count"));
        match sections.iter_mut().find(|(k, _)| *k == key) {
            Some((_, pairs)) => pairs.push(pair),
            None => sections.push((key, vec![pair])),
        }
    }
    for (key, pairs) in sections {
        blocks.start(out)?;
        if let Some(key) = key {
            writeln!(out, "{key}")?;
        }
        print_log2_hist(out, &slots_from_pairs(pairs), val_type)?;
    }
    Ok(())
}
