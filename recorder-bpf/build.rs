//! Compiles each `src/bpf/<source>.bpf.c` with clang and generates its libbpf-rs
//! skeleton into OUT_DIR (skeletons are never committed).

use std::env;
use std::path::PathBuf;

use libbpf_cargo::SkeletonBuilder;

/// One BPF object per source group.
const SOURCES: &[&str] = &[
    "disk", "proc", "sched", "offcpu", "profile", "pmc", "syscalls", "irq", "cpufreq",
];

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR set by cargo"));
    let bpf_dir = PathBuf::from("src/bpf");
    for name in SOURCES {
        let src = bpf_dir.join(format!("{name}.bpf.c"));
        let skel = out.join(format!("{name}.skel.rs"));
        SkeletonBuilder::new()
            .source(&src)
            .clang_args(["-I", "src/bpf", "-Wall", "-Wno-unused-function"])
            .build_and_generate(&skel)
            .unwrap_or_else(|e| panic!("building {}: {e:#}", src.display()));
        println!("cargo:rerun-if-changed={}", src.display());
    }
    for header in [
        "batch.bpf.h",
        "retrace.h",
        "ring.bpf.h",
        "stacks.bpf.h",
        "task.bpf.h",
        "vmlinux.h",
    ] {
        println!("cargo:rerun-if-changed={}", bpf_dir.join(header).display());
    }
}
