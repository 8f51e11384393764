//! The README's tool list, generated from the registry: one table row per listed tool
//! with its description and its own options (those every tool takes are described
//! once, below the table). The CLI tests check README.md against it and rewrite it
//! with `RETRACE_BLESS=1`.

use super::registry;

/// The line before the generated block in README.md.
pub const BEGIN: &str =
    "<!-- tools:begin (generated from the tool registry; RETRACE_BLESS=1 cargo test -p retrace --test cli readme rewrites it) -->";
/// The line after it.
pub const END: &str = "<!-- tools:end -->";

/// Options of every tool, left out of the per-tool option lists.
const COMMON: &[&str] = &[
    "capture", "since", "until", "json", "csv", "show_sql", "interval", "help", "version",
];

/// The generated block, without the marker lines.
pub fn tool_list() -> String {
    let mut md = String::from("| tool | what it shows | its options |\n|---|---|---|\n");
    for entry in registry().listed() {
        let cmd = entry.command();
        let mut options = Vec::new();
        for arg in cmd.get_arguments() {
            if COMMON.contains(&arg.get_id().as_str()) || arg.is_hide_set() {
                continue;
            }
            let value = arg
                .get_value_names()
                .and_then(|v| v.first())
                .filter(|_| arg.get_action().takes_values());
            let flag = match (arg.get_short(), arg.get_long()) {
                (Some(s), _) => format!("-{s}"),
                (None, Some(l)) => format!("--{l}"),
                (None, None) => {
                    options.push(format!("`[{}]`", value.map_or("ARG", |v| v.as_str())));
                    continue;
                }
            };
            options.push(match value {
                Some(v) => format!("`{flag} {v}`"),
                None => format!("`{flag}`"),
            });
        }
        let interval = cmd.get_arguments().any(|a| a.get_id() == "interval");
        if interval {
            options.push("`--interval`".to_string());
        }
        md.push_str(&format!(
            "| `{}` | {} | {} |\n",
            entry.def.name,
            entry.def.about.replace('|', "\\|"),
            options.join(" ")
        ));
    }
    md.push_str(
        "\nEvery tool also takes `--since`/`--until`, `--json`/`--csv` and `--show-sql`; \
         `retrace <tool> --help` shows its options, examples and output columns.\n",
    );
    md
}

/// README text with its generated block replaced by [`tool_list`]; None when the
/// markers are missing.
pub fn update(readme: &str) -> Option<String> {
    let start = readme.find(BEGIN)? + BEGIN.len();
    let end = start + readme[start..].find(END)?;
    Some(format!(
        "{}\n{}{}",
        &readme[..start],
        tool_list(),
        &readme[end..]
    ))
}
