//! Time selection: `--since/--until` (an offset from the capture start such as `10s`,
//! `1.5m`, `500ms`, or a wall-clock time, RFC 3339 or `HH:MM:SS` in local time on the
//! capture's date) and `--interval`, resolved to a window of CLOCK_MONOTONIC ns that the
//! tool queries receive as parameters.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use retrace_schema::manifest::ClockPair;

use crate::error::{Error, Result};

/// The part of a capture a tool looks at, in CLOCK_MONOTONIC ns, cut into intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First ns of the window (inclusive).
    pub start_ns: u64,
    /// End of the window (exclusive).
    pub end_ns: u64,
    /// Width of one interval; the whole window when no `--interval` was given.
    pub interval_ns: u64,
    /// Whether the user asked for per-interval output.
    pub per_interval: bool,
}

impl Window {
    /// Number of intervals in the window (the last one may be shorter).
    pub fn intervals(&self) -> u64 {
        let span = self.end_ns - self.start_ns;
        span.div_ceil(self.interval_ns).max(1)
    }

    /// Start and end (exclusive) of interval `i`.
    pub fn interval_bounds(&self, i: u64) -> (u64, u64) {
        let s = self.start_ns + i * self.interval_ns;
        (s, (s + self.interval_ns).min(self.end_ns))
    }
}

/// Where the capture's data lies in time.
#[derive(Debug, Clone, Copy)]
pub struct CaptureSpan {
    pub start_ns: u64,
    pub end_ns: u64,
    /// The clock pair of the recording start, to read wall-clock times.
    pub clock: ClockPair,
}

/// Resolve `--since/--until/--interval` against a capture.
pub fn resolve(
    span: &CaptureSpan,
    since: Option<&str>,
    until: Option<&str>,
    interval: Option<&str>,
) -> Result<Window> {
    let start = match since {
        Some(s) => parse_point(s, span).map_err(|e| Error::Usage(format!("--since {s}: {e}")))?,
        None => span.start_ns as i128,
    };
    let end = match until {
        Some(s) => parse_point(s, span).map_err(|e| Error::Usage(format!("--until {s}: {e}")))?,
        None => span.end_ns as i128,
    };
    let length = fmt_secs(span.end_ns.saturating_sub(span.start_ns));
    if span.end_ns <= span.start_ns.saturating_add(1) && since.is_none() && until.is_none() {
        return Err(Error::Data(
            "the capture covers no time (its manifest has no end after its start, and it holds no rows after its start)".into(),
        ));
    }
    if start >= span.end_ns as i128 {
        return Err(Error::Usage(format!(
            "--since {} is after the end of the capture (it spans 0s..{length})",
            since.unwrap_or_default()
        )));
    }
    if end <= span.start_ns as i128 {
        return Err(Error::Usage(format!(
            "--until {} is before the start of the capture (it spans 0s..{length})",
            until.unwrap_or_default()
        )));
    }
    if start >= end {
        return Err(Error::Usage(format!(
            "empty time window: --since {} is not before --until {}",
            since.unwrap_or("(capture start)"),
            until.unwrap_or("(capture end)")
        )));
    }
    let start_ns = start.max(span.start_ns as i128) as u64;
    let end_ns = end.min(span.end_ns as i128).max(start_ns as i128 + 1) as u64;
    let (interval_ns, per_interval) = match interval {
        Some(s) => {
            let ns = parse_duration(s).filter(|&ns| ns > 0).ok_or_else(|| {
                Error::Usage(format!(
                    "--interval {s}: expected seconds (e.g. 1, 0.5, 500ms)"
                ))
            })?;
            (ns, true)
        }
        None => (end_ns - start_ns, false),
    };
    Ok(Window {
        start_ns,
        end_ns,
        interval_ns,
        per_interval,
    })
}

/// Parse a point in time: an offset from the capture start, or a wall-clock time.
fn parse_point(s: &str, span: &CaptureSpan) -> std::result::Result<i128, String> {
    let s = s.trim();
    if s.contains(':') {
        let wall = parse_wall(s, span)?;
        return Ok(span.clock.to_monotonic_ns(wall));
    }
    parse_duration(s)
        .map(|ns| span.start_ns as i128 + ns as i128)
        .ok_or_else(|| {
            "expected an offset from the capture start (10s, 1.5m, 500ms) or a time (HH:MM:SS, RFC 3339)"
                .to_string()
        })
}

/// Parse a duration in the grammar shared with the recorder
/// ([`retrace_schema::duration`]): `10`, `1.5` (seconds), `500ms`, `1.5m`, `1h30m`, ...
pub fn parse_duration(s: &str) -> Option<u64> {
    retrace_schema::duration::parse_ns(s).ok()
}

/// Parse a wall-clock time to Unix-epoch ns. `HH:MM:SS[.frac]` is local time on the
/// capture's start date (the next day if that puts it before the capture start and the
/// capture runs past midnight).
fn parse_wall(s: &str, span: &CaptureSpan) -> std::result::Result<i128, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp_nanos_opt().ok_or("time out of range")? as i128);
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return local_ns(t);
        }
    }
    let time = NaiveTime::parse_from_str(s, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M"))
        .map_err(|_| "expected HH:MM:SS, an RFC 3339 time, or an offset such as 10s".to_string())?;
    let start_wall = span.clock.to_wall_ns(span.start_ns);
    let date = local_datetime(start_wall)
        .ok_or("capture start time out of range")?
        .date_naive();
    let mut wall = local_ns(NaiveDateTime::new(date, time))?;
    if wall < start_wall {
        let next: NaiveDate = date.succ_opt().ok_or("date out of range")?;
        let next_wall = local_ns(NaiveDateTime::new(next, time))?;
        if next_wall < span.clock.to_wall_ns(span.end_ns) {
            wall = next_wall;
        }
    }
    Ok(wall)
}

fn local_ns(t: NaiveDateTime) -> std::result::Result<i128, String> {
    let local = Local
        .from_local_datetime(&t)
        .earliest()
        .ok_or("no such local time (daylight saving gap)")?;
    Ok(local.timestamp_nanos_opt().ok_or("time out of range")? as i128)
}

fn local_datetime(wall_ns: i128) -> Option<DateTime<Local>> {
    let ns = i64::try_from(wall_ns).ok()?;
    Some(DateTime::from_timestamp_nanos(ns).with_timezone(&Local))
}

/// A capture timestamp as local wall-clock time with the given strftime format.
pub fn wall_time(clock: &ClockPair, monotonic_ns: u64, fmt: &str) -> String {
    match local_datetime(clock.to_wall_ns(monotonic_ns)) {
        Some(t) => t.format(fmt).to_string(),
        None => "?".to_string(),
    }
}

/// Nanoseconds as seconds with up to three decimals ("12.5s", "0s").
pub fn fmt_secs(ns: u64) -> String {
    let s = format!("{:.3}", ns as f64 / 1e9);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span() -> CaptureSpan {
        CaptureSpan {
            start_ns: 1_000_000_000_000,
            end_ns: 1_010_000_000_000,
            clock: ClockPair {
                monotonic_ns: 1_000_000_000_000,
                wall_ns: 1_700_000_000_000_000_000,
            },
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Some(10_000_000_000));
        assert_eq!(parse_duration("1.5m"), Some(90_000_000_000));
        assert_eq!(parse_duration("500ms"), Some(500_000_000));
        assert_eq!(parse_duration("2"), Some(2_000_000_000));
        assert_eq!(parse_duration("7us"), Some(7_000));
        assert_eq!(parse_duration("abc"), None);
        assert_eq!(parse_duration("10 parsecs"), None);
        // The recorder's forms too: one grammar for both.
        assert_eq!(parse_duration("1m30s"), Some(90_000_000_000));
    }

    #[test]
    fn offsets_and_clamping() {
        let w = resolve(&span(), Some("2s"), Some("1h"), None).unwrap();
        assert_eq!(w.start_ns, 1_002_000_000_000);
        assert_eq!(w.end_ns, 1_010_000_000_000);
        assert_eq!(w.intervals(), 1);
        let w = resolve(&span(), None, None, Some("3")).unwrap();
        assert_eq!(w.intervals(), 4);
        assert_eq!(w.interval_bounds(3), (1_009_000_000_000, 1_010_000_000_000));
    }

    #[test]
    fn outside_the_capture_is_an_error() {
        assert!(resolve(&span(), Some("11s"), None, None).is_err());
        assert!(resolve(&span(), Some("5s"), Some("4s"), None).is_err());
        assert!(resolve(&span(), None, None, Some("0")).is_err());
    }

    #[test]
    fn rfc3339_wall_clock() {
        // wall start is 2023-11-14T22:13:20Z
        let w = resolve(&span(), Some("2023-11-14T22:13:25Z"), None, None).unwrap();
        assert_eq!(w.start_ns, 1_005_000_000_000);
    }
}
