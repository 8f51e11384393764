//! Sources: groups of probes (`--sources disk,proc`) that fill tables. Each source
//! loads its BPF object with the best attach type the kernel supports, falls back
//! where it must, and reports what ran for the manifest.

pub mod attach;
pub mod cpufreq;
pub mod disk;
pub mod generic;
pub mod irq;
pub mod offcpu;
pub mod pmc;
pub mod proc;
pub mod profile;
pub mod sched;
pub mod syscalls;

use std::sync::{LazyLock, OnceLock};

use anyhow::{anyhow, Result};
use libbpf_rs::MapHandle;
use retrace_schema::manifest::ProbeAttach;

/// The default `--sources` list: the catalog's low-rate sources (plus `sched`,
/// whose single small record per switch measured cheaper than the in-kernel
/// aggregation of live tools: DESIGN.md, cost facts).
pub static DEFAULT: LazyLock<String> = LazyLock::new(retrace_schema::sources::default_list);

/// The `--help` text of every source, from its declaration: what it records, into
/// which tables, at what rate.
pub fn help() -> String {
    let all = retrace_schema::sources::sources();
    let mut s = format!("Sources (default: {}):\n", DEFAULT.as_str());
    for def in all {
        let tables: Vec<String> = retrace_schema::tables::tables_of_source(def.name)
            .map(|t| t.name.to_string())
            .collect();
        let opt = if def.default { "" } else { "(opt-in) " };
        let text = format!("{opt}{} -> {} ({})", def.about, tables.join(", "), def.rate);
        let mut line = format!("  {:<9} ", def.name);
        let mut width = line.len();
        for word in text.split(' ') {
            if width + word.len() > 92 {
                s.push_str(line.trim_end());
                s.push('\n');
                line = format!("{:12}", "");
                width = 12;
            }
            line.push_str(word);
            line.push(' ');
            width += word.len() + 1;
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

/// What every source's BPF object is configured with before load.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub filter_pid: Option<u32>,
    pub filter_comm: Option<String>,
    pub cpus: usize,
    pub ring_bytes: u64,
    /// `offcpu`: shortest blocked time recorded.
    pub min_block_ns: u64,
    /// `profile`: samples per second per CPU.
    pub profile_hz: u64,
    /// `pmc`: the counters to sample and their period.
    pub pmc: pmc::Config,
    /// Entries of each stack map (unique stacks a source can hold).
    pub stack_map_entries: u32,
}

/// A source whose programs are loaded and attached.
pub struct Running {
    pub name: &'static str,
    pub probes: Vec<ProbeAttach>,
    /// One ring per CPU, to poll.
    pub rings: Vec<MapHandle>,
    /// The loaded object: its lost-event counter, and detaching.
    pub object: Box<dyn LoadedObject>,
    /// The object's stack map, for sources that record stacks.
    pub stack_map: Option<MapHandle>,
}

impl Running {
    pub fn new(
        name: &'static str,
        probes: Vec<ProbeAttach>,
        rings: Vec<MapHandle>,
        object: Box<dyn LoadedObject>,
    ) -> Self {
        Running {
            name,
            probes,
            rings,
            object,
            stack_map: None,
        }
    }
}

/// What the pipeline needs of a loaded BPF object.
pub trait LoadedObject {
    /// Events the kernel side could not hand over (its `lost_events` counter).
    fn lost_events(&self) -> u64;
    /// Detach every program (the rings stay readable for a last drain).
    fn detach(&mut self);
    /// Events begun and never finished when the recording ends (a request
    /// issued and not seen completing): at the end they are lost events too.
    fn unfinished(&self) -> u64 {
        0
    }
    /// Stacks the kernel side could not store (see stacks.bpf.h).
    fn stack_errors(&self) -> u64 {
        0
    }
    /// Ask the kernel side to hand over the records it holds back in per-CPU
    /// batches (batch.bpf.h): each CPU does at its next record.
    fn request_flush(&mut self) {}
    /// The records the kernel side still holds back, to read once the programs
    /// are detached and the rings drained.
    fn held_batches(&self) -> Result<Vec<HeldBatch>> {
        Ok(Vec::new())
    }
}

/// Records a per-CPU batch buffer held when it was read.
pub struct HeldBatch {
    /// Kind of the records (as in `struct rt_batch`).
    pub rec_kind: u32,
    pub cpu: u32,
    /// The records, back to back.
    pub data: Vec<u8>,
}

/// Runs of the object's programs that the kernel skipped: a probe that fires
/// while the same program is already running on that CPU (an interrupt during
/// it) is not run, and the event it would have recorded is lost. The kernel
/// counts these per program (`recursion_misses`); they are lost events too.
pub fn recursion_misses(obj: &libbpf_rs::Object) -> u64 {
    use libbpf_rs::AsRawLibbpf;
    obj.progs()
        .map(|p| {
            // SAFETY: a valid program pointer from the object; fd < 0 when the
            // program was not loaded (autoload off).
            let fd =
                unsafe { libbpf_rs::libbpf_sys::bpf_program__fd(p.as_libbpf_object().as_ptr()) };
            if fd < 0 {
                return 0;
            }
            let mut info = libbpf_rs::libbpf_sys::bpf_prog_info::default();
            let mut len = std::mem::size_of_val(&info) as u32;
            // SAFETY: info and len are valid out pointers of the right size.
            let rc =
                unsafe { libbpf_rs::libbpf_sys::bpf_prog_get_info_by_fd(fd, &mut info, &mut len) };
            if rc == 0 {
                info.recursion_misses
            } else {
                0
            }
        })
        .sum()
}

/// Reads a counter from a skeleton's live .bss.
macro_rules! bss_counter {
    ($skel:expr, $field:ident) => {{
        let bss = $skel.maps.bss_data.as_ref().expect("object has a .bss");
        // SAFETY: the pointer is into the skeleton's live mmapped .bss; the
        // kernel updates it concurrently, hence the volatile read.
        unsafe { std::ptr::read_volatile(&bss.$field) }
    }};
}
pub(crate) use bss_counter;

/// Implements [`LoadedObject`] for a skeleton whose .bss has `lost_events` (and
/// `stack_errors` with `, stacks`), attached through its own links.
macro_rules! loaded_object {
    ($skel:ty) => {
        impl $crate::sources::LoadedObject for $skel {
            fn lost_events(&self) -> u64 {
                use libbpf_rs::skel::Skel;
                $crate::sources::bss_counter!(self, lost_events)
                    + $crate::sources::recursion_misses(self.object())
            }
            fn detach(&mut self) {
                self.links = Default::default();
            }
        }
    };
    ($skel:ty, stacks) => {
        impl $crate::sources::LoadedObject for $skel {
            fn lost_events(&self) -> u64 {
                use libbpf_rs::skel::Skel;
                $crate::sources::bss_counter!(self, lost_events)
                    + $crate::sources::recursion_misses(self.object())
            }
            fn detach(&mut self) {
                self.links = Default::default();
            }
            fn stack_errors(&self) -> u64 {
                $crate::sources::bss_counter!(self, stack_errors)
            }
        }
    };
}
pub(crate) use loaded_object;

/// A skeleton whose program is attached to perf events that we opened. Each
/// link owns its event's descriptor (libbpf closes it when the link goes).
pub struct Sampler<S> {
    pub skel: S,
    pub links: Vec<libbpf_rs::Link>,
}

/// Implements [`LoadedObject`] for a [`Sampler`] of a skeleton type.
macro_rules! loaded_sampler {
    ($skel:ty $(, $stacks:ident)?) => {
        impl $crate::sources::LoadedObject for $crate::sources::Sampler<$skel> {
            fn lost_events(&self) -> u64 {
                use libbpf_rs::skel::Skel;
                $crate::sources::bss_counter!(self.skel, lost_events)
                    + $crate::sources::recursion_misses(self.skel.object())
            }
            fn detach(&mut self) {
                self.links.clear();
            }
            $(
            fn stack_errors(&self) -> u64 {
                $crate::sources::bss_counter!(self.skel, $stacks)
            }
            )?
        }
    };
}
pub(crate) use loaded_sampler;

/// Sets the filters and the ring wakeup threshold every object has in .rodata.
macro_rules! configure_common {
    ($rodata:expr, $opts:expr) => {{
        $rodata.filter_tgid = $opts.filter_pid.unwrap_or(0);
        if let Some(c) = &$opts.filter_comm {
            $rodata.filter_comm = $crate::sources::comm_filter_bytes(c);
        }
        $rodata.ring_wakeup_bytes = $opts.ring_bytes / 2;
    }};
}
pub(crate) use configure_common;

/// The manifest entries of probes that all attached the same way.
pub fn probes(names: &[&str], attach: &str) -> Vec<ProbeAttach> {
    names
        .iter()
        .map(|p| ProbeAttach {
            probe: p.to_string(),
            attach: attach.to_string(),
        })
        .collect()
}

/// The code of a source declared `Loader::Custom`.
type CustomStart = fn(&Options) -> Result<Running>;

fn custom(name: &str) -> Option<CustomStart> {
    Some(match name {
        "disk" => disk::start,
        "proc" => proc::start,
        "sched" => sched::start,
        "offcpu" => offcpu::start,
        "profile" => profile::start,
        "pmc" => pmc::start,
        "syscalls" => syscalls::start,
        "irq" => irq::start,
        "cpufreq" => cpufreq::start,
        _ => return None,
    })
}

/// What this kernel offers, asked once per recording.
fn kernel() -> &'static attach::LiveKernel {
    static KERNEL: OnceLock<attach::LiveKernel> = OnceLock::new();
    KERNEL.get_or_init(attach::LiveKernel::probe)
}

/// Start a source by name: through the generic loader, or its own code.
pub fn start(name: &str, opts: &Options) -> Result<Running> {
    let def =
        retrace_schema::sources::source(name).ok_or_else(|| anyhow!("unknown source {name:?}"))?;
    match def.loader {
        retrace_schema::sources::Loader::Generic => generic::start(def, opts, kernel()),
        _ => custom(name).ok_or_else(|| {
            anyhow!("source {name} is declared with code of its own, but has none")
        })?(opts),
    }
}

/// The comm filter as the BPF side wants it: 16 bytes, NUL padded.
pub fn comm_filter_bytes(comm: &str) -> [i8; 16] {
    let mut out = [0i8; 16];
    for (o, b) in out.iter_mut().zip(comm.bytes().take(15)) {
        *o = b as i8;
    }
    out
}

#[cfg(test)]
mod tests {
    use retrace_schema::sources::{sources, Loader};

    /// A source declared with code of its own has that code (a forgotten arm here
    /// would otherwise fail only when someone records it).
    #[test]
    fn every_custom_source_has_its_code() {
        for def in sources() {
            if def.loader == Loader::Custom {
                assert!(
                    super::custom(def.name).is_some(),
                    "{} has no start code",
                    def.name
                );
            }
        }
    }
}

/// How probes attach, in order of preference (DESIGN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attach {
    TpBtf,
    RawTp,
}

impl Attach {
    pub fn name(self) -> &'static str {
        match self {
            Attach::TpBtf => "tp_btf",
            Attach::RawTp => "raw_tp",
        }
    }
}

/// Load an object with tp_btf programs, else with raw_tp ones (kernels before 5.5
/// have no BTF-typed tracepoints); say which, or why neither loaded.
pub fn load_preferred<T>(load: impl Fn(Attach) -> Result<T>, what: &str) -> Result<(T, Attach)> {
    // Test hook: exercise the raw_tp fallback on kernels that have tp_btf.
    if std::env::var("RETRACE_DEBUG_ATTACH").is_ok_and(|v| v == "raw_tp") {
        return load(Attach::RawTp).map(|t| (t, Attach::RawTp));
    }
    match load(Attach::TpBtf) {
        Ok(t) => Ok((t, Attach::TpBtf)),
        Err(first) => match load(Attach::RawTp) {
            Ok(t) => Ok((t, Attach::RawTp)),
            Err(second) => {
                Err(second.context(format!("loading {what} (tp_btf failed too: {first:#})")))
            }
        },
    }
}
