//! End-to-end tests with real BPF: record a known workload with `retrace-record`,
//! analyze the capture with `retrace`, and assert that the tools count exactly
//! what the workload did.
//!
//! They need root and a kernel with BPF. Without them they skip with a printed
//! reason, unless RETRACE_REQUIRE_BPF=1 (CI), which turns a skip into a failure.
//! Binaries are taken from the target folder: build them first
//! (`cargo build --workspace --bins`, which scripts/test.sh does).

mod bpf {
    pub mod common;
    mod copy_unprivileged;
    mod cpu;
    mod diff;
    mod disk;
    mod lifecycle;
    mod oom;
    mod proc;
    mod safety;
    mod signal;
}
