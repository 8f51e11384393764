//! `retrace profile`: CPU samples per stack (bcc profile): each process's kernel and
//! user stacks with how many times they were sampled, hottest last, or folded for
//! flame graphs. The frames are named by [`crate::stacks`].

use futures::future::LocalBoxFuture;

use super::{CommonArgs, Example, Invocation, RunEnv, ToolDef};
use crate::error::Result;
use crate::session::Params;
use crate::stacks::{self, FoldArgs, StackArgs, StackQuery};

pub static DEF: ToolDef = ToolDef {
    name: "profile",
    about: "CPU samples per kernel + user stack, hottest last, or folded for flame graphs",
    sql: include_str!("../../../queries/profile.sql"),
    tables: &[
        "profile",
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
            about: "CPU samples per stack, hottest last",
        },
        Example {
            args: "-f",
            about: "Folded stacks for flamegraph.pl or inferno",
        },
        Example {
            args: "-K",
            about: "Kernel stacks only",
        },
    ],
};

/// CPU profile: sampled stacks and their counts.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub stacks: StackArgs,
    #[command(flatten)]
    pub fold: FoldArgs,
    /// Include idle samples (pid 0, the swapper threads); left out by default, as in bcc.
    #[arg(short = 'I', long = "include-idle")]
    pub include_idle: bool,
}

/// The stack query of profile with these options.
pub fn query(stacks: &StackArgs, include_idle: bool) -> StackQuery {
    let mut extra = Params::new();
    extra.set("include_idle", u64::from(include_idle));
    StackQuery {
        def: &DEF,
        stacks: stacks.clone(),
        extra,
        value_col: "samples",
        events_col: None,
        unit: "samples",
    }
}

impl Invocation for Args {
    fn run<'a>(
        &'a self,
        env: RunEnv,
        out: &'a mut dyn std::io::Write,
        err: &'a mut dyn std::io::Write,
    ) -> LocalBoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let q = query(&self.stacks, self.include_idle);
            stacks::run_tool(&q, &self.common, &self.fold, env.options, out, err).await
        })
    }
}
