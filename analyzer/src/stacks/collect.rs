//! From a stack tool's query result (one row per process, command and stack-id pair,
//! with its value) to named stacks: the stacks and symbols those rows need are loaded
//! once, and each unique (pid, stack id) is named once.

use std::collections::{HashMap, HashSet};

use super::symbols::{load_stacks, Symbols};
use crate::error::Result;
use crate::render::Rows;
use crate::session::{QueryResult, Session};

/// One aggregated stack of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackRow {
    pub pid: u32,
    pub comm: String,
    pub kstack_id: u32,
    pub ustack_id: u32,
    /// Samples (profile) or microseconds blocked (offcputime).
    pub value: u64,
    /// Events behind the value (samples, or off-CPU blocks).
    pub events: u64,
    /// Kernel frames, leaf first.
    pub kernel: Vec<String>,
    /// User frames, leaf first.
    pub user: Vec<String>,
}

/// Name the stacks of a query result with columns `pid`, `comm`, `kstack_id`,
/// `ustack_id`, and the value and event-count columns given.
pub async fn named_stacks(
    session: &mut Session,
    result: &QueryResult,
    value_col: &str,
    events_col: &str,
    offsets: bool,
) -> Result<Vec<StackRow>> {
    let rows = Rows::from_result(result)?;
    rows.require(&[
        "pid",
        "comm",
        "kstack_id",
        "ustack_id",
        value_col,
        events_col,
    ])?;
    let mut out: Vec<StackRow> = rows
        .iter()
        .map(|r| StackRow {
            pid: r.u64("pid") as u32,
            comm: super::symbols::clean(&r.str("comm")),
            kstack_id: r.u64("kstack_id") as u32,
            ustack_id: r.u64("ustack_id") as u32,
            value: r.u64(value_col),
            events: r.u64(events_col),
            kernel: Vec::new(),
            user: Vec::new(),
        })
        .collect();

    let wanted: HashSet<(bool, u32)> = out
        .iter()
        .flat_map(|r| [(false, r.kstack_id), (true, r.ustack_id)])
        .filter(|(_, id)| *id != 0)
        .collect();
    let frames = load_stacks(session, &wanted).await?;
    let user_addrs: HashSet<(u32, u64)> = out
        .iter()
        .filter(|r| r.ustack_id != 0)
        .flat_map(|r| {
            frames
                .get(&(true, r.ustack_id))
                .into_iter()
                .flatten()
                .map(move |a| (r.pid, *a))
        })
        .collect();
    let kernel_wanted = out.iter().any(|r| r.kstack_id != 0);
    let mut symbols = Symbols::load(session, kernel_wanted, &user_addrs).await?;
    symbols.offsets = offsets;

    // Kernel stacks name the same in every process; user stacks per process.
    let mut kernel_names: HashMap<u32, Vec<String>> = HashMap::new();
    let mut user_names: HashMap<(u32, u32), Vec<String>> = HashMap::new();
    for r in &mut out {
        if r.kstack_id != 0 {
            r.kernel = kernel_names
                .entry(r.kstack_id)
                .or_insert_with(|| {
                    frames
                        .get(&(false, r.kstack_id))
                        .map(|f| f.iter().map(|a| symbols.kernel(*a)).collect())
                        .unwrap_or_else(|| vec![missing(r.kstack_id)])
                })
                .clone();
        }
        if r.ustack_id != 0 {
            let pid = r.pid;
            r.user = user_names
                .entry((pid, r.ustack_id))
                .or_insert_with(|| {
                    frames
                        .get(&(true, r.ustack_id))
                        .map(|f| f.iter().map(|a| symbols.user(pid, *a)).collect())
                        .unwrap_or_else(|| vec![missing(r.ustack_id)])
                })
                .clone();
        }
    }
    Ok(out)
}

/// The one frame shown for a stack id that the `stacks` table lacks (a capture cut
/// short before the stack was written).
fn missing(id: u32) -> String {
    format!("[stack {id} missing]")
}
