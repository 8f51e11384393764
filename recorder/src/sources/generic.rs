//! The generic loader: starts any source declared with `Loader::Generic` from its
//! declaration alone. It opens the source's BPF object, picks each probe's attach
//! alternative ([`super::attach`]), switches the other programs off, sets the common
//! filters in `.rodata` (found in the object's BTF), sizes and installs the per-CPU
//! rings, loads, and attaches. An alternative that is offered but fails to load
//! (fentry refused, a changed tracepoint signature) is dropped and the next one
//! tried, and the manifest says what ran.

use std::collections::HashSet;

use anyhow::{anyhow, bail, Context as _, Result};
use libbpf_rs::{Link, MapCore, MapFlags, MapHandle, Object, ObjectBuilder};
use retrace_schema::manifest::ProbeAttach;
use retrace_schema::sources::{Attach, SourceDef};

use super::attach::{choose, fallible, Choice, KernelCaps};
use super::{comm_filter_bytes, LoadedObject, Options, Running};
use crate::decode::layout::ObjectLayouts;
use crate::rings;

/// A loaded generic object and its links.
pub struct GenericObject {
    obj: Object,
    links: Vec<Link>,
    /// Offset of `lost_events` in `.bss`.
    lost_at: Option<usize>,
    /// Offset of `stack_errors` in `.bss` (sources that record stacks).
    stack_errors_at: Option<usize>,
}

impl GenericObject {
    /// A u64 counter of `.bss` at this offset.
    fn bss_u64(&self, at: Option<usize>) -> Option<u64> {
        let off = at?;
        let map = self
            .obj
            .maps()
            .find(|m| m.name().to_string_lossy().ends_with(".bss"))?;
        let v = map.lookup(&0u32.to_ne_bytes(), MapFlags::ANY).ok()??;
        Some(u64::from_ne_bytes(v.get(off..off + 8)?.try_into().ok()?))
    }
}

impl LoadedObject for GenericObject {
    fn lost_events(&self) -> u64 {
        self.bss_u64(self.lost_at).unwrap_or(0) + super::recursion_misses(&self.obj)
    }

    fn stack_errors(&self) -> u64 {
        self.bss_u64(self.stack_errors_at).unwrap_or(0)
    }

    fn detach(&mut self) {
        self.links.clear();
    }
}

/// Write a `.rodata` global by name (absent globals are skipped: not every object
/// filters).
fn set_global(rodata: &mut [u8], layouts: &ObjectLayouts, name: &str, bytes: &[u8]) -> Result<()> {
    let Some((off, size)) = layouts.global(".rodata", name) else {
        return Ok(());
    };
    if size != bytes.len() {
        bail!("{name} in .rodata is {size} bytes, not {}", bytes.len());
    }
    rodata
        .get_mut(off..off + size)
        .ok_or_else(|| anyhow!("{name} lies outside .rodata"))?
        .copy_from_slice(bytes);
    Ok(())
}

fn load(
    def: &SourceDef,
    bytes: &[u8],
    layouts: &ObjectLayouts,
    choices: &[Choice],
    opts: &Options,
) -> Result<Object> {
    let mut open = ObjectBuilder::default()
        .open_memory(bytes)
        .with_context(|| format!("opening the {} BPF object", def.name))?;
    let wanted: HashSet<String> = choices
        .iter()
        .filter_map(|c| c.attach.map(Attach::program))
        .collect();
    for mut p in open.progs_mut() {
        let name = p.name().to_string_lossy().into_owned();
        p.set_autoload(wanted.contains(&name));
    }
    for mut m in open.maps_mut() {
        let name = m.name().to_string_lossy().into_owned();
        if name == "rings" {
            m.set_max_entries(opts.cpus as u32)?;
        } else if name == "stack_map" {
            m.set_max_entries(opts.stack_map_entries)?;
        } else if name.ends_with(".rodata") {
            let rodata = m
                .initial_value_mut()
                .ok_or_else(|| anyhow!("{}: .rodata is not writable", def.name))?;
            set_global(
                rodata,
                layouts,
                "filter_tgid",
                &opts.filter_pid.unwrap_or(0).to_ne_bytes(),
            )?;
            if let Some(c) = &opts.filter_comm {
                let b: Vec<u8> = comm_filter_bytes(c).iter().map(|&c| c as u8).collect();
                set_global(rodata, layouts, "filter_comm", &b)?;
            }
            // Sources that would record the recorder's own work (its Parquet
            // writes) leave it out.
            set_global(
                rodata,
                layouts,
                "exclude_tgid",
                &std::process::id().to_ne_bytes(),
            )?;
            set_global(
                rodata,
                layouts,
                "ring_wakeup_bytes",
                &(opts.ring_bytes / 2).to_ne_bytes(),
            )?;
        }
    }
    Ok(open.load()?)
}

/// Start a generic source on a kernel with these capabilities.
pub fn start(def: &'static SourceDef, opts: &Options, caps: &dyn KernelCaps) -> Result<Running> {
    let object = def
        .object
        .ok_or_else(|| anyhow!("source {} has no BPF object", def.name))?;
    let bytes = retrace_recorder_bpf::object(object)
        .ok_or_else(|| anyhow!("no BPF object {object} was built"))?;
    let layouts = ObjectLayouts::of_object(object, bytes)?;
    let mut excluded = HashSet::new();
    let mut failures = Vec::new();
    let (obj, choices) = loop {
        let choices = choose(def.probes, caps, &excluded).map_err(|e| {
            let before = failures.join("; ");
            if before.is_empty() {
                e
            } else {
                e.context(format!("after load failures: {before}"))
            }
        })?;
        // A source none of whose probes this kernel has cannot run: say so rather
        // than report it attached with nothing attached.
        if choices.iter().all(|c| c.attach.is_none()) {
            let names: Vec<&str> = choices.iter().map(|c| c.probe.name).collect();
            let mut kinds: Vec<&str> = Vec::new();
            for a in choices.iter().flat_map(|c| c.probe.alternatives) {
                if !kinds.contains(&a.kind()) {
                    kinds.push(a.kind());
                }
            }
            let failed = if failures.is_empty() {
                String::new()
            } else {
                format!("; offered but failed to load: {}", failures.join("; "))
            };
            bail!(
                "this kernel offered no probe for {} (tried {}){failed}",
                names.join(", "),
                kinds.join(", ")
            );
        }
        match load(def, bytes, &layouts, &choices, opts) {
            Ok(obj) => break (obj, choices),
            Err(e) => {
                let retry = fallible(&choices);
                if retry.iter().all(|a| excluded.contains(a)) || retry.is_empty() {
                    return Err(e.context(format!("loading the {} BPF object", def.name)));
                }
                failures.push(format!("{e:#}"));
                excluded.extend(retry);
            }
        }
    };
    let rings_map = obj
        .maps()
        .find(|m| m.name() == "rings")
        .ok_or_else(|| anyhow!("the {} BPF object has no rings map", def.name))?;
    let rings = rings::install(
        &rings_map as &dyn MapCore,
        opts.cpus,
        opts.ring_bytes,
        def.name,
    )?;
    let mut links = Vec::new();
    let mut probes = Vec::new();
    for c in &choices {
        let Some(a) = c.attach else {
            let tried: Vec<String> = c
                .probe
                .alternatives
                .iter()
                .map(|a| format!("{} {}", a.kind(), a.target()))
                .collect();
            probes.push(ProbeAttach {
                probe: c.probe.name.to_string(),
                attach: format!("unavailable: tried {}", tried.join(", ")),
            });
            continue;
        };
        let name = a.program();
        let prog = obj
            .progs_mut()
            .find(|p| p.name().to_string_lossy() == name)
            .ok_or_else(|| anyhow!("the {} BPF object has no program {name}", def.name))?;
        links.push(prog.attach().with_context(|| {
            format!("attaching {} ({} {})", c.probe.name, a.kind(), a.target())
        })?);
        probes.push(ProbeAttach {
            probe: c.probe.name.to_string(),
            attach: if a.target() == c.probe.name.rsplit(':').next().unwrap_or_default() {
                a.kind().to_string()
            } else {
                format!("{} {}", a.kind(), a.target())
            },
        });
    }
    let lost_at = layouts.global(".bss", "lost_events").map(|(off, _)| off);
    let stack_errors_at = layouts.global(".bss", "stack_errors").map(|(off, _)| off);
    // A source that records stacks hands its stack map to the stack collector.
    let stack_map = if def.records_stacks {
        let map = obj
            .maps()
            .find(|m| m.name() == "stack_map")
            .ok_or_else(|| anyhow!("the {} BPF object has no stack_map", def.name))?;
        Some(MapHandle::try_from(&map)?)
    } else {
        None
    };
    let mut running = Running::new(
        def.name,
        probes,
        rings,
        Box::new(GenericObject {
            obj,
            links,
            lost_at,
            stack_errors_at,
        }),
    );
    running.stack_map = stack_map;
    Ok(running)
}
