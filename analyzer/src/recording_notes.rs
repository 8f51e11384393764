//! What the recorder did on purpose beyond recording every event, as the analyzer
//! reports it: data dropped by flight-recorder mode, sources shed by the overhead
//! guard, redacted fields, limits, and the recorder's own cost (manifest
//! `recording`). Anything that makes a tool's output partial is said next to it.

use std::io::Write;

use retrace_schema::Manifest;

fn secs_since_start(m: &Manifest, monotonic_ns: u64) -> f64 {
    monotonic_ns.saturating_sub(m.clock_start.monotonic_ns) as f64 / 1e9
}

/// Warnings for a tool that reads these sources: sources shed mid-recording
/// (their later events are missing) and flight-recorder drops (earlier events
/// are missing).
pub fn warnings(m: &Manifest, sources: &[&str]) -> Vec<String> {
    let r = &m.recording;
    let mut out = Vec::new();
    for shed in r
        .shed
        .iter()
        .filter(|s| sources.contains(&s.source.as_str()))
    {
        out.push(format!(
            "WARNING: source {} was stopped {:.1}s into the recording ({}); its events after that are missing",
            shed.source,
            secs_since_start(m, shed.at_monotonic_ns),
            shed.reason
        ));
    }
    if let Some(ring) = r.ring.as_ref().filter(|r| r.dropped_segments > 0) {
        out.push(format!(
            "NOTE: flight-recorder mode (--ring) deleted the {} oldest segments ({} rows); events before {:.1}s are missing",
            ring.dropped_segments,
            ring.dropped_rows,
            secs_since_start(m, ring.data_since_monotonic_ns)
        ));
    }
    out
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The `recording:` lines of `retrace info` (nothing when there is nothing to say).
pub fn describe(m: &Manifest, out: &mut dyn Write) -> std::io::Result<()> {
    let r = &m.recording;
    let mut lines = Vec::new();
    if let Some(max) = r.max_size_bytes {
        lines.push(format!("max size        {}", mib(max)));
    }
    if let Some(ring) = &r.ring {
        lines.push(format!(
            "ring            {} (flight recorder): {} oldest segments deleted, {} rows",
            mib(ring.max_bytes),
            ring.dropped_segments,
            ring.dropped_rows
        ));
    }
    if let Some(age) = r.segment_max_age_ns {
        lines.push(format!(
            "segments        every {:.0}s (the most a crash can lose)",
            age as f64 / 1e9
        ));
    }
    if !r.redacted.is_empty() {
        lines.push(format!("redacted        {}", r.redacted.join(", ")));
    }
    if let Some(pct) = r.max_cpu_percent {
        lines.push(format!("max cpu         {pct}% of one CPU"));
    }
    for s in &r.shed {
        lines.push(format!(
            "shed            {} at {:.1}s: {}",
            s.source,
            secs_since_start(m, s.at_monotonic_ns),
            s.reason
        ));
    }
    match (r.cpu_ns, r.peak_rss_bytes) {
        (Some(cpu), Some(rss)) => lines.push(format!(
            "recorder cost   {:.2}s CPU, peak RSS {}",
            cpu as f64 / 1e9,
            mib(rss)
        )),
        (Some(cpu), None) => lines.push(format!("recorder cost   {:.2}s CPU", cpu as f64 / 1e9)),
        _ => {}
    }
    if let Some(st) = &r.stacks {
        lines.push(format!(
            "stacks          {} unique, {} events without a stack (stack map collisions)",
            st.stacks, st.stack_errors
        ));
        lines.push(format!(
            "symbols         {} kernel symbols; {} user frames in {} processes, {} named; \
             {} processes exited before their mappings were read",
            st.kernel_symbols,
            st.user_frames,
            st.processes,
            st.user_frames_named,
            st.processes_without_mappings
        ));
    }
    if lines.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "recording:")?;
    for l in lines {
        writeln!(out, "  {l}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use retrace_schema::manifest::{RingInfo, ShedSource};

    fn manifest() -> Manifest {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/basic/manifest.json"
        ))
        .unwrap();
        Manifest::from_json(&text).unwrap()
    }

    #[test]
    fn shed_and_ring_are_reported_next_to_outputs() {
        let mut m = manifest();
        assert!(warnings(&m, &["disk", "proc"]).is_empty());
        let start = m.clock_start.monotonic_ns;
        m.recording.shed.push(ShedSource {
            source: "disk".into(),
            at_monotonic_ns: start + 2_500_000_000,
            reason: "recorder used 9.0% CPU, over --max-cpu 5.0%".into(),
        });
        m.recording.ring = Some(RingInfo {
            max_bytes: 1 << 20,
            dropped_segments: 3,
            dropped_rows: 120,
            data_since_monotonic_ns: start + 4_000_000_000,
        });
        let w = warnings(&m, &["disk"]);
        assert_eq!(
            w,
            vec![
                "WARNING: source disk was stopped 2.5s into the recording (recorder used 9.0% CPU, over --max-cpu 5.0%); its events after that are missing".to_string(),
                "NOTE: flight-recorder mode (--ring) deleted the 3 oldest segments (120 rows); events before 4.0s are missing".to_string(),
            ]
        );
        assert_eq!(warnings(&m, &["proc"]).len(), 1, "ring note only");
        let mut text = Vec::new();
        describe(&m, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("shed            disk at 2.5s"), "{text}");
        assert!(
            text.contains("3 oldest segments deleted, 120 rows"),
            "{text}"
        );
    }
}
