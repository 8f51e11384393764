//! `retrace offcputime`: time blocked off CPU per stack (bcc offcputime): each
//! process's kernel and user stacks with the microseconds it spent blocked in them,
//! largest last, or folded for flame graphs. The frames are named by
//! [`crate::stacks`].

use futures::future::LocalBoxFuture;

use super::{CommonArgs, Example, Invocation, RunEnv, ToolDef};
use crate::error::{Error, Result};
use crate::session::Params;
use crate::stacks::{self, FoldArgs, StackArgs, StackQuery};

pub static DEF: ToolDef = ToolDef {
    name: "offcputime",
    about: "Time blocked off CPU per kernel + user stack, in microseconds",
    sql: include_str!("../../../queries/offcputime.sql"),
    tables: &[
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
            about: "Microseconds blocked per stack, largest last",
        },
        Example {
            args: "-f -d",
            about: "Folded stacks, a `-` frame between user and kernel frames",
        },
    ],
};

/// bcc offcputime's default minimum block time.
pub const DEFAULT_MIN_US: u64 = 1;

/// Off-CPU time: blocked stacks and their total time.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub stacks: StackArgs,
    #[command(flatten)]
    pub fold: FoldArgs,
    /// Only blocks of at least this many microseconds (default 1, as in bcc).
    #[arg(short = 'm', long = "min-block-time", value_name = "MIN_US")]
    pub min_us: Option<u64>,
    /// Only blocks of at most this many microseconds.
    #[arg(short = 'M', long = "max-block-time", value_name = "MAX_US")]
    pub max_us: Option<u64>,
}

/// The stack query of offcputime with these options.
pub fn query(stacks: &StackArgs, min_us: Option<u64>, max_us: Option<u64>) -> Result<StackQuery> {
    let min = min_us.unwrap_or(DEFAULT_MIN_US);
    let max = max_us.unwrap_or(u64::MAX);
    if min > max {
        return Err(Error::Usage(format!(
            "-m {min} is above -M {max}: no block can match"
        )));
    }
    let mut extra = Params::new();
    extra.set("min_us", min).set("max_us", max);
    Ok(StackQuery {
        def: &DEF,
        stacks: stacks.clone(),
        extra,
        value_col: "total_us",
        events_col: Some("blocks"),
        unit: "us",
    })
}

impl Invocation for Args {
    fn run<'a>(
        &'a self,
        env: RunEnv,
        out: &'a mut dyn std::io::Write,
        err: &'a mut dyn std::io::Write,
    ) -> LocalBoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let q = query(&self.stacks, self.min_us, self.max_us)?;
            stacks::run_tool(&q, &self.common, &self.fold, env.options, out, err).await
        })
    }
}
