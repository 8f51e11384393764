//! What decoding needs besides the record: which source it came from (its stack
//! map), the redaction rules, and names resolved on the recording host (disks,
//! softirq vectors, sampled counters), each looked up once and cached.

use std::collections::HashMap;

use crate::redact::Redact;
use crate::stacks::Stacks;

/// Resolves device numbers to disk names through /sys on the recording host.
#[derive(Default)]
pub struct DiskNames {
    names: HashMap<(u32, u32), String>,
    /// Devices of the file systems mounted on the recording host (read once).
    mounted: Option<std::collections::HashSet<(u32, u32)>>,
}

impl DiskNames {
    /// Whether a file system on this device is mounted here (/proc/self/mountinfo):
    /// the kernel's bdev pseudo file system never is.
    pub fn is_mounted(&mut self, major: u32, minor: u32) -> bool {
        self.mounted
            .get_or_insert_with(|| {
                std::fs::read_to_string("/proc/self/mountinfo")
                    .unwrap_or_default()
                    .lines()
                    .filter_map(|l| {
                        let (ma, mi) = l.split_whitespace().nth(2)?.split_once(':')?;
                        Some((ma.parse().ok()?, mi.parse().ok()?))
                    })
                    .collect()
            })
            .contains(&(major, minor))
    }

    pub fn name(&mut self, major: u32, minor: u32) -> &str {
        self.names
            .entry((major, minor))
            .or_insert_with(|| {
                std::fs::read_link(format!("/sys/dev/block/{major}:{minor}"))
                    .ok()
                    .and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
                    .unwrap_or_else(|| format!("{major}:{minor}"))
            })
            .as_str()
    }

    /// The name of a block device of this host, None when there is none.
    pub fn known(&mut self, major: u32, minor: u32) -> Option<&str> {
        let name = self.name(major, minor);
        (name != format!("{major}:{minor}")).then_some(name)
    }
}

#[derive(Default)]
pub struct Context {
    /// Index of the source whose record is decoded (its stack map).
    pub src: usize,
    pub redact: Redact,
    pub disks: DiskNames,
    pub stacks: Stacks,
    /// Names of the `pmc` counters, by attach cookie.
    pub pmc_counters: Vec<&'static str>,
    softirqs: Option<Vec<String>>,
}

impl Context {
    pub fn new(redact: Redact) -> Self {
        Context {
            redact,
            ..Default::default()
        }
    }

    /// Softirq vector names, in vector order, from the running kernel's BTF (the
    /// `*_SOFTIRQ` enumerators): the kernel's own list, not a copy of it.
    pub fn softirq_names(&mut self) -> &[String] {
        self.softirqs.get_or_insert_with(softirq_names_of_kernel)
    }
}

pub fn softirq_names_of_kernel() -> Vec<String> {
    use libbpf_rs::btf::types::Enum;
    let Ok(btf) = libbpf_rs::btf::Btf::from_vmlinux() else {
        return Vec::new();
    };
    for e in btf.type_by_kind::<Enum<'_>>() {
        let members: Vec<(String, i64)> = e
            .iter()
            .filter_map(|m| Some((m.name?.to_str()?.to_string(), m.value)))
            .collect();
        if !members.iter().any(|(n, _)| n == "HI_SOFTIRQ") {
            continue;
        }
        let mut names = Vec::new();
        for (n, v) in members {
            if let Some(base) = n.strip_suffix("_SOFTIRQ") {
                let i = v as usize;
                if names.len() <= i {
                    names.resize(i + 1, String::new());
                }
                names[i] = base.to_ascii_lowercase();
            }
        }
        return names;
    }
    Vec::new()
}
