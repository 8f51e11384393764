//! Arrow builders of the CPU chapter's tables (sched_switch, sched_wakeup, offcpu,
//! profile, syscalls, hardirq, softirq, cpu_frequency, pmc), filled from the ring
//! records. Stack ids are turned into capture-wide ids by [`Stacks`] on the way.

use std::sync::Arc;

use arrow::array::ArrayRef;
use retrace_recorder_bpf::{
    cpufreq::types::rt_cpufreq, irq::types as irq, offcpu::types::rt_offcpu, pmc::types::rt_pmc,
    profile::types::rt_profile, sched::types as sched, syscalls::types::rt_syscall,
};

use crate::columns::{BoolCol, I32Col, I64Col, StrCol, U32Col, U64Col};
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
    ts: U64Col,
    cpu: U32Col,
    prev_tid: U32Col,
    prev_pid: U32Col,
    prev_comm: StrCol,
    prev_prio: I32Col,
    prev_state: U32Col,
    next_tid: U32Col,
    next_pid: U32Col,
    next_comm: StrCol,
    next_prio: I32Col,
});

impl SwitchRows {
    /// A switch recorded on `cpu` (from its batch).
    pub fn push(&mut self, r: &sched::rt_sched_switch, cpu: u32) {
        self.ts.append_value(r.ts);
        self.cpu.append_value(cpu);
        self.prev_tid.append_value(r.prev_tid);
        self.prev_pid.append_value(r.prev_pid);
        self.prev_comm.append_c(&r.prev_comm);
        self.prev_prio.append_value(r.prev_prio.into());
        self.prev_state.append_value(r.prev_state);
        self.next_tid.append_value(r.next_tid);
        self.next_pid.append_value(r.next_pid);
        self.next_comm.append_c(&r.next_comm);
        self.next_prio.append_value(r.next_prio.into());
        self.rows += 1;
    }
}

row_builders!(WakeupRows {
    ts: U64Col,
    cpu: U32Col,
    target_cpu: U32Col,
    tid: U32Col,
    pid: U32Col,
    comm: StrCol,
    prio: I32Col,
    waker_tid: U32Col,
    waker_pid: U32Col,
    new: BoolCol,
});

impl WakeupRows {
    /// A wakeup recorded on `cpu` (from its batch).
    pub fn push(&mut self, r: &sched::rt_sched_wakeup, cpu: u32) {
        self.ts.append_value(r.ts);
        self.cpu.append_value(cpu);
        self.target_cpu.append_value(r.target_cpu);
        self.tid.append_value(r.tid);
        self.pid.append_value(r.pid);
        self.comm.append_c(&r.comm);
        self.prio.append_value(r.prio.into());
        self.waker_tid.append_value(r.waker_tid);
        self.waker_pid.append_value(r.waker_pid);
        self.new.append_value(r.is_new != 0);
        self.rows += 1;
    }
}

row_builders!(OffcpuRows {
    ts: U64Col,
    ts_off: U64Col,
    cpu: U32Col,
    tid: U32Col,
    pid: U32Col,
    comm: StrCol,
    state: U32Col,
    kstack: U32Col,
    ustack: U32Col,
});

impl OffcpuRows {
    pub fn push(&mut self, r: &rt_offcpu, src: usize, stacks: &mut Stacks) {
        self.ts.append_value(r.ts);
        self.ts_off.append_value(r.ts_off);
        self.cpu.append_value(r.cpu);
        self.tid.append_value(r.tid);
        self.pid.append_value(r.pid);
        self.comm.append_c(&r.comm);
        self.state.append_value(r.state);
        self.kstack
            .append_value(stacks.resolve(src, r.kstack_id, false, r.pid));
        self.ustack
            .append_value(stacks.resolve(src, r.ustack_id, true, r.pid));
        self.rows += 1;
    }
}

row_builders!(ProfileRows {
    ts: U64Col,
    cpu: U32Col,
    tid: U32Col,
    pid: U32Col,
    comm: StrCol,
    kstack: U32Col,
    ustack: U32Col,
    runq_len: U32Col,
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
        self.comm.append_c(&r.comm);
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
    ts: U64Col,
    ts_enter: U64Col,
    pid: U32Col,
    tid: U32Col,
    comm: StrCol,
    nr: I32Col,
    ret: I64Col,
});

impl SyscallRows {
    pub fn push(&mut self, r: &rt_syscall) {
        self.ts.append_value(r.ts_exit);
        self.ts_enter.append_value(r.ts_enter);
        self.pid.append_value(r.pid);
        self.tid.append_value(r.tid);
        self.comm.append_c(&r.comm);
        self.nr.append_value(r.nr);
        self.ret.append_value(r.ret);
        self.rows += 1;
    }
}

row_builders!(HardirqRows {
    ts: U64Col,
    ts_entry: U64Col,
    cpu: U32Col,
    irq: U32Col,
    name: StrCol,
    handled: BoolCol,
});

impl HardirqRows {
    pub fn push(&mut self, r: &irq::rt_hardirq) {
        self.ts.append_value(r.ts_exit);
        self.ts_entry.append_value(r.ts_entry);
        self.cpu.append_value(r.cpu);
        self.irq.append_value(r.irq);
        self.name.append_c(&r.name);
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
    ts: U64Col,
    ts_entry: U64Col,
    cpu: U32Col,
    vec: U32Col,
    name: StrCol,
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
    ts: U64Col,
    cpu: U32Col,
    freq: U32Col,
    initial: BoolCol,
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
    ts: U64Col,
    cpu: U32Col,
    tid: U32Col,
    pid: U32Col,
    comm: StrCol,
    counter: StrCol,
    period: U64Col,
});

impl PmcRows {
    pub fn push(&mut self, r: &rt_pmc, names: &[&'static str]) {
        self.ts.append_value(r.ts);
        self.cpu.append_value(r.cpu);
        self.tid.append_value(r.tid);
        self.pid.append_value(r.pid);
        self.comm.append_c(&r.comm);
        match names.get(r.counter as usize) {
            Some(n) => self.counter.append_value(n),
            None => self.counter.append_value(format!("counter{}", r.counter)),
        }
        self.period.append_value(r.period);
        self.rows += 1;
    }
}
