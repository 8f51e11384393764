//! The BPF side of retrace-record: every `src/bpf/<object>.bpf.c`, compiled, as a
//! libbpf-rs skeleton module (for sources with code of their own) and as object
//! bytes in [`OBJECTS`] (for the generic loader). Record layouts are read from each
//! object's BTF, so no C struct is mirrored by hand in Rust.

#![allow(clippy::all)]

include!(concat!(env!("OUT_DIR"), "/objects.rs"));

/// The compiled object of that name.
pub fn object(name: &str) -> Option<&'static [u8]> {
    OBJECTS.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

// Batches read back from a map at the end are plain C structs without padding
// invariants, so reading them from bytes is sound.
unsafe impl plain::Plain for sched::types::rt_batch {}
unsafe impl plain::Plain for sched::types::rt_batch_head {}
