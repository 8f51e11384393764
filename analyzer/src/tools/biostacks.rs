//! `retrace biostacks`: block I/O latency per kernel stack that started the
//! request (libbpf-tools biostacks): for each submitter, stack and disk, its
//! frames, the disk and a log2 latency histogram, the stacks with the most
//! requests last; or folded stacks weighted by their summed latency, for a flame
//! graph of where I/O time comes from.

use std::collections::BTreeMap;
use std::io::Write;

use futures::future::LocalBoxFuture;

use super::{CommonArgs, Example, Invocation, RunEnv, ToolDef};
use crate::error::Result;
use crate::output::{self, Format};
use crate::render::hist::{print_log2_hist, slots_from_pairs};
use crate::render::Rows;
use crate::session::Params;
use crate::stacks::{self, render, StackArgs, StackQuery, StackRow};

pub static DEF: ToolDef = ToolDef {
    name: "biostacks",
    about: "Block I/O latency histograms per kernel stack that started the request",
    sql: include_str!("../../../queries/biostacks.sql"),
    tables: &["block_io_stack", "stacks", "kernel_symbols"],
    native: None,
    notes: &[],
    probes: &[],
    examples: &[
        Example {
            args: "",
            about: "Each submitter, stack and disk with its latency histogram",
        },
        Example {
            args: "-d vda -m",
            about: "One disk's, in milliseconds",
        },
        Example {
            args: "-f",
            about: "Folded stacks weighted by their latency (us), for a flame graph",
        },
    ],
};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Only requests of this disk (vda, sda, nvme0n1).
    #[arg(short = 'd', long, value_name = "DISK")]
    pub disk: Option<String>,
    /// Histograms in milliseconds.
    #[arg(short = 'm', long)]
    pub milliseconds: bool,
    /// Only requests these processes submitted (repeat, or a comma-separated list).
    #[arg(short = 'p', long = "pid", value_name = "PID", value_delimiter = ',')]
    pub pids: Vec<u32>,
    /// Folded output, one stack per line (`comm;frames total_us`, root first).
    #[arg(short = 'f', long, conflicts_with_all = ["json", "csv"])]
    pub folded: bool,
}

/// One submitter, stack and disk: its frames and its histogram.
struct Group {
    stack: StackRow,
    disk: String,
    slots: Vec<(u64, u64)>,
}

impl Args {
    fn query(&self) -> StackQuery {
        let mut extra = Params::new();
        extra
            .set("disk", self.disk.clone().unwrap_or_default())
            .set("milliseconds", self.milliseconds);
        StackQuery {
            def: &DEF,
            stacks: StackArgs {
                pids: self.pids.clone(),
                kernel_only: true,
                ..StackArgs::default()
            },
            extra,
            value_col: "total_us",
            events_col: Some("requests"),
            unit: "us",
        }
    }

    async fn run_async(
        &self,
        env: RunEnv,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let q = self.query();
        let c = &self.common;
        let mut prepared = stacks::prepare(
            &q,
            &c.capture,
            c.since.as_deref(),
            c.until.as_deref(),
            env.options,
            err,
        )
        .await?;
        if c.show_sql {
            return crate::tools::show_sql(&DEF, &prepared.params, out);
        }
        let result = prepared.session.query(DEF.sql, &prepared.params).await?;
        for w in prepared.session.take_late_warnings() {
            writeln!(err, "retrace: {w}")?;
        }
        let named = stacks::collect::named_stacks(
            &mut prepared.session,
            &result,
            q.value_col,
            "requests",
            false,
        )
        .await?;
        // named_stacks keeps the result's row order: zip the disk and slot back.
        let rows = Rows::from_result(&result)?;
        let mut groups: BTreeMap<(u32, String, String, u32), Group> = BTreeMap::new();
        for (stack, r) in named.into_iter().zip(rows.iter()) {
            let disk = r.str("disk");
            let key = (stack.pid, stack.comm.clone(), disk.clone(), stack.kstack_id);
            let (bucket, n, us) = (r.u64("bucket"), stack.events, stack.value);
            let g = groups.entry(key).or_insert_with(|| Group {
                stack: StackRow { value: 0, events: 0, ..stack.clone() },
                disk,
                slots: Vec::new(),
            });
            g.stack.value += us;
            g.stack.events += n;
            g.slots.push((bucket, n));
        }
        let mut groups: Vec<Group> = groups.into_values().collect();
        // The most requests last, as bcc and libbpf-tools print their maps.
        groups.sort_by_key(|g| g.stack.events);
        let warnings = stacks::warnings(&q, prepared.session.capture());
        if groups.is_empty() {
            writeln!(err, "retrace: biostacks: no matching events in the selected time window")?;
        }
        let unit = if self.milliseconds { "msecs" } else { "usecs" };
        match c.format.format() {
            Format::Text if self.folded => {
                let stacks: Vec<StackRow> = groups.iter().map(|g| g.stack.clone()).collect();
                render::write_folded(&stacks, false, out)?;
                for w in &warnings {
                    writeln!(err, "retrace: {w}")?;
                }
            }
            Format::Text => {
                for g in &groups {
                    writeln!(out, "{} [{}]", g.stack.comm, g.stack.pid)?;
                    for f in &g.stack.kernel {
                        writeln!(out, "    {f}")?;
                    }
                    if g.stack.kernel.is_empty() {
                        // The warnings below count these.
                        writeln!(out, "    [no stack]")?;
                    }
                    writeln!(out, "    {}", g.disk)?;
                    print_log2_hist(out, &slots_from_pairs(g.slots.iter().copied()), unit)?;
                    writeln!(out)?;
                }
                for w in &warnings {
                    writeln!(out, "{w}")?;
                }
            }
            format => {
                let stacks: Vec<StackRow> = groups.iter().map(|g| g.stack.clone()).collect();
                let result = render::to_result(&stacks, Some("requests"), "total_us")?;
                let result = with_disk(result, groups.iter().map(|g| g.disk.as_str()))?;
                output::write_rows(&result, format, out)?;
                for w in &warnings {
                    writeln!(err, "retrace: {w}")?;
                }
            }
        }
        out.flush()?;
        Ok(())
    }
}

/// The JSON/CSV rows with a `disk` column after `comm`.
fn with_disk<'a>(
    result: crate::session::QueryResult,
    disks: impl Iterator<Item = &'a str>,
) -> Result<crate::session::QueryResult> {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, RecordBatch, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    let disks: ArrayRef = Arc::new(StringArray::from_iter_values(disks));
    let mut fields: Vec<Field> = result.schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.insert(2, Field::new("disk", DataType::Utf8, false));
    let schema = Arc::new(Schema::new(fields));
    let batch = arrow::compute::concat_batches(&result.schema, &result.batches)?;
    let mut columns = batch.columns().to_vec();
    columns.insert(2, disks);
    let batch = RecordBatch::try_new(schema.clone(), columns)?;
    Ok(crate::session::QueryResult {
        schema,
        batches: vec![batch],
    })
}

impl Invocation for Args {
    fn run<'a>(
        &'a self,
        env: RunEnv,
        out: &'a mut dyn Write,
        err: &'a mut dyn Write,
    ) -> LocalBoxFuture<'a, Result<()>> {
        Box::pin(self.run_async(env, out, err))
    }
}
