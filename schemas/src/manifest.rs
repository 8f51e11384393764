//! `manifest.json`: what a capture is (host, clock, sources, filters, row counts, lost
//! events) and whether it was finalized. Written at start, rewritten atomically at every
//! segment rotation and at the end.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Error, FORMAT_VERSION};

/// File name of the manifest inside a capture folder.
pub const MANIFEST_FILE: &str = "manifest.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Version of the capture format; readers refuse versions newer than theirs.
    pub format_version: u32,
    /// Version of the retrace recorder that wrote the capture.
    pub retrace_version: String,
    /// The recorder's command line.
    pub command_line: Vec<String>,
    pub host: HostInfo,
    /// Clock pair taken when recording started.
    pub clock_start: ClockPair,
    /// Clock pair taken when recording ended (or at the last manifest rewrite while
    /// recording, for an incomplete capture).
    pub clock_end: Option<ClockPair>,
    /// Every source requested, with how it attached or why it could not.
    pub sources: Vec<SourceStatus>,
    pub filters: Filters,
    /// Per table: rows and segments in closed segments.
    pub tables: BTreeMap<String, TableStats>,
    /// The command the recorder launched (`retrace-record -- CMD ...`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<ChildCommand>,
    /// Why recording ended: "duration", "signal SIGINT", "command exited", ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_by: Option<String>,
    /// How the recording went: limits, redaction, shed sources, the recorder's cost.
    #[serde(default, skip_serializing_if = "RecordingInfo::is_empty")]
    pub recording: RecordingInfo,
    /// False until the recorder finalized the capture.
    pub complete: bool,
}

/// What the recorder did beyond recording every event: limits it applied, data it
/// redacted or dropped on purpose, and its own cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordingInfo {
    /// `--max-size`: recording stops once the capture holds this many bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size_bytes: Option<u64>,
    /// Flight-recorder mode (`--ring SIZE`): oldest segments deleted to stay within it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ring: Option<RingInfo>,
    /// `--segment` time limit in ns: a crash loses at most about this much of the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_max_age_ns: Option<u64>,
    /// Fields redacted at record time (`--redact`): "args", "paths", "addrs".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redacted: Vec<String>,
    /// `--max-cpu` percent of one CPU the recorder allowed itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cpu_percent: Option<f64>,
    /// Sources stopped by the overhead guard, with when and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shed: Vec<ShedSource>,
    /// Peak resident memory of the recorder process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_bytes: Option<u64>,
    /// CPU time the recorder process used (user + system).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_ns: Option<u64>,
    /// Stacks and symbols, when a source recorded stacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stacks: Option<StacksInfo>,
}

/// How complete the stacks and their symbols are: what could not be captured or
/// named is counted here, so that unnamed frames are never a silent mystery.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StacksInfo {
    /// Unique stacks written to the `stacks` table.
    pub stacks: u64,
    /// Events whose stack could not be taken (stack map full or a hash collision
    /// with another stack); their stack id is 0.
    pub stack_errors: u64,
    /// Processes seen in a user stack.
    pub processes: u64,
    /// Of those, processes whose mappings could not be read (they exited before
    /// the recorder saw them); their user frames stay unnamed.
    pub processes_without_mappings: u64,
    /// Unique user frame addresses, and how many of them got a symbol name.
    pub user_frames: u64,
    pub user_frames_named: u64,
    /// Kernel text symbols saved from /proc/kallsyms (0: not readable, e.g.
    /// kptr_restrict, so kernel frames stay unnamed).
    pub kernel_symbols: u64,
}

impl RecordingInfo {
    /// Nothing to say (captures written without any of these features).
    pub fn is_empty(&self) -> bool {
        *self == RecordingInfo::default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RingInfo {
    pub max_bytes: u64,
    /// Segments deleted to stay within `max_bytes`, and the rows they held.
    pub dropped_segments: u64,
    pub dropped_rows: u64,
    /// Events in the oldest segment still present start after this time
    /// (CLOCK_MONOTONIC ns); 0 while nothing was dropped.
    pub data_since_monotonic_ns: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShedSource {
    pub source: String,
    /// When it was stopped (CLOCK_MONOTONIC ns).
    pub at_monotonic_ns: u64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostInfo {
    pub hostname: String,
    pub kernel_release: String,
    pub boot_id: String,
    pub cpu_count: u32,
    pub arch: String,
}

/// The same instant read on two clocks: event timestamps are CLOCK_MONOTONIC ns, and
/// `wall = monotonic - monotonic_ns + wall_ns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockPair {
    pub monotonic_ns: u64,
    /// Wall clock (CLOCK_REALTIME) in ns since the Unix epoch.
    pub wall_ns: u64,
}

impl ClockPair {
    /// Convert a CLOCK_MONOTONIC timestamp of the capture to Unix-epoch ns.
    pub fn to_wall_ns(&self, monotonic_ns: u64) -> i128 {
        monotonic_ns as i128 - self.monotonic_ns as i128 + self.wall_ns as i128
    }
    /// Convert Unix-epoch ns to the capture's CLOCK_MONOTONIC.
    pub fn to_monotonic_ns(&self, wall_ns: i128) -> i128 {
        wall_ns - self.wall_ns as i128 + self.monotonic_ns as i128
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceStatus {
    /// Source name as given to `--sources` (e.g. "disk", "proc").
    pub name: String,
    /// Attached probes, or the reason the source could not run.
    pub status: SourceState,
    /// Events the kernel side could not hand over, counted by the BPF programs
    /// (ring buffer or tracking map full) plus probe runs the kernel skipped
    /// (its recursion protection, `recursion_misses`).
    pub lost_events: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SourceState {
    /// The source ran; each probe with the attach type that was used.
    Attached { probes: Vec<ProbeAttach> },
    /// The source could not run on this host.
    Unavailable { reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeAttach {
    /// The event probed, e.g. "block_rq_issue".
    pub probe: String,
    /// "tp_btf", "raw_tp", "tracepoint", "kprobe", "uprobe", "perf_event" or "userspace".
    pub attach: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comm: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableStats {
    pub rows: u64,
    pub segments: u64,
    /// Bytes on disk of the closed segments.
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChildCommand {
    pub argv: Vec<String>,
    pub pid: u32,
    /// Exit code, or 128 + signal number when it was killed by a signal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_status: Option<i32>,
}

/// The largest manifest a reader accepts: a recorder's is a few KiB.
pub const MANIFEST_MAX_BYTES: u64 = 16 << 20;

/// A name a recorder gives tables and sources: 1 to 64 of `a-z`, `0-9`, `_`.
pub fn is_plain_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Manifest {
    /// Parse a manifest and check that this reader understands its format version.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        // Read the version first so a newer format gets a version error, not a
        // confusing field error.
        let probe: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::Manifest(e.to_string()))?;
        let version = probe
            .get("format_version")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| Error::Manifest("no format_version".into()))?;
        if version > FORMAT_VERSION as u64 {
            return Err(Error::NewerFormat {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let m: Manifest =
            serde_json::from_value(probe).map_err(|e| Error::Manifest(e.to_string()))?;
        m.check_names()?;
        Ok(m)
    }

    /// Table and source names become paths and SQL names: a manifest from another
    /// machine may name only what a recorder could have written.
    fn check_names(&self) -> Result<(), Error> {
        let names = self
            .tables
            .keys()
            .map(|t| ("table", t.as_str()))
            .chain(self.sources.iter().map(|s| ("source", s.name.as_str())));
        for (what, name) in names {
            if !is_plain_name(name) {
                return Err(Error::Manifest(format!(
                    "it names a {what} {:?}, which is not a {what} name (lower-case letters, digits and _, at most 64)",
                    name.chars().take(80).collect::<String>()
                )));
            }
        }
        Ok(())
    }

    /// Read `manifest.json` of a capture folder: a regular file (not a link, a FIFO
    /// or a device, which could block or lead out of the capture) of at most
    /// [`MANIFEST_MAX_BYTES`].
    pub fn read(capture_dir: &Path) -> Result<Self, Error> {
        let path = capture_dir.join(MANIFEST_FILE);
        let io = |e: std::io::Error| Error::Io {
            path: path.clone(),
            source: e,
        };
        let md = std::fs::symlink_metadata(&path).map_err(io)?;
        if !md.file_type().is_file() {
            return Err(Error::Manifest(format!(
                "{MANIFEST_FILE} is not a regular file ({})",
                crate::file_kind(&md.file_type())
            )));
        }
        if md.len() > MANIFEST_MAX_BYTES {
            return Err(Error::Manifest(format!(
                "{MANIFEST_FILE} is {} bytes, more than a manifest can be ({MANIFEST_MAX_BYTES})",
                md.len()
            )));
        }
        let text = std::fs::read_to_string(&path).map_err(io)?;
        Self::from_json(&text)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("manifest serializes")
    }

    pub fn source(&self, name: &str) -> Option<&SourceStatus> {
        self.sources.iter().find(|s| s.name == name)
    }

    /// Whether a source attached (so its tables are meaningful, even when empty).
    pub fn source_attached(&self, name: &str) -> bool {
        matches!(
            self.source(name).map(|s| &s.status),
            Some(SourceState::Attached { .. })
        )
    }

    /// Recording span in ns (end - start), when the end is known.
    pub fn span_ns(&self) -> Option<u64> {
        self.clock_end
            .map(|e| e.monotonic_ns.saturating_sub(self.clock_start.monotonic_ns))
    }
}
