//! Every column a tool prints with --json is documented in its `--help` (which comes
//! from the header of `queries/<tool>.sql`).

use crate::support::*;

#[test]
fn every_json_column_is_documented() {
    let fx = fixture().to_string_lossy().into_owned();
    let tools = ok(&["tools"]);
    let names: Vec<&str> = tools
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.len() >= 12, "{names:?}");
    // The stack tools run on the fixture that has stacks.
    let stacks = fixture().join("../stacks").to_string_lossy().into_owned();
    for name in names {
        let fx = if ["profile", "offcputime"].contains(&name) {
            &stacks
        } else {
            &fx
        };
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
