//! Stacks: turns the per-source stack-map ids of event records into capture-wide
//! ids, writes each unique stack once (`stacks`), and reads the mappings of every
//! process seen in a user stack the moment it is first seen (`user_mappings`),
//! before it can exit, so that its frames can be named at the end.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, ListBuilder, StringBuilder, UInt32Builder, UInt64Builder,
};
use libbpf_rs::{MapCore, MapFlags, MapHandle};

/// One executable file mapping of a process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub start: u64,
    pub end: u64,
    pub file_offset: u64,
    pub path: String,
}

/// How often a process's mappings are read again when a frame falls outside
/// every known one (dlopen, JIT); bounded so a JIT cannot make us loop on /proc.
const MAX_REREADS: u32 = 4;

#[derive(Default)]
struct StackRows {
    id: UInt32Builder,
    user: BooleanBuilder,
    frames: ListBuilder<UInt64Builder>,
    rows: usize,
}

#[derive(Default)]
struct MappingRows {
    pid: UInt32Builder,
    start: UInt64Builder,
    end: UInt64Builder,
    offset: UInt64Builder,
    path: StringBuilder,
    build_id: StringBuilder,
    rows: usize,
}

/// Stacks seen so far, and the processes they belong to.
#[derive(Default)]
pub struct Stacks {
    /// Stack map of each source that records stacks, by source index.
    maps: HashMap<usize, MapHandle>,
    by_source_id: HashMap<(usize, i32), u32>,
    by_frames: HashMap<(bool, Vec<u64>), u32>,
    /// Frames of each capture-wide id (index id - 1).
    frames: Vec<Arc<[u64]>>,
    /// (pid, user stack id) pairs seen, to symbolize at the end.
    pub user_stacks: HashSet<(u32, u32)>,
    pub mappings: HashMap<u32, Vec<Mapping>>,
    rereads: HashMap<u32, u32>,
    /// Processes whose mappings could not be read (gone before we looked).
    pub unmapped: HashSet<u32>,
    build_ids: HashMap<String, Option<String>>,
    /// Sorted kernel address ranges of the probe's own frames, stripped from
    /// the leaf end of kernel stacks.
    probe_machinery: Vec<(u64, u64)>,
    /// Sources whose kernel stacks are taken in a tracepoint (offcpu), not
    /// from an interrupted context (profile, where a BPF program on the CPU is
    /// real work to show).
    strip_sources: HashSet<usize>,
    stack_rows: StackRows,
    mapping_rows: MappingRows,
}

impl Stacks {
    /// The stack map of source `source`. `in_tracepoint`: its kernel stacks are
    /// taken inside a tracepoint, so they start with the probe's own frames.
    pub fn add_map(&mut self, source: usize, map: MapHandle, in_tracepoint: bool) {
        self.maps.insert(source, map);
        if in_tracepoint {
            self.strip_sources.insert(source);
        }
    }

    pub fn set_probe_machinery(&mut self, ranges: Vec<(u64, u64)>) {
        self.probe_machinery = ranges;
    }

    fn is_probe_machinery(&self, addr: u64) -> bool {
        let i = self.probe_machinery.partition_point(|r| r.0 <= addr);
        i > 0 && addr < self.probe_machinery[i - 1].1
    }

    /// Unique stacks so far.
    pub fn count(&self) -> usize {
        self.frames.len()
    }

    /// Frames of a capture-wide stack id.
    pub fn frames(&self, id: u32) -> Option<&[u64]> {
        self.frames.get(id.checked_sub(1)? as usize).map(|f| &f[..])
    }

    /// The capture-wide id of stack `kid` of source `src` (0: no stack). `pid`
    /// is the process of a user stack, whose mappings are read now if new.
    pub fn resolve(&mut self, src: usize, kid: i32, user: bool, pid: u32) -> u32 {
        if kid < 0 {
            return 0;
        }
        let id = match self.by_source_id.get(&(src, kid)) {
            Some(&id) => id,
            None => {
                let Some(mut frames) = self.read_stack(src, kid) else {
                    return 0;
                };
                if !user && self.strip_sources.contains(&src) {
                    let skip = frames
                        .iter()
                        .take_while(|&&a| self.is_probe_machinery(a))
                        .count();
                    frames.drain(..skip);
                    if frames.is_empty() {
                        return 0;
                    }
                }
                let id = self.intern(user, frames);
                self.by_source_id.insert((src, kid), id);
                id
            }
        };
        self.note_user_stack(id, user, pid);
        id
    }

    /// The capture-wide id of a stack whose frames came in the record (0 for
    /// no frames).
    pub fn intern_frames(&mut self, frames: &[u64], user: bool, pid: u32) -> u32 {
        if frames.is_empty() {
            return 0;
        }
        let id = match self.by_frames.get(&(user, frames.to_vec())) {
            Some(&id) => id,
            None => self.intern(user, frames.to_vec()),
        };
        self.note_user_stack(id, user, pid);
        id
    }

    /// A user stack of `pid`: read the process's mappings if they are new.
    fn note_user_stack(&mut self, id: u32, user: bool, pid: u32) {
        if user && pid != 0 && self.user_stacks.insert((pid, id)) {
            let frames = self.frames[id as usize - 1].clone();
            self.ensure_mappings(pid, &frames);
        }
    }

    fn read_stack(&self, src: usize, kid: i32) -> Option<Vec<u64>> {
        let map = self.maps.get(&src)?;
        let raw = map
            .lookup(&(kid as u32).to_ne_bytes(), MapFlags::ANY)
            .ok()
            .flatten()?;
        let frames: Vec<u64> = raw
            .chunks_exact(8)
            .map(|c| u64::from_ne_bytes(c.try_into().unwrap()))
            .take_while(|&a| a != 0)
            .collect();
        (!frames.is_empty()).then_some(frames)
    }

    fn intern(&mut self, user: bool, frames: Vec<u64>) -> u32 {
        if let Some(&id) = self.by_frames.get(&(user, frames.clone())) {
            return id;
        }
        let id = self.frames.len() as u32 + 1;
        let r = &mut self.stack_rows;
        r.id.append_value(id);
        r.user.append_value(user);
        for &a in &frames {
            r.frames.values().append_value(a);
        }
        r.frames.append(true);
        r.rows += 1;
        self.frames.push(frames.clone().into());
        self.by_frames.insert((user, frames), id);
        id
    }

    /// Read the process's executable mappings unless the ones we have already
    /// cover every frame.
    fn ensure_mappings(&mut self, pid: u32, frames: &[u64]) {
        if let Some(known) = self.mappings.get(&pid) {
            let covered = frames
                .iter()
                .all(|&a| known.iter().any(|m| m.start <= a && a < m.end));
            let rereads = self.rereads.entry(pid).or_default();
            if covered || *rereads >= MAX_REREADS {
                return;
            }
            *rereads += 1;
        }
        let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/maps")) else {
            if !self.mappings.contains_key(&pid) {
                self.unmapped.insert(pid);
            }
            return;
        };
        self.unmapped.remove(&pid);
        let fresh = parse_maps(&text);
        for m in fresh {
            let known = self.mappings.entry(pid).or_default();
            if known.contains(&m) {
                continue;
            }
            let build_id = self.build_id(pid, &m);
            let r = &mut self.mapping_rows;
            r.pid.append_value(pid);
            r.start.append_value(m.start);
            r.end.append_value(m.end);
            r.offset.append_value(m.file_offset);
            r.path.append_value(&m.path);
            r.build_id.append_option(build_id);
            r.rows += 1;
            self.mappings.entry(pid).or_default().push(m);
        }
    }

    fn build_id(&mut self, pid: u32, m: &Mapping) -> Option<String> {
        if m.path.starts_with('[') {
            return None;
        }
        if let Some(b) = self.build_ids.get(&m.path) {
            return b.clone();
        }
        let b = openable_path(pid, m).and_then(|p| {
            blazesym::helper::read_elf_build_id(&p)
                .ok()
                .flatten()
                .map(|id| id.iter().map(|b| format!("{b:02x}")).collect::<String>())
        });
        self.build_ids.insert(m.path.clone(), b.clone());
        b
    }

    /// Finished `stacks` rows, if any.
    pub fn take_stack_rows(&mut self, all: bool, batch_rows: usize) -> Option<Vec<ArrayRef>> {
        let r = &mut self.stack_rows;
        if r.rows == 0 || (!all && r.rows < batch_rows) {
            return None;
        }
        r.rows = 0;
        Some(vec![
            Arc::new(r.id.finish()),
            Arc::new(r.user.finish()),
            Arc::new(r.frames.finish()),
        ])
    }

    /// Finished `user_mappings` rows, if any.
    pub fn take_mapping_rows(&mut self, all: bool, batch_rows: usize) -> Option<Vec<ArrayRef>> {
        let r = &mut self.mapping_rows;
        if r.rows == 0 || (!all && r.rows < batch_rows) {
            return None;
        }
        r.rows = 0;
        Some(vec![
            Arc::new(r.pid.finish()),
            Arc::new(r.start.finish()),
            Arc::new(r.end.finish()),
            Arc::new(r.offset.finish()),
            Arc::new(r.path.finish()),
            Arc::new(r.build_id.finish()),
        ])
    }
}

/// A path through which the mapped file can be opened now: the process's own
/// view of it while it lives (other mount namespaces, deleted files), else the
/// path it had.
pub fn openable_path(pid: u32, m: &Mapping) -> Option<String> {
    let candidates = [
        format!("/proc/{pid}/map_files/{:x}-{:x}", m.start, m.end),
        format!("/proc/{pid}/root{}", m.path),
        m.path.clone(),
    ];
    candidates
        .into_iter()
        .find(|p| std::fs::metadata(p).is_ok())
}

/// Executable, file-backed mappings (and the vDSO) of a /proc/PID/maps text.
fn parse_maps(text: &str) -> Vec<Mapping> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut f = line.split_ascii_whitespace();
        let (Some(range), Some(perms), Some(offset)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let _dev = f.next();
        let _inode = f.next();
        let path = f.collect::<Vec<_>>().join(" ");
        if !perms.contains('x') || !(path.starts_with('/') || path == "[vdso]") {
            continue;
        }
        let Some((s, e)) = range.split_once('-') else {
            continue;
        };
        let (Ok(start), Ok(end), Ok(file_offset)) = (
            u64::from_str_radix(s, 16),
            u64::from_str_radix(e, 16),
            u64::from_str_radix(offset, 16),
        ) else {
            continue;
        };
        out.push(Mapping {
            start,
            end,
            file_offset,
            path: path.trim_end_matches(" (deleted)").to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_keep_executable_files_and_vdso() {
        let text = "\
55d0c0a00000-55d0c0a02000 r--p 00000000 fd:01 1234 /usr/bin/cat
55d0c0a02000-55d0c0a07000 r-xp 00002000 fd:01 1234 /usr/bin/cat
7f0000000000-7f0000021000 rw-p 00000000 00:00 0 [heap]
7f1000000000-7f1000100000 r-xp 00028000 fd:01 99 /usr/lib/x86_64-linux-gnu/libc.so.6
7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0 [vdso]
7f2000000000-7f2000001000 r-xp 00000000 fd:01 77 /tmp/my prog (deleted)
";
        let maps = parse_maps(text);
        assert_eq!(maps.len(), 4);
        assert_eq!(maps[0].start, 0x55d0c0a02000);
        assert_eq!(maps[0].file_offset, 0x2000);
        assert_eq!(maps[1].path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
        assert_eq!(maps[2].path, "[vdso]");
        assert_eq!(maps[3].path, "/tmp/my prog");
    }
}
