//! The registry: the one list of `retrace`'s tool subcommands. The tools written in
//! Rust come from [`super::rust_tools`]; every `queries/*.sql` whose header declares a
//! tool ([`super::header`]) joins by itself, since the build lists the folder. Each
//! entry makes its clap subcommand, `--help` (examples, output columns) and
//! [`Invocation`]; `main.rs`, `retrace tools` and the README's tool list are all built
//! from here.

use std::io::Write;
use std::sync::LazyLock;

use clap::{ArgMatches, FromArgMatches};
use futures::future::LocalBoxFuture;

use super::declared::{self, Declared};
use super::header::{self, Decl};
use super::{Example, Tool, ToolDef};
use crate::capture::OpenOptions;
use crate::error::Result;

include!(concat!(env!("OUT_DIR"), "/queries.rs"));

/// What a run needs from `main` besides the tool's options.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunEnv {
    pub options: OpenOptions,
    /// Whether stdout is a terminal (flamegraph refuses to write SVG to one).
    pub stdout_is_terminal: bool,
}

/// A parsed tool command line, ready to run: query tools run through [`super::run`],
/// the stack tools and flamegraph through their own paths.
pub trait Invocation {
    fn run<'a>(
        &'a self,
        env: RunEnv,
        out: &'a mut dyn Write,
        err: &'a mut dyn Write,
    ) -> LocalBoxFuture<'a, Result<()>>;
}

/// A query tool as an [`Invocation`]: the common path of [`super::run`].
struct QueryRun<T>(T);

impl<T: Tool> Invocation for QueryRun<T> {
    fn run<'a>(
        &'a self,
        env: RunEnv,
        out: &'a mut dyn Write,
        err: &'a mut dyn Write,
    ) -> LocalBoxFuture<'a, Result<()>> {
        Box::pin(super::run(&self.0, env.options, out, err))
    }
}

type ParseFn = fn(&ArgMatches) -> std::result::Result<Box<dyn Invocation>, clap::Error>;

/// How an entry's options are defined.
enum Cli {
    /// A Rust `clap::Args` type.
    Rust {
        augment: fn(clap::Command) -> clap::Command,
        parse: ParseFn,
    },
    /// The options of a query header.
    Declared(&'static Decl),
}

/// One tool subcommand.
pub struct Entry {
    pub def: &'static ToolDef,
    /// Listed by `retrace tools` and the README (false for flamegraph, a view of
    /// profile and offcputime with no query of its own).
    pub listed: bool,
    cli: Cli,
}

fn parse_query<A: FromArgMatches + Tool + 'static>(
    m: &ArgMatches,
) -> std::result::Result<Box<dyn Invocation>, clap::Error> {
    Ok(Box::new(QueryRun(A::from_arg_matches(m)?)))
}

fn parse_custom<A: FromArgMatches + Invocation + 'static>(
    m: &ArgMatches,
) -> std::result::Result<Box<dyn Invocation>, clap::Error> {
    Ok(Box::new(A::from_arg_matches(m)?))
}

impl Entry {
    /// A Rust tool that runs its query through [`super::run`].
    pub fn query<A: clap::Args + Tool + 'static>(def: &'static ToolDef) -> Entry {
        Entry {
            def,
            listed: true,
            cli: Cli::Rust {
                augment: A::augment_args,
                parse: parse_query::<A>,
            },
        }
    }

    /// A Rust tool with its own way of running.
    pub fn custom<A: clap::Args + Invocation + 'static>(def: &'static ToolDef) -> Entry {
        Entry {
            def,
            listed: true,
            cli: Cli::Rust {
                augment: A::augment_args,
                parse: parse_custom::<A>,
            },
        }
    }

    /// A custom subcommand that `retrace tools` does not list.
    pub fn unlisted<A: clap::Args + Invocation + 'static>(def: &'static ToolDef) -> Entry {
        Entry {
            listed: false,
            ..Entry::custom::<A>(def)
        }
    }

    /// The declaration of a tool declared in its query's header.
    pub fn declaration(&self) -> Option<&'static Decl> {
        match self.cli {
            Cli::Declared(d) => Some(d),
            Cli::Rust { .. } => None,
        }
    }

    pub fn examples(&self) -> &'static [Example] {
        self.def.examples
    }

    /// Add the tool's options to `cmd`.
    pub fn augment(&self, cmd: clap::Command) -> clap::Command {
        match self.cli {
            Cli::Rust { augment, .. } => augment(cmd),
            Cli::Declared(d) => declared::augment(d, cmd),
        }
    }

    /// The subcommand: options, the description, and after them the examples and the
    /// output columns.
    pub fn command(&self) -> clap::Command {
        self.augment(clap::Command::new(self.def.name))
            .about(self.def.about)
            .long_about(None)
            .after_help(self.after_help())
    }

    /// The part of `--help` after the options: what the tool reads and how it differs
    /// from the live tool, the examples, the output columns.
    pub fn after_help(&self) -> String {
        let mut help = String::new();
        let about = self.def.description();
        if !about.is_empty() {
            help.push_str(&format!("{}\n\n", wrap(&about, 98, "  ")));
        }
        // Each command on its line and what it shows indented below it: side by side
        // they would not fit clap's 100 columns.
        if !self.examples().is_empty() {
            help.push_str("Examples:\n");
            for e in self.examples() {
                let cmd = format!("retrace {} CAPTURE {}", self.def.name, e.args);
                help.push_str(&format!("  {}\n      {}\n", cmd.trim_end(), e.about));
            }
        }
        let columns = self.def.columns_doc();
        if !columns.is_empty() {
            if !help.is_empty() {
                help.push('\n');
            }
            help.push_str(&format!(
                "Columns of --json / --csv output (see `--show-sql`; tables: {}):\n{columns}",
                self.def.tables.join(", ")
            ));
        }
        help.trim_end().to_string()
    }

    /// Build the tool from its subcommand's matches.
    pub fn parse(&self, m: &ArgMatches) -> std::result::Result<Box<dyn Invocation>, clap::Error> {
        match self.cli {
            Cli::Rust { parse, .. } => parse(m),
            Cli::Declared(d) => Ok(Box::new(QueryRun(Declared::from_matches(d, self.def, m)?))),
        }
    }
}

/// Every tool subcommand, and what kept any from registering.
pub struct Registry {
    entries: Vec<Entry>,
    problems: Vec<String>,
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::build);

/// The registry, built on first use.
pub fn registry() -> &'static Registry {
    &REGISTRY
}

impl Registry {
    /// Every entry, listed or not, in `retrace tools` order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// The entries `retrace tools` lists.
    pub fn listed(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.listed)
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.def.name == name)
    }

    /// Query headers that could not be read as tools, one line each (`retrace` refuses
    /// to start with any; the tests keep this empty).
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    fn build() -> Registry {
        let mut entries = super::rust_tools();
        let mut problems = Vec::new();
        let mut declared = Vec::new();
        for &(name, sql) in QUERIES {
            match header::parse(name, sql) {
                Ok(None) => {}
                Ok(Some(_)) if entries.iter().any(|e| e.def.name == name) => {
                    problems.push(format!(
                        "queries/{name}.sql declares a tool that is also written in Rust ({name})"
                    ))
                }
                Ok(Some(decl)) => match declared::check(&decl) {
                    Ok(()) => declared.push(decl),
                    Err(e) => problems.push(format!("queries/{name}.sql: {e}")),
                },
                Err(e) => problems.push(e.to_string()),
            }
        }
        // Each declared tool goes after the tool its header names, which may itself be
        // declared: place them in rounds until no more can be placed.
        while !declared.is_empty() {
            let before = declared.len();
            let mut i = 0;
            while i < declared.len() {
                let at = match declared[i].after {
                    None => Some(entries.len()),
                    Some(after) => entries
                        .iter()
                        .position(|e| e.def.name == after)
                        .map(|p| p + 1),
                };
                match at {
                    Some(at) => entries.insert(at, declared_entry(declared.remove(i))),
                    None => i += 1,
                }
            }
            if declared.len() == before {
                for d in declared.drain(..) {
                    problems.push(format!(
                        "queries/{}.sql: @after {}: no such tool",
                        d.name,
                        d.after.unwrap_or("")
                    ));
                }
            }
        }
        Registry { entries, problems }
    }
}

/// A declared tool's entry. Its definition is made once per process and must be
/// `'static` like the Rust tools' statics, so it is leaked.
fn declared_entry(decl: Decl) -> Entry {
    let decl: &'static Decl = Box::leak(Box::new(decl));
    let def: &'static ToolDef = Box::leak(Box::new(ToolDef {
        name: decl.name,
        about: decl.about,
        sql: QUERIES
            .iter()
            .find(|(n, _)| *n == decl.name)
            .map_or("", |(_, sql)| sql),
        tables: Box::leak(decl.tables.clone().into_boxed_slice()),
        native: None,
        examples: Box::leak(decl.examples.clone().into_boxed_slice()),
        notes: Box::leak(decl.notes.clone().into_boxed_slice()),
        probes: Box::leak(decl.probes.clone().into_boxed_slice()),
    }));
    Entry {
        def,
        listed: true,
        cli: Cli::Declared(decl),
    }
}

/// `text` wrapped at `width` columns, each line indented.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.len() + 1 + word.len() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_header_reads() {
        assert_eq!(registry().problems(), &[] as &[String]);
    }

    /// Every `queries/*.sql` is the query of a registered tool, and every tool with a
    /// query has its file: a tool cannot be half-registered.
    #[test]
    fn queries_and_tools_match() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../queries");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let listed: Vec<&str> = QUERIES.iter().map(|(n, _)| *n).collect();
        assert_eq!(files, listed, "the build's list of queries/ is stale");
        for (name, sql) in QUERIES {
            let entry = registry()
                .get(name)
                .unwrap_or_else(|| panic!("queries/{name}.sql belongs to no tool: add `@about` to its header, or register its Rust module in tools/mod.rs"));
            assert_eq!(entry.def.sql, *sql, "{name}: the tool embeds another query");
        }
        for e in registry().entries() {
            if e.def.sql.is_empty() {
                assert!(
                    !e.listed,
                    "{}: a listed tool needs queries/{0}.sql",
                    e.def.name
                );
            }
            assert!(!e.examples().is_empty(), "{}: no examples", e.def.name);
            assert!(!e.def.tables.is_empty(), "{}: no tables", e.def.name);
        }
    }

    /// Every subcommand builds (clap checks duplicate flags and the like in debug
    /// builds) and every example parses.
    #[test]
    fn commands_build_and_examples_parse() {
        for e in registry().entries() {
            let cmd = e.command();
            cmd.clone().debug_assert();
            for ex in e.examples() {
                let argv = [e.def.name, "CAPTURE"]
                    .into_iter()
                    .chain(ex.args.split_whitespace());
                let m = cmd
                    .clone()
                    .try_get_matches_from(argv)
                    .unwrap_or_else(|err| panic!("{}: example {:?}: {err}", e.def.name, ex.args));
                e.parse(&m)
                    .unwrap_or_else(|err| panic!("{}: example {:?}: {err}", e.def.name, ex.args));
            }
        }
    }
}
