//! The tool registry from the outside: every tool's examples run over a committed
//! fixture, `retrace tools` and the subcommands agree with the registry, and the
//! README's tool list is the one the registry generates.

use std::path::{Path, PathBuf};

use retrace::tools::{readme, registry};
use retrace::{Capture, OpenOptions};

use crate::support::*;

/// Every example of every tool, over the first fixture recorded with the tool's
/// sources: exit status 0 and something on stdout.
#[test]
fn registry_examples_run_on_a_fixture() {
    let captures: Vec<(PathBuf, Capture)> = tool_fixtures()
        .into_iter()
        .map(|f| {
            let c = Capture::open_with(&f, OpenOptions::default()).unwrap();
            (f, c)
        })
        .collect();
    let mut ran = 0;
    for entry in registry().entries() {
        let def = entry.def;
        let (fixture, _) = captures
            .iter()
            .find(|(_, c)| def.missing_source(c).is_none())
            .unwrap_or_else(|| panic!("no fixture has the sources of {}", def.name));
        for ex in entry.examples() {
            let mut args = vec![def.name.to_string(), fixture.to_string_lossy().into_owned()];
            args.extend(ex.args.split_whitespace().map(str::to_string));
            let out = ok(&args);
            assert!(!out.trim().is_empty(), "retrace {args:?} printed nothing");
            ran += 1;
        }
    }
    assert!(ran >= 40, "only {ran} examples");
}

/// `retrace tools` lists exactly the registry's listed tools, and each has a
/// subcommand whose `--help` shows its examples and output columns.
#[test]
fn registry_tools_have_subcommands_and_help() {
    let listing = ok(&["tools"]);
    let listed: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let want: Vec<&str> = registry().listed().map(|e| e.def.name).collect();
    assert_eq!(listed, want);
    for entry in registry().entries() {
        let help = ok(&[entry.def.name, "--help"]);
        assert!(help.contains(entry.def.about), "{}: {help}", entry.def.name);
        assert!(help.contains("Examples:"), "{}: {help}", entry.def.name);
        for ex in entry.examples() {
            assert!(help.contains(ex.about), "{}: {help}", entry.def.name);
        }
        if entry.listed {
            assert!(
                help.contains("Columns of --json / --csv output"),
                "{}: {help}",
                entry.def.name
            );
        }
    }
}

/// The tool list in README.md is generated from the registry;
/// `RETRACE_BLESS=1 cargo test -p retrace --test cli readme` rewrites it.
#[test]
fn registry_readme_tool_list_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let current = readme::update(&text).expect("README.md has the tools:begin/end markers");
    if std::env::var_os("RETRACE_BLESS").is_some() {
        std::fs::write(&path, &current).unwrap();
    } else {
        assert!(
            text == current,
            "README.md's tool list is stale: RETRACE_BLESS=1 cargo test -p retrace --test cli readme"
        );
    }
}

/// A declared tool (execsnoop's header) takes its options like a Rust one: filters bind
/// their parameters, defaults apply, bad values are usage errors.
#[test]
fn registry_declared_options_bind_and_validate() {
    let fx = fixture().to_string_lossy().into_owned();
    let sql = ok(&["execsnoop", &fx, "--show-sql", "-u", "0", "-n", "cc"]);
    assert!(
        sql.contains("--param 'uid=0'") && sql.contains("--param 'name=cc'"),
        "{sql}"
    );
    let sql = ok(&["execsnoop", &fx, "--show-sql"]);
    assert!(
        sql.contains("--param 'uid=-1'") && sql.contains("--param 'name='"),
        "{sql}"
    );
    let (code, err) = fails(&["execsnoop", &fx, "-u", "root"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("retrace: invalid value 'root' for '--uid <UID>'"),
        "{err}"
    );
}
