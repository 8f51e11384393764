//! `retrace flamegraph`: profile's or offcputime's folded stacks drawn as an SVG flame
//! graph. A view of those two tools with no query of its own, so `retrace tools` does
//! not list it; the drawing is in [`crate::stacks::flamegraph`].

use futures::future::LocalBoxFuture;

use super::{Example, Invocation, RunEnv, ToolDef};
use crate::error::Result;
pub use crate::stacks::flamegraph::FlamegraphArgs as Args;

pub static DEF: ToolDef = ToolDef {
    name: "flamegraph",
    about: "An SVG flame graph of CPU samples (profile) or time blocked off CPU (offcputime)",
    sql: "",
    // Every table it may draw from: profile's by default, offcputime's with `--tool
    // offcputime` (the examples use both). Unlisted, so no listing claims both are
    // needed; each run checks the sources of the tool it draws.
    tables: &[
        "profile",
        "offcpu",
        "stacks",
        "kernel_symbols",
        "user_symbols",
        "user_mappings",
    ],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "CPU samples as an SVG flame graph, to stdout when it is not a terminal (or -o FILE)",
        },
        Example {
            args: "--tool offcputime --title Blocked",
            about: "Time blocked off CPU as a flame graph",
        },
    ],
};

impl Invocation for Args {
    fn run<'a>(
        &'a self,
        env: RunEnv,
        out: &'a mut dyn std::io::Write,
        err: &'a mut dyn std::io::Write,
    ) -> LocalBoxFuture<'a, Result<()>> {
        Box::pin(crate::stacks::flamegraph::run(
            self,
            env.options,
            env.stdout_is_terminal,
            out,
            err,
        ))
    }
}
