//! The log2-histogram layout, declared instead of written: one libbpf-tools log2
//! histogram per interval and section, as [`super::sections`] prints them, with the
//! unit and the section header lines chosen by flags (for tools declared in their
//! query's header, see [`crate::tools::header`]). The query returns `interval_index`,
//! `bucket`, `count` and the columns the section headers name.

use std::io::Write;

use super::rows::{Row, Rows};
use super::sections::{for_each_interval, print_hist_sections, Blocks};
use crate::error::Result;
use crate::window::{CaptureSpan, Window};

/// A log2-histogram layout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Log2Layout {
    /// The unit under the histogram (`usecs`), and others chosen by flags: the first
    /// whose flag was given wins.
    pub unit: &'static str,
    pub unit_if: Vec<(&'static str, &'static str)>,
    /// Header lines of each section, joined by a tab when several are shown; no
    /// section shown: one histogram.
    pub sections: Vec<SectionLabel>,
}

/// One part of a section's header line: text with `{column}` placeholders, shown
/// always or only when a flag was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionLabel {
    pub pieces: Vec<Piece>,
    pub when: Option<&'static str>,
}

/// Literal text, or a column's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    Text(&'static str),
    Column(&'static str),
}

impl SectionLabel {
    /// Read `text {column} text` into pieces; an unclosed `{` is an error.
    pub fn parse(
        template: &'static str,
        when: Option<&'static str>,
    ) -> std::result::Result<SectionLabel, String> {
        let mut pieces = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(&rest[..open]));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("unclosed {{ in {template:?}"))?;
            let name = &rest[open + 1..open + close];
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(format!("{{{name}}} in {template:?} is not a column name"));
            }
            pieces.push(Piece::Column(name));
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest));
        }
        Ok(SectionLabel { pieces, when })
    }

    fn text(&self, r: &Row<'_>) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.to_string(),
                Piece::Column(c) => r.text(c),
            })
            .collect()
    }
}

impl Log2Layout {
    /// Every query column the layout reads.
    pub fn sources(&self) -> Vec<&'static str> {
        let mut names = vec!["interval_index", "bucket", "count"];
        for s in &self.sections {
            for p in &s.pieces {
                if let Piece::Column(c) = p {
                    names.push(c);
                }
            }
        }
        names
    }

    /// Print the histograms; `given` says whether a flag (by its long name) was given.
    pub fn render(
        &self,
        rows: &Rows,
        span: &CaptureSpan,
        window: &Window,
        given: &dyn Fn(&str) -> bool,
        out: &mut dyn Write,
    ) -> Result<()> {
        rows.require(&self.sources())?;
        let unit = self
            .unit_if
            .iter()
            .find(|(flag, _)| given(flag))
            .map_or(self.unit, |(_, unit)| unit);
        let shown: Vec<&SectionLabel> = self
            .sections
            .iter()
            .filter(|s| s.when.is_none_or(given))
            .collect();
        let label = |r: &Row<'_>| -> Option<String> {
            (!shown.is_empty()).then(|| {
                shown
                    .iter()
                    .map(|s| s.text(r))
                    .collect::<Vec<_>>()
                    .join("\t")
            })
        };
        let mut blocks = Blocks::default();
        for_each_interval(
            out,
            &mut blocks,
            window,
            &span.clock,
            rows,
            |out, blocks, rows| print_hist_sections(out, blocks, rows, unit, &label),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    use retrace_schema::manifest::ClockPair;

    use super::*;
    use crate::session::QueryResult;

    /// Sections shown by a flag, the unit chosen by another; the same text as
    /// print_hist_sections writes for a hand-written renderer.
    #[test]
    fn log2_layout_sections_and_units() {
        let cols: Vec<(&str, ArrayRef)> = vec![
            ("interval_index", Arc::new(Int64Array::from(vec![0, 0, 0]))),
            (
                "disk",
                Arc::new(StringArray::from(vec!["vda", "vda", "vdb"])),
            ),
            ("bucket", Arc::new(Int64Array::from(vec![1, 3, 2]))),
            ("count", Arc::new(Int64Array::from(vec![4, 1, 2]))),
        ];
        let batch = RecordBatch::try_from_iter(cols).unwrap();
        let rows = Rows::from_result(&QueryResult {
            schema: batch.schema(),
            batches: vec![batch],
        })
        .unwrap();
        let layout = Log2Layout {
            unit: "usecs",
            unit_if: vec![("milliseconds", "msecs")],
            sections: vec![SectionLabel::parse("disk = {disk}", Some("per-disk")).unwrap()],
        };
        let span = CaptureSpan {
            start_ns: 0,
            end_ns: 10,
            clock: ClockPair {
                monotonic_ns: 0,
                wall_ns: 0,
            },
        };
        let window = Window {
            start_ns: 0,
            end_ns: 10,
            interval_ns: 10,
            per_interval: false,
        };
        let render = |given: &dyn Fn(&str) -> bool| {
            let mut out = Vec::new();
            layout
                .render(&rows, &span, &window, given, &mut out)
                .unwrap();
            String::from_utf8(out).unwrap()
        };
        let per_disk = render(&|f| f == "per-disk");
        assert!(per_disk.starts_with("disk = vda\n"), "{per_disk}");
        assert!(per_disk.contains("\n\ndisk = vdb\n"), "{per_disk}");
        assert!(per_disk.contains("usecs"), "{per_disk}");
        let one = render(&|f| f == "milliseconds");
        assert!(!one.contains("disk ="), "{one}");
        assert!(one.contains("msecs"), "{one}");
    }
}
