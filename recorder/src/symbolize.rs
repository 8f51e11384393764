//! At finalize: name every unique user frame address (per process) with blazesym,
//! from the files the process mapped, and snapshot the kernel's text symbols, so
//! that the capture alone names every frame on any machine.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StringBuilder, UInt32Builder, UInt64Builder};
use blazesym::symbolize::source::{Elf, Source};
use blazesym::symbolize::{Input, Symbolized, Symbolizer};
use retrace_schema::catalog::stacks::{KERNEL_SYMBOLS, USER_SYMBOLS};

use crate::stacks::{openable_path, Stacks};

/// `user_symbols` rows for every (pid, address) of the user stacks seen, and
/// (frames, frames named).
///
/// `line_info`: also read DWARF for file:line. That can take hundreds of MiB for
/// binaries with large debug info, so it is opt-in (`--line-info`); function
/// names come from the symbol tables, and the build ids in `user_mappings` let
/// anyone add file:line later from debug info.
pub fn user_symbols(stacks: &Stacks, line_info: bool) -> (RecordBatch, u64, u64) {
    // pid → unique addresses, in order (deterministic output).
    let mut addrs: BTreeMap<u32, BTreeSet<u64>> = BTreeMap::new();
    for &(pid, id) in &stacks.user_stacks {
        if let Some(frames) = stacks.frames(id) {
            addrs.entry(pid).or_default().extend(frames.iter().copied());
        }
    }
    let mut vdso: Option<Vdso> = None;
    let mut pid_b = UInt32Builder::new();
    let mut addr_b = UInt64Builder::new();
    let mut sym_b = StringBuilder::new();
    let mut off_b = UInt64Builder::new();
    let mut module_b = StringBuilder::new();
    let mut file_b = StringBuilder::new();
    let mut line_b = UInt32Builder::new();
    let (mut total, mut named) = (0u64, 0u64);
    for (pid, addrs) in addrs {
        let maps = stacks.mappings.get(&pid).map(Vec::as_slice).unwrap_or(&[]);
        // Group the addresses by the mapping that holds them: one symbolize
        // call per file.
        let mut by_map: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
        let mut unmapped = Vec::new();
        for a in addrs {
            match maps.iter().position(|m| m.start <= a && a < m.end) {
                Some(i) => by_map.entry(i).or_default().push(a),
                None => unmapped.push(a),
            }
        }
        for a in unmapped {
            total += 1;
            pid_b.append_value(pid);
            addr_b.append_value(a);
            sym_b.append_null();
            off_b.append_null();
            module_b.append_null();
            file_b.append_null();
            line_b.append_null();
        }
        for (i, addrs) in by_map {
            let m = &maps[i];
            let offsets: Vec<u64> = addrs.iter().map(|a| a - m.start + m.file_offset).collect();
            let path = if m.path == "[vdso]" {
                vdso.get_or_insert_with(Vdso::copy).path()
            } else {
                openable_path(pid, m).filter(|_| !m.path.starts_with('['))
            };
            let results = match path {
                Some(path) => symbolize_file(path, &offsets, line_info),
                None => vec![None; offsets.len()],
            };
            for (a, r) in addrs.iter().zip(results) {
                total += 1;
                pid_b.append_value(pid);
                addr_b.append_value(*a);
                module_b.append_value(&m.path);
                match r {
                    Some(n) => {
                        named += 1;
                        sym_b.append_value(n.name);
                        off_b.append_value(n.offset);
                        file_b.append_option(n.file);
                        line_b.append_option(n.line);
                    }
                    None => {
                        sym_b.append_null();
                        off_b.append_null();
                        file_b.append_null();
                        line_b.append_null();
                    }
                }
            }
        }
    }
    let cols: Vec<ArrayRef> = vec![
        Arc::new(pid_b.finish()),
        Arc::new(addr_b.finish()),
        Arc::new(sym_b.finish()),
        Arc::new(off_b.finish()),
        Arc::new(module_b.finish()),
        Arc::new(file_b.finish()),
        Arc::new(line_b.finish()),
    ];
    let batch = RecordBatch::try_new(USER_SYMBOLS.schema(), cols).expect("user_symbols schema");
    (batch, total, named)
}

/// A copy of the vDSO as a file blazesym can read. Every process of the host
/// maps the same kernel-provided image, at file offset 0, so our own copy
/// names the frames of any process in it.
struct Vdso(Option<std::fs::File>);

impl Vdso {
    fn copy() -> Vdso {
        Vdso(Self::memfd().ok())
    }

    fn memfd() -> std::io::Result<std::fs::File> {
        use std::io::Write;
        use std::os::fd::FromRawFd;
        let maps = std::fs::read_to_string("/proc/self/maps")?;
        let range = maps
            .lines()
            .find(|l| l.ends_with("[vdso]"))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|r| r.split_once('-'))
            .and_then(|(a, b)| {
                Some((
                    u64::from_str_radix(a, 16).ok()?,
                    u64::from_str_radix(b, 16).ok()?,
                ))
            })
            .ok_or_else(|| std::io::Error::other("no [vdso] mapping"))?;
        // SAFETY: the [vdso] mapping of this process is readable for its whole
        // range for as long as the process lives.
        let image = unsafe {
            std::slice::from_raw_parts(range.0 as *const u8, (range.1 - range.0) as usize)
        };
        // SAFETY: a valid NUL-terminated name; the new descriptor is ours.
        let fd = unsafe { libc::memfd_create(c"retrace-vdso".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: a fresh descriptor that nothing else owns.
        let mut f = unsafe { std::fs::File::from_raw_fd(fd) };
        f.write_all(image)?;
        Ok(f)
    }

    fn path(&self) -> Option<String> {
        use std::os::fd::AsRawFd;
        let f = self.0.as_ref()?;
        Some(format!("/proc/self/fd/{}", f.as_raw_fd()))
    }
}

/// What blazesym found for one address.
#[derive(Clone)]
struct Named {
    name: String,
    offset: u64,
    file: Option<String>,
    line: Option<u32>,
}

/// Name file offsets of one ELF file; None where it has no symbol (stripped,
/// or not a function). A symbolizer per file, dropped after it: blazesym keeps
/// every file it opened parsed, and peak memory should be that of the largest
/// file, not of all of them.
fn symbolize_file(path: String, offsets: &[u64], line_info: bool) -> Vec<Option<Named>> {
    let symbolizer = Symbolizer::builder()
        .enable_code_info(line_info)
        .enable_inlined_fns(false)
        .build();
    let mut elf = Elf::new(path);
    elf.debug_syms = line_info;
    let Ok(syms) = symbolizer.symbolize(&Source::Elf(elf), Input::FileOffset(offsets)) else {
        return vec![None; offsets.len()];
    };
    syms.into_iter()
        .map(|s| match s {
            Symbolized::Sym(sym) => Some(Named {
                name: sym.name.to_string(),
                offset: sym.offset as u64,
                file: sym
                    .code_info
                    .as_ref()
                    .map(|ci| ci.to_path().display().to_string()),
                line: sym.code_info.as_ref().and_then(|ci| ci.line),
            }),
            Symbolized::Unknown(_) => None,
        })
        .collect()
}

/// The kernel's text symbols from /proc/kallsyms (types t/T), sorted by address:
/// (address, name, module). Empty when the addresses are hidden (kptr_restrict
/// shows zeros).
pub struct KernelSymbols(Vec<(u64, String, String)>);

impl KernelSymbols {
    pub fn read() -> KernelSymbols {
        let text = std::fs::read_to_string("/proc/kallsyms").unwrap_or_default();
        let mut syms: Vec<(u64, String, String)> = text
            .lines()
            .filter_map(|l| {
                let mut f = l.split_ascii_whitespace();
                let addr = u64::from_str_radix(f.next()?, 16).ok()?;
                let kind = f.next()?;
                let name = f.next()?;
                let module = f
                    .next()
                    .map(|m| m.trim_start_matches('[').trim_end_matches(']'))
                    .unwrap_or("");
                (addr != 0 && (kind == "t" || kind == "T"))
                    .then(|| (addr, name.to_string(), module.to_string()))
            })
            .collect();
        syms.sort_unstable();
        KernelSymbols(syms)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Address ranges of the tracing machinery a probe runs inside (the BPF
    /// program itself, bpf_trace_run*, the tracepoint's iterator): a kernel
    /// stack taken in a tracepoint starts with these frames, which say nothing
    /// about the traced code, so the recorder strips them.
    pub fn probe_machinery(&self) -> Vec<(u64, u64)> {
        const PREFIXES: [&str; 5] = [
            "bpf_prog_",
            "bpf_trace_run",
            "__traceiter_",
            "__bpf_trace_",
            "trace_call_bpf",
        ];
        self.0
            .windows(2)
            .filter(|w| PREFIXES.iter().any(|p| w[0].1.starts_with(p)))
            .map(|w| (w[0].0, w[1].0))
            .collect()
    }

    /// The `kernel_symbols` table.
    pub fn batch(&self) -> RecordBatch {
        let mut addr_b = UInt64Builder::with_capacity(self.0.len());
        let mut name_b = StringBuilder::new();
        let mut module_b = StringBuilder::new();
        for (a, n, m) in &self.0 {
            addr_b.append_value(*a);
            name_b.append_value(n);
            module_b.append_value(m);
        }
        RecordBatch::try_new(
            KERNEL_SYMBOLS.schema(),
            vec![
                Arc::new(addr_b.finish()),
                Arc::new(name_b.finish()),
                Arc::new(module_b.finish()),
            ],
        )
        .expect("kernel_symbols schema")
    }
}
