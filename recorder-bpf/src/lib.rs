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

// The ring buffers hand us raw bytes; these records are plain C structs without
// padding invariants, so reading them from bytes is sound.
unsafe impl plain::Plain for disk::types::rt_block_io {}
unsafe impl plain::Plain for proc::types::rt_exec {}
unsafe impl plain::Plain for proc::types::rt_fork {}
unsafe impl plain::Plain for proc::types::rt_exit {}
