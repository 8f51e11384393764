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
    // One module per other file of `tests/bpf/` (listed by build.rs): a chapter's
    // end-to-end tests are registered by adding the file.
    include!(concat!(env!("OUT_DIR"), "/bpf_tests.rs"));
}
