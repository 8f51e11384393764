//! Per-CPU ring buffers: one BPF ringbuf map per possible CPU, installed in the
//! object's `rings` array-of-maps, so that producers on different CPUs never share a
//! ring (DESIGN.md: one shared ring serializes its producers).

use std::os::fd::{AsFd, AsRawFd};

use anyhow::{Context, Result};
use libbpf_rs::{MapCore, MapFlags, MapHandle, MapType};

/// Per-CPU ring size: enough for ~100 ms bursts on one CPU, bounded in total so
/// that many-core hosts do not pin hundreds of MiB of kernel memory.
pub fn default_ring_bytes(cpus: usize) -> u64 {
    let total: u64 = 64 << 20;
    (total / cpus.max(1) as u64)
        .clamp(256 << 10, 4 << 20)
        .next_power_of_two()
}

/// Round a requested size to what the kernel accepts: a power of two, at least a page.
pub fn valid_ring_bytes(bytes: u64) -> u64 {
    bytes.max(4096).next_power_of_two()
}

/// Number of possible CPUs (the index space of `bpf_get_smp_processor_id()`).
pub fn possible_cpus() -> Result<usize> {
    libbpf_rs::num_possible_cpus().context("reading the number of possible CPUs")
}

/// Create one ring per CPU and install them in `outer` (an ARRAY_OF_MAPS already
/// sized to the CPU count). The returned handles must outlive the polling.
pub fn install(
    outer: &dyn MapCore,
    cpus: usize,
    ring_bytes: u64,
    tag: &str,
) -> Result<Vec<MapHandle>> {
    let opts = libbpf_rs::libbpf_sys::bpf_map_create_opts {
        sz: std::mem::size_of::<libbpf_rs::libbpf_sys::bpf_map_create_opts>() as _,
        ..Default::default()
    };
    let mut rings = Vec::with_capacity(cpus);
    for cpu in 0..cpus {
        let ring = MapHandle::create(
            MapType::RingBuf,
            Some(format!("rt_{tag}_{cpu}")),
            0,
            0,
            ring_bytes as u32,
            &opts,
        )
        .with_context(|| format!("creating a {ring_bytes}-byte ring buffer for CPU {cpu}"))?;
        let fd = ring.as_fd().as_raw_fd() as u32;
        outer
            .update(
                &(cpu as u32).to_ne_bytes(),
                &fd.to_ne_bytes(),
                MapFlags::ANY,
            )
            .with_context(|| format!("installing the ring buffer of CPU {cpu}"))?;
        rings.push(ring);
    }
    Ok(rings)
}
