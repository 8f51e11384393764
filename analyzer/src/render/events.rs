//! The event-list layout, declared instead of written: one header line, then one line
//! per row, each column a query column in a given width, alignment and format, some
//! shown only when a flag was given (execsnoop, exitsnoop, and any tool declared in
//! its query's header, see [`crate::tools::header`]).

use std::io::Write;

use super::rows::{Row, Rows};
use super::sections::{for_each_interval, Blocks};
use crate::error::Result;
use crate::kernel_names::signal_description;
use crate::tools::RenderCx;
use crate::window::{wall_time, CaptureSpan};

/// An event list: its columns, left to right.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventList {
    pub columns: Vec<Column>,
}

/// One column of an event list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header line's text for this column.
    pub header: &'static str,
    /// The query column it prints.
    pub source: &'static str,
    pub align: Align,
    /// Padded to this many characters (0: not padded, for the last column). Longer
    /// values are printed whole, as the live tools' printf does.
    pub width: usize,
    pub format: CellFormat,
    /// Shown only when this flag (its long name) was given.
    pub when: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// How a cell's value becomes text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellFormat {
    /// The value as it is (`-` for null).
    Plain,
    /// A number with this many decimals.
    Fixed(usize),
    /// A number with this many decimals and a `%` sign (a percentage).
    Percent(usize),
    /// A CLOCK_MONOTONIC ns value as the recording host's local time (strftime).
    Wall(&'static str),
    /// A CLOCK_MONOTONIC ns value as seconds since the recording start, with this many
    /// decimals.
    Elapsed(usize),
    /// The value, then ` ...` when this boolean column is true (a cut argument list).
    Ellipsis(&'static str),
    /// An exit code as `0`, `code N`, or `signal N (name)` (`, core dumped`) when the
    /// signal column is not 0.
    Exit {
        signal: &'static str,
        core: &'static str,
    },
}

impl EventList {
    /// Every query column the layout reads.
    pub fn sources(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        for c in &self.columns {
            names.push(c.source);
            match c.format {
                CellFormat::Ellipsis(flag) => names.push(flag),
                CellFormat::Exit { signal, core } => names.extend([signal, core]),
                _ => {}
            }
        }
        names
    }

    /// Print the header line and one line per row; `given` says whether a flag (by
    /// its long name) was given, for the columns shown only with one.
    pub fn render(
        &self,
        rows: &Rows,
        span: &CaptureSpan,
        given: &dyn Fn(&str) -> bool,
        out: &mut dyn Write,
    ) -> Result<()> {
        rows.require(&self.sources())?;
        let all: Vec<Row<'_>> = rows.iter().collect();
        Ok(self.print(&all, span, given, out)?)
    }

    /// One table per interval of the window (the rows' `interval_index`), each under
    /// its end time when `--interval` was given ([`for_each_interval`]).
    pub fn render_per_interval(
        &self,
        rows: &Rows,
        cx: &RenderCx<'_>,
        given: &dyn Fn(&str) -> bool,
        out: &mut dyn Write,
    ) -> Result<()> {
        let mut names = self.sources();
        names.push("interval_index");
        rows.require(&names)?;
        let mut blocks = Blocks::default();
        for_each_interval(
            out,
            &mut blocks,
            &cx.window,
            &cx.span.clock,
            rows,
            |out, blocks, rows| {
                if !cx.window.per_interval {
                    blocks.start(out)?;
                }
                self.print(rows, &cx.span, given, out)
            },
        )?;
        Ok(())
    }

    /// The header line and one line per row.
    fn print(
        &self,
        rows: &[Row<'_>],
        span: &CaptureSpan,
        given: &dyn Fn(&str) -> bool,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let shown: Vec<&Column> = self
            .columns
            .iter()
            .filter(|c| c.when.is_none_or(given))
            .collect();
        let header = join(shown.iter().map(|c| (*c, c.header.to_string())));
        writeln!(out, "{header}")?;
        for r in rows {
            let line = join(shown.iter().map(|c| (*c, cell(c, r, span))));
            writeln!(out, "{line}")?;
        }
        Ok(())
    }
}

/// Cells padded to their columns, separated by one space.
fn join<'c>(cells: impl Iterator<Item = (&'c Column, String)>) -> String {
    let mut line = String::new();
    for (i, (c, text)) in cells.enumerate() {
        if i > 0 {
            line.push(' ');
        }
        let w = c.width;
        line.push_str(&match c.align {
            Align::Left => format!("{text:<w$}"),
            Align::Right => format!("{text:>w$}"),
        });
    }
    line
}

/// One cell's text.
fn cell(c: &Column, r: &Row<'_>, span: &CaptureSpan) -> String {
    match c.format {
        CellFormat::Plain => r.text(c.source),
        CellFormat::Fixed(d) => format!("{:.d$}", r.f64(c.source)),
        CellFormat::Percent(d) => format!("{:.d$}%", r.f64(c.source)),
        CellFormat::Wall(fmt) => wall_time(&span.clock, r.u64(c.source), fmt),
        CellFormat::Elapsed(d) => {
            // The same arithmetic as the queries' `time_s` columns, so both agree.
            let s = (r.i64(c.source) - span.start_ns as i64) as f64 / 1e9;
            format!("{s:.d$}")
        }
        CellFormat::Ellipsis(flag) => {
            let mut text = r.text(c.source);
            if r.bool(flag) {
                text.push_str(" ...");
            }
            text
        }
        CellFormat::Exit { signal, core } => {
            let signal = r.i64(signal) as i32;
            let code = r.i64(c.source);
            if signal != 0 {
                let dumped = if r.bool(core) { ", core dumped" } else { "" };
                format!("signal {signal} ({}){dumped}", signal_description(signal))
            } else if code == 0 {
                "0".to_string()
            } else {
                format!("code {code}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray};
    use retrace_schema::manifest::ClockPair;

    use super::*;
    use crate::session::QueryResult;

    fn rows() -> Rows {
        let cols: Vec<(&str, ArrayRef)> = vec![
            (
                "ts_ns",
                Arc::new(Int64Array::from(vec![2_500_000_000, 3_000_000_000])),
            ),
            ("comm", Arc::new(StringArray::from(vec![Some("sh"), None]))),
            ("code", Arc::new(Int64Array::from(vec![0, 3]))),
            ("sig", Arc::new(Int64Array::from(vec![9, 0]))),
            ("core", Arc::new(BooleanArray::from(vec![true, false]))),
        ];
        let batch = RecordBatch::try_from_iter(cols).unwrap();
        Rows::from_result(&QueryResult {
            schema: batch.schema(),
            batches: vec![batch],
        })
        .unwrap()
    }

    fn col(header: &'static str, source: &'static str, align: Align, width: usize) -> Column {
        Column {
            header,
            source,
            align,
            width,
            format: CellFormat::Plain,
            when: None,
        }
    }

    /// Widths, alignment, conditional columns and formats, to the byte.
    #[test]
    fn event_list_exact_text() {
        let list = EventList {
            columns: vec![
                Column {
                    format: CellFormat::Elapsed(3),
                    when: Some("timestamp"),
                    ..col("TIME(s)", "ts_ns", Align::Left, 8)
                },
                col("COMM", "comm", Align::Left, 6),
                col("CODE", "code", Align::Right, 5),
                Column {
                    format: CellFormat::Exit {
                        signal: "sig",
                        core: "core",
                    },
                    ..col("EXIT", "code", Align::Left, 0)
                },
            ],
        };
        let span = CaptureSpan {
            start_ns: 1_000_000_000,
            end_ns: 4_000_000_000,
            clock: ClockPair {
                monotonic_ns: 1_000_000_000,
                wall_ns: 0,
            },
        };
        let mut out = Vec::new();
        list.render(&rows(), &span, &|_| true, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "TIME(s)  COMM    CODE EXIT\n\
             1.500    sh         0 signal 9 (Killed), core dumped\n\
             2.000    -          3 code 3\n"
        );
        let mut out = Vec::new();
        list.render(&rows(), &span, &|_| false, &mut out).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .starts_with("COMM    CODE EXIT\n"));
        let missing = EventList {
            columns: vec![col("X", "nosuch", Align::Left, 0)],
        };
        let e = missing.render(&rows(), &span, &|_| true, &mut Vec::new());
        assert!(e.unwrap_err().to_string().contains("nosuch"));
    }
}
