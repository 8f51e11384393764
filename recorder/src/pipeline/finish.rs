//! The end of a recording: detach, take what the rings and the kernel's per-CPU
//! batches still hold, symbolize the stacks seen, and say in the manifest how
//! the recording went.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use retrace_schema::catalog::stacks;
use retrace_schema::manifest::{ChildCommand, Manifest, ShedSource, StacksInfo};

use super::open::Opened;
use crate::child::Launched;
use crate::cpu_guard;
use crate::decode::Rows;
use crate::host;
use crate::sources::Running;
use crate::writer_thread::Msg;

/// Detach every program, then take what the rings still hold and what the
/// programs held back in their per-CPU batches, so nothing recorded is left.
pub(super) fn drain_after_detach(
    running: &mut [Running],
    rb: &libbpf_rs::RingBuffer<'_>,
    rows: &RefCell<Rows>,
) -> anyhow::Result<()> {
    for r in running.iter_mut() {
        r.object.detach();
    }
    // A program that was running when we detached may still be writing its
    // record (reserved, not yet committed): drain until the rings stay empty.
    let mut quiet_rounds = 0;
    while quiet_rounds < 3 {
        if rb.consume_raw() > 0 {
            quiet_rounds = 0;
        } else {
            quiet_rounds += 1;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut first_error = None;
    for (i, r) in running.iter().enumerate() {
        match r.object.held_batches() {
            Ok(held) => {
                // Borrowed only here: the ring callbacks above borrow the rows too.
                let mut rows = rows.borrow_mut();
                for b in held {
                    rows.push_batch(i, b.rec_kind, b.cpu, &b.data);
                }
            }
            Err(e) if first_error.is_none() => {
                first_error = Some(e.context(format!("source {}", r.name)))
            }
            Err(_) => {}
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// What is left to write once the programs are detached and drained: the user
/// symbols of the stacks seen, every partial batch, the final lost counts; and
/// the manifest's stacks summary.
pub(super) fn last_messages(
    running: &[Running],
    rows: &RefCell<Rows>,
    opened: &Opened,
    line_info: bool,
    final_lost: &[(String, u64)],
) -> (Vec<Msg>, Option<StacksInfo>) {
    let mut msgs = Vec::new();
    let malformed = rows.borrow().malformed;
    if malformed > 0 {
        // Never expected (the records' layout comes from the same BTF), but
        // never silent either.
        eprintln!("retrace-record: warning: {malformed} ring-buffer records could not be decoded");
    }
    let mut stacks_info = None;
    if opened.records_stacks {
        let (info, batch) =
            stacks_summary(running, &rows.borrow(), line_info, opened.kernel_symbols);
        stacks_info = Some(info);
        if batch.num_rows() > 0 {
            msgs.push(Msg::Batch(Arc::new(stacks::USER_SYMBOLS.clone()), batch));
        }
    }
    let all = rows.borrow_mut().take_all();
    msgs.extend(all.into_iter().map(|(t, b)| Msg::Batch(t, b)));
    msgs.push(Msg::Lost(final_lost.to_vec()));
    (msgs, stacks_info)
}

/// The manifest's stacks summary, and the user_symbols rows of the stacks seen.
fn stacks_summary(
    running: &[Running],
    rows: &Rows,
    line_info: bool,
    kernel_symbols: u64,
) -> (StacksInfo, arrow::array::RecordBatch) {
    let stack_errors = running.iter().map(|r| r.object.stack_errors()).sum();
    let stacks = &rows.cx.stacks;
    let (batch, frames, named) = crate::symbolize::user_symbols(stacks, line_info);
    let info = StacksInfo {
        stacks: stacks.count() as u64,
        stack_errors,
        processes: stacks.mappings.len() as u64 + stacks.unmapped.len() as u64,
        processes_without_mappings: stacks.unmapped.len() as u64,
        user_frames: frames,
        user_frames_named: named,
        kernel_symbols,
    };
    (info, batch)
}

/// How the recording went, for the manifest's last write.
pub(super) struct Ending {
    pub ended_by: String,
    pub final_lost: Vec<(String, u64)>,
    pub shed: Vec<ShedSource>,
    pub stacks: Option<StacksInfo>,
}

impl Ending {
    pub fn apply(self, m: &mut Manifest, child: Option<&Launched>) {
        for (name, n) in self.final_lost {
            if let Some(s) = m.sources.iter_mut().find(|s| s.name == name) {
                s.lost_events = n;
            }
        }
        m.clock_end = Some(host::clock_pair());
        m.ended_by = Some(self.ended_by);
        m.command = child.map(|c| ChildCommand {
            argv: c.argv.clone(),
            pid: c.pid,
            exit_status: c.status(),
        });
        m.recording.shed = self.shed;
        m.recording.peak_rss_bytes = cpu_guard::peak_rss_bytes();
        m.recording.cpu_ns = Some(cpu_guard::process_cpu().as_nanos() as u64);
        m.recording.stacks = self.stacks;
    }
}
