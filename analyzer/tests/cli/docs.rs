//! Every column a tool prints with --json is documented in its `--help` (which comes
//! from the header of `queries/<tool>.sql`).

use crate::support::*;

#[test]
fn every_json_column_is_documented() {
    let tools = ok(&["tools"]);
    let names: Vec<&str> = tools
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.len() >= 12, "{names:?}");
    // Each tool runs on the first fixture recorded with its sources.
    let fixtures: Vec<String> = tool_fixtures()
        .iter()
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    let listings: Vec<String> = fixtures.iter().map(|f| ok(&["tools", f])).collect();
    for name in names {
        let fx = fixtures
            .iter()
            .zip(&listings)
            .find(|(_, listing)| {
                listing
                    .lines()
                    .any(|l| l.split_whitespace().take(2).eq([name, "yes"]))
            })
            .map(|(f, _)| f)
            .unwrap_or_else(|| panic!("no fixture can run {name}"));
        let rows = json_rows(&[name, fx]);
        assert!(!rows.is_empty(), "{name} has rows on the fixture");
        let help = ok(&[name, "--help"]);
        let columns = help
            .split("Columns of --json")
            .nth(1)
            .expect("columns in --help");
        for key in rows[0].keys() {
            assert!(
                columns
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|w| w == key),
                "{name}: column {key} is not documented in --help:\n{columns}"
            );
        }
    }
}
