//! The BPF side of retrace-record: one libbpf-rs skeleton per source group, built
//! from `src/bpf/<source>.bpf.c`, and the record types they emit (taken from each
//! object's BTF, so no C struct is mirrored by hand in Rust).

#![allow(clippy::all)]

pub mod disk {
    include!(concat!(env!("OUT_DIR"), "/disk.skel.rs"));
}

pub mod proc {
    include!(concat!(env!("OUT_DIR"), "/proc.skel.rs"));
}

pub mod sched {
    include!(concat!(env!("OUT_DIR"), "/sched.skel.rs"));
}

pub mod offcpu {
    include!(concat!(env!("OUT_DIR"), "/offcpu.skel.rs"));
}

pub mod profile {
    include!(concat!(env!("OUT_DIR"), "/profile.skel.rs"));
}

pub mod pmc {
    include!(concat!(env!("OUT_DIR"), "/pmc.skel.rs"));
}

pub mod syscalls {
    include!(concat!(env!("OUT_DIR"), "/syscalls.skel.rs"));
}

pub mod irq {
    include!(concat!(env!("OUT_DIR"), "/irq.skel.rs"));
}

pub mod cpufreq {
    include!(concat!(env!("OUT_DIR"), "/cpufreq.skel.rs"));
}

// The ring buffers hand us raw bytes; these records are plain C structs without
// padding invariants, so reading them from bytes is sound.
unsafe impl plain::Plain for disk::types::rt_block_io {}
unsafe impl plain::Plain for proc::types::rt_exec {}
unsafe impl plain::Plain for proc::types::rt_fork {}
unsafe impl plain::Plain for proc::types::rt_exit {}
unsafe impl plain::Plain for sched::types::rt_batch {}
unsafe impl plain::Plain for sched::types::rt_batch_head {}
unsafe impl plain::Plain for sched::types::rt_sched_switch {}
unsafe impl plain::Plain for sched::types::rt_sched_wakeup {}
unsafe impl plain::Plain for offcpu::types::rt_offcpu {}
unsafe impl plain::Plain for profile::types::rt_profile {}
unsafe impl plain::Plain for pmc::types::rt_pmc {}
unsafe impl plain::Plain for syscalls::types::rt_syscall {}
unsafe impl plain::Plain for irq::types::rt_hardirq {}
unsafe impl plain::Plain for irq::types::rt_softirq {}
unsafe impl plain::Plain for cpufreq::types::rt_cpufreq {}
