//! Arrow builders of the CPU chapter's tables (sched_switch, sched_wakeup, offcpu,
//! profile, syscalls, hardirq, softirq, cpu_frequency, pmc), filled from the ring
//! records. Stack ids are turned into capture-wide ids by [`Stacks`] on the way.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Int32Builder, Int64Builder, StringBuilder, UInt32Builder,
    UInt64Builder,
};
use retrace_recorder_bpf::{
    cpufreq::types::rt_cpufreq, irq::types as irq, offcpu::types::rt_offcpu, pmc::types::rt_pmc,
    profile::types::rt_profile, sched::types as sched, syscalls::types::rt_syscall,
};

use crate::rows::c_str;
use crate::stacks::Stacks;

/// Declares a row-builder struct whose fields are the table's columns, in the
/// table's column order, and its `finish` (which must match the schema).
macro_rules! row_builders {
    ($name:ident { $($field:ident : $b:ty),* $(,)? }) => {
        #[derive(Default)]
        pub struct $name {
            $($field: $b,)*
            pub rows: usize,
        }

        impl $name {
            pub fn finish(&mut self) -> Vec<ArrayRef> {
                self.rows = 0;
                vec![$(Arc::new(self.$field.finish()) as ArrayRef),*]
            }
        }
    };
}

row_builders!(SwitchRows {
    ts: UInt64Builder,
    cpu: UInt32Builder,
    prev_tid: UInt32Builder,
    prev_pid: UInt32Builder,
    prev_comm: StringBuilder,
    prev_prio: Int32Builder,
    prev_state: UInt32Builder,
    next_tid: UInt32Builder,
    next_pid: UInt32Builder,
    next_comm: StringBuilder,
    next_prio: Int32Builder,
});

impl SwitchRows {
    /// A switch recorded on `cpu` (from its batch).
    pub fn push(&mut self, r: &sched::rt_sched_switch, cpu: u32) {
        self.ts.append_value(r.ts);
        self.cpu.append_value(cpu);
        self.prev_tid.append_value(r.prev_tid);
        self.prev_pid.append_value(r.prev_pid);
        self.prev_comm.append_value(c_str(&r.prev_comm));
        self.prev_prio.append_value(r.prev_prio.into());
        self.prev_state.append_value(r.prev_state);
        self.next_tid.append_value(r.next_tid);
        self.next_pid.append_value(r.next_pid);
        self.next_comm.append_value(c_str(&r.next_comm));
        self.next_prio.append_value(r.next_prio.into());
        self.rows += 1;
    }
}

row_builders!(WakeupRows {
    ts: UInt64Builder,
    cpu: UInt32Builder,
    target_cpu: UInt32Builder,
    tid: UInt32Builder,
    pid: UInt32Builder,
    comm: StringBuilder,
    prio: Int32Builder,
    waker_tid: UInt32Builder,
    waker_pid: UInt32Builder,
    new: BooleanBuilder,
});

impl WakeupRows {
    /// A wakeup recorded on `cpu` (from its batch).
    pub fn push(&mut self, r: &sched::rt_sched_wakeup, cpu: u32) {
        self.ts.append_value(r.ts);
        self.cpu.append_value(cpu);
        self.target_cpu.append_value(r.target_cpu);
        self.tid.append_value(r.tid);
        self.pid.append_value(r.pid);
        self.comm.append_value(c_str(&r.comm));
        self.prio.append_value(r.prio.into());
        self.waker_tid.append_value(r.waker_tid);
        self.waker_pid.append_value(r.waker_pid);
        self.new.append_value(r.is_new != 0);
        self.rows += 1;
    }
}

row_builders!(OffcpuRows {
    ts: UInt64Builder,
    ts_off: UInt64Builder,
    cpu: UInt32Builder,
    tid: UInt32Builder,
    pid: UInt32Builder,
    comm: StringBuilder,
    state: UInt32Builder,
    kstack: UInt32Builder,
    ustack: UInt32Builder,
});

impl OffcpuRows {
    pub fn push(&mut self, r: &rt_offcpu, src: usize, stacks: &mut Stacks) {
        self.ts.append_value(r.ts);
        self.ts_off.append_value(r.ts_off);
        self.cpu.append_value(r.cpu);
        self.tid.append_value(r.tid);
        self.pid.append_value(r.pid);
        self.comm.append_value(c_str(&r.comm));
        self.state.append_value(r.state);
        self.kstack
            .append_value(stacks.resolve(src, r.kstack_id, false, r.pid));
        self.ustack
            .append_value(stacks.resolve(src, r.ustack_id, true, r.pid));
        self.rows += 1;
    }
}

row_builders!(ProfileRows {
    ts: UInt64Builder,
    cpu: UInt32Builder,
    tid: UInt32Builder,
    pid: UInt32Builder,
    comm: StringBuilder,
    kstack: UInt32Builder,
    ustack: UInt32Builder,
    runq_len: UInt32Builder,
});

impl ProfileRows {
    /// A sample record: the header, then its kernel and user frames.
    pub fn push(&mut self, data: &[u8], stacks: &mut Stacks) -> Option<()> {
        let head = std::mem::size_of::<rt_profile>();
        let r: &rt_profile = plain::from_bytes(data.get(..head)?).ok()?;
        let (kn, un) = (r.kframes as usize, r.uframes as usize);
        let frames: Vec<u64> = data
            .get(head..head + (kn + un) * 8)?
            .chunks_exact(8)
            .map(|c| u64::from_ne_bytes(c.try_into().unwrap()))
            .collect();
        self.ts.append_value(r.ts);
        self.cpu.append_value(r.cpu);
        self.tid.append_value(r.tid);
        self.pid.append_value(r.pid);
        self.comm.append_value(c_str(&r.comm));
        self.kstack
            .append_value(stacks.intern_frames(&frames[..kn], false, r.pid));
        self.ustack
            .append_value(stacks.intern_frames(&frames[kn..], true, r.pid));
        self.runq_len.append_value(r.runq_len);
        self.rows += 1;
        Some(())
    }
}

row_builders!(SyscallRows {
    ts: UInt64Builder,
    ts_enter: UInt64Builder,
    pid: UInt32Builder,
    tid: UInt32Builder,
    comm: StringBuilder,
    nr: Int32Builder,
    ret: Int64Builder,
});

impl SyscallRows {
    pub fn push(&mut self, r: &rt_syscall) {
        self.ts.append_value(r.ts_exit);
        self.ts_enter.append_value(r.ts_enter);
        self.pid.append_value(r.pid);
        self.tid.append_value(r.tid);
        self.comm.append_value(c_str(&r.comm));
        self.nr.append_value(r.nr);
        self.ret.append_value(r.ret);
        self.rows += 1;
    }
}

row_builders!(HardirqRows {
    ts: UInt64Builder,
    ts_entry: UInt64Builder,
    cpu: UInt32Builder,
    irq: UInt32Builder,
    name: StringBuilder,
    handled: BooleanBuilder,
});

impl HardirqRows {
    pub fn push(&mut self, r: &irq::rt_hardirq) {
        self.ts.append_value(r.ts_exit);
        self.ts_entry.append_value(r.ts_entry);
        self.cpu.append_value(r.cpu);
        self.irq.append_value(r.irq);
        self.name.append_value(c_str(&r.name));
        self.handled.append_value(r.handled != 0);
        self.rows += 1;
    }
}

/// Softirq vector names, in vector order (include/linux/interrupt.h; this
/// order has not changed since 4.x).
const SOFTIRQ_NAMES: [&str; 10] = [
    "hi", "timer", "net_tx", "net_rx", "block", "irq_poll", "tasklet", "sched", "hrtimer", "rcu",
];

row_builders!(SoftirqRows {
    ts: UInt64Builder,
    ts_entry: UInt64Builder,
    cpu: UInt32Builder,
    vec: UInt32Builder,
    name: StringBuilder,
});

impl SoftirqRows {
    pub fn push(&mut self, r: &irq::rt_softirq) {
        self.ts.append_value(r.ts_exit);
        self.ts_entry.append_value(r.ts_entry);
        self.cpu.append_value(r.cpu);
        self.vec.append_value(r.vec);
        match SOFTIRQ_NAMES.get(r.vec as usize) {
            Some(n) => self.name.append_value(n),
            None => self.name.append_value(format!("vec{}", r.vec)),
        }
        self.rows += 1;
    }
}

row_builders!(CpufreqRows {
    ts: UInt64Builder,
    cpu: UInt32Builder,
    freq: UInt32Builder,
    initial: BooleanBuilder,
});

impl CpufreqRows {
    pub fn push(&mut self, r: &rt_cpufreq) {
        self.push_value(r.ts, r.cpu, r.freq_khz, false);
    }

    pub fn push_value(&mut self, ts: u64, cpu: u32, khz: u32, initial: bool) {
        self.ts.append_value(ts);
        self.cpu.append_value(cpu);
        self.freq.append_value(khz);
        self.initial.append_value(initial);
        self.rows += 1;
    }
}

row_builders!(PmcRows {
    ts: UInt64Builder,
    cpu: UInt32Builder,
    tid: UInt32Builder,
    pid: UInt32Builder,
    comm: StringBuilder,
    counter: StringBuilder,
    period: UInt64Builder,
});

impl PmcRows {
    pub fn push(&mut self, r: &rt_pmc, names: &[&'static str]) {
        self.ts.append_value(r.ts);
        self.cpu.append_value(r.cpu);
        self.tid.append_value(r.tid);
        self.pid.append_value(r.pid);
        self.comm.append_value(c_str(&r.comm));
        match names.get(r.counter as usize) {
            Some(n) => self.counter.append_value(n),
            None => self.counter.append_value(format!("counter{}", r.counter)),
        }
        self.period.append_value(r.period);
        self.rows += 1;
    }
}
