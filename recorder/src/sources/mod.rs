//! Sources: groups of probes (`--sources disk,proc`) that fill tables. Each source
//! loads its BPF object with the best attach type the kernel supports, falls back
//! where it must, and reports what ran for the manifest.

pub mod disk;
pub mod proc;

use anyhow::Result;
use libbpf_rs::MapHandle;
use retrace_schema::manifest::ProbeAttach;

/// Every source this recorder knows, with a one-line description for `--help`.
pub const KNOWN: &[(&str, &str)] = &[
    (
        "disk",
        "block I/O requests: insert, issue, complete (low rate; default)",
    ),
    (
        "proc",
        "process exec (argv, return value), fork, exit, and a /proc snapshot (low rate; default)",
    ),
];

/// What every source's BPF object is configured with before load.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub filter_pid: Option<u32>,
    pub filter_comm: Option<String>,
    pub cpus: usize,
    pub ring_bytes: u64,
}

/// A source whose programs are loaded and attached.
pub struct Running {
    pub name: &'static str,
    pub probes: Vec<ProbeAttach>,
    /// One ring per CPU, to poll.
    pub rings: Vec<MapHandle>,
    /// The loaded object: its lost-event counter, and detaching.
    pub object: Box<dyn LoadedObject>,
}

/// What the pipeline needs of a loaded BPF object.
pub trait LoadedObject {
    /// Events the kernel side could not hand over (its `lost_events` counter).
    fn lost_events(&self) -> u64;
    /// Detach every program (the rings stay readable for a last drain).
    fn detach(&mut self);
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

/// Implements [`LoadedObject`] for a skeleton whose .bss has `lost_events`.
macro_rules! loaded_object {
    ($skel:ty) => {
        impl $crate::sources::LoadedObject for $skel {
            fn lost_events(&self) -> u64 {
                use libbpf_rs::skel::Skel;
                let bss = self.maps.bss_data.as_ref().expect("object has a .bss");
                // SAFETY: the pointer is into the skeleton's live mmapped .bss;
                // the kernel updates it concurrently, hence the volatile read.
                let dropped = unsafe { std::ptr::read_volatile(&bss.lost_events) };
                dropped + $crate::sources::recursion_misses(self.object())
            }
            fn detach(&mut self) {
                self.links = Default::default();
            }
        }
    };
}
pub(crate) use loaded_object;

/// Start a source by name.
pub fn start(name: &str, opts: &Options) -> Result<Running> {
    match name {
        "disk" => disk::start(opts),
        "proc" => proc::start(opts),
        _ => anyhow::bail!("unknown source {name:?}"),
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
