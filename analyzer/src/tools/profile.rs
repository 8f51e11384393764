//! `retrace profile`: CPU samples per stack (bcc profile): each process's kernel and
//! user stacks with how many times they were sampled, hottest last, or folded for
//! flame graphs. The frames are named by [`crate::stacks`].

use super::{CommonArgs, ToolDef};
use crate::capture::OpenOptions;
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

impl Args {
    pub async fn run(
        &self,
        options: OpenOptions,
        out: &mut dyn std::io::Write,
        err: &mut dyn std::io::Write,
    ) -> Result<()> {
        let q = query(&self.stacks, self.include_idle);
        stacks::run_tool(&q, &self.common, &self.fold, options, out, err).await
    }
}
