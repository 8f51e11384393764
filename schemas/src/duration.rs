//! The one grammar of durations that the recorder (`--duration 1h30m`,
//! `--segment 10s`) and the analyzer (`--since 1.5m`, `--interval 500ms`) accept.
//!
//! A duration is one or more `NUMBER UNIT` terms, added up (`1m30s`, `1h 30min`), or a
//! bare number of seconds (`10`, `1.5`). A number is decimal digits with an optional
//! fraction (`2`, `2.5`, `.5`); a unit is one of
//!
//! | unit | spellings |
//! |---|---|
//! | nanoseconds | `ns`, `nsec`, `nanos` |
//! | microseconds | `us`, `µs`, `usec` |
//! | milliseconds | `ms`, `msec`, `millis` |
//! | seconds | `s`, `sec`, `secs`, `second`, `seconds` |
//! | minutes | `m`, `min`, `mins`, `minute`, `minutes` |
//! | hours | `h`, `hr`, `hrs`, `hour`, `hours` |
//! | days | `d`, `day`, `days` |
//! | weeks | `w`, `wk`, `wks`, `week`, `weeks` |
//! | months (30.44 days) | `M`, `month`, `months` |
//! | years (365.25 days) | `y`, `yr`, `yrs`, `year`, `years` |
//!
//! Spaces may stand around numbers and units. Arithmetic is exact in integers; a
//! fraction of a nanosecond is rounded to the nearest one. Zero is a valid duration
//! (an offset of `0s`); callers that need more than zero say so themselves.

use std::fmt;
use std::time::Duration;

/// Why a text is not a duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError {
    text: String,
    problem: &'static str,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid duration {:?}: {} (e.g. 10, 1.5, 500ms, 1.5m, 1h30m)",
            self.text, self.problem
        )
    }
}

impl std::error::Error for DurationError {}

/// Nanoseconds per unit, by spelling.
fn unit_ns(unit: &str) -> Option<u128> {
    const S: u128 = 1_000_000_000;
    Some(match unit {
        "ns" | "nsec" | "nanos" => 1,
        "us" | "µs" | "usec" => 1_000,
        "ms" | "msec" | "millis" => 1_000_000,
        "s" | "sec" | "secs" | "second" | "seconds" => S,
        "m" | "min" | "mins" | "minute" | "minutes" => 60 * S,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600 * S,
        "d" | "day" | "days" => 86_400 * S,
        "w" | "wk" | "wks" | "week" | "weeks" => 7 * 86_400 * S,
        "M" | "month" | "months" => 2_630_016 * S,
        "y" | "yr" | "yrs" | "year" | "years" => 31_557_600 * S,
        _ => return None,
    })
}

/// A number as (digits without the point, 10^digits after it).
fn number(digits: &str) -> Option<(u128, u128)> {
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut value: u128 = 0;
    let mut scale: u128 = 1;
    for c in int.chars() {
        value = value
            .checked_mul(10)?
            .checked_add(u128::from(c.to_digit(10)?))?;
    }
    for c in frac.chars() {
        value = value
            .checked_mul(10)?
            .checked_add(u128::from(c.to_digit(10)?))?;
        scale = scale.checked_mul(10)?;
    }
    Some((value, scale))
}

/// Parse a duration to nanoseconds (see the module documentation for the grammar).
pub fn parse_ns(text: &str) -> Result<u64, DurationError> {
    let fail = |problem| DurationError {
        text: text.to_string(),
        problem,
    };
    let s = text.trim();
    if s.is_empty() {
        return Err(fail("empty"));
    }
    let mut total: u128 = 0;
    let mut rest = s;
    let mut terms = 0;
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (digits, after) = rest.split_at(n_end);
        let (value, scale) = number(digits).ok_or_else(|| fail("expected a number"))?;
        let after = after.trim_start();
        let u_end = after
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(u_end);
        let per = if unit.is_empty() {
            // A bare number is seconds, and only on its own: `1m30` is a mistake.
            if terms > 0 || !after.trim().is_empty() {
                return Err(fail("a number without a unit after another term"));
            }
            1_000_000_000
        } else {
            unit_ns(unit).ok_or_else(|| fail("unknown unit"))?
        };
        let ns = value
            .checked_mul(per)
            .map(|v| (v + scale / 2) / scale)
            .ok_or_else(|| fail("too large"))?;
        total = total.checked_add(ns).ok_or_else(|| fail("too large"))?;
        rest = after.trim_start();
        terms += 1;
    }
    u64::try_from(total).map_err(|_| fail("too large"))
}

/// Parse a duration (see [`parse_ns`]).
pub fn parse(text: &str) -> Result<Duration, DurationError> {
    parse_ns(text).map(Duration::from_nanos)
}

#[cfg(test)]
mod tests {
    use super::{parse, parse_ns};
    use std::time::Duration;

    const S: u64 = 1_000_000_000;

    #[test]
    fn bare_numbers_are_seconds() {
        assert_eq!(parse_ns("10"), Ok(10 * S));
        assert_eq!(parse_ns("1.5"), Ok(S + S / 2));
        assert_eq!(parse_ns(".5"), Ok(S / 2));
        assert_eq!(parse_ns("2."), Ok(2 * S));
        assert_eq!(parse_ns("0"), Ok(0));
        assert_eq!(parse_ns(" 3 "), Ok(3 * S));
    }

    #[test]
    fn units_with_decimals() {
        assert_eq!(parse_ns("7ns"), Ok(7));
        assert_eq!(parse_ns("7us"), Ok(7_000));
        assert_eq!(parse_ns("7µs"), Ok(7_000));
        assert_eq!(parse_ns("500ms"), Ok(S / 2));
        assert_eq!(parse_ns("10s"), Ok(10 * S));
        assert_eq!(parse_ns("10sec"), Ok(10 * S));
        assert_eq!(parse_ns("1.5m"), Ok(90 * S));
        assert_eq!(parse_ns("1.5min"), Ok(90 * S));
        assert_eq!(parse_ns("0.25h"), Ok(900 * S));
        assert_eq!(parse_ns("2 ms"), Ok(2_000_000));
        assert_eq!(parse_ns("1d"), Ok(86_400 * S));
        assert_eq!(parse_ns("0s"), Ok(0));
    }

    #[test]
    fn terms_add_up() {
        assert_eq!(parse_ns("1m30s"), Ok(90 * S));
        assert_eq!(parse_ns("1h30m"), Ok(5_400 * S));
        assert_eq!(parse_ns("2h 37min"), Ok(9_420 * S));
        assert_eq!(parse_ns("1s 500ms"), Ok(S + S / 2));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5_400)));
    }

    #[test]
    fn fractions_of_a_nanosecond_round() {
        assert_eq!(parse_ns("1.5ns"), Ok(2));
        assert_eq!(parse_ns("1.4ns"), Ok(1));
        assert_eq!(parse_ns("0.0000000015"), Ok(2));
    }

    #[test]
    fn not_durations() {
        for bad in [
            "",
            "abc",
            "10 parsecs",
            "1m30",
            "-1",
            "1e3",
            "1..5s",
            ".",
            "s",
            "inf",
            "NaN",
            "5 s s",
            "1.5.2m",
        ] {
            assert!(parse_ns(bad).is_err(), "{bad:?} parsed");
        }
        assert!(parse_ns("99999999999h").is_err(), "overflow");
        let e = parse_ns("10 parsecs").unwrap_err().to_string();
        assert!(
            e.contains("\"10 parsecs\"") && e.contains("unknown unit"),
            "{e}"
        );
    }
}
