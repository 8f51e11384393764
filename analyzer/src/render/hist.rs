//! The log2 histogram of libbpf-tools (`print_log2_hist` in `trace_helpers.c`),
//! reproduced character for character: the `usecs : count distribution` header, one
//! line per power-of-two slot up to the last nonzero one, and 40-star bars (20 when a
//! slot beyond 32 is used).

use std::io::{self, Write};

/// Print a log2 histogram: `vals[s]` is the count of slot `s` (values 2^s ..= 2^(s+1)-1,
/// slot 0 holds 0 and 1). Prints nothing when every count is zero, like libbpf-tools.
pub fn print_log2_hist(out: &mut dyn Write, vals: &[u64], val_type: &str) -> io::Result<()> {
    let stars_max = 40;
    let Some(idx_max) = vals.iter().rposition(|&v| v > 0) else {
        return Ok(());
    };
    let val_max = vals.iter().copied().max().unwrap_or(0);
    let wide = idx_max > 32;
    let (pad, type_width, stars, width) = if wide {
        (15, 29, stars_max / 2, 20)
    } else {
        (5, 19, stars_max, 10)
    };
    writeln!(
        out,
        "{:pad$}{val_type:<type_width$} : count    distribution",
        ""
    )?;
    for (i, &val) in vals.iter().enumerate().take(idx_max + 1) {
        let high: u128 = (1u128 << (i + 1)) - 1;
        let mut low: u128 = (1u128 << (i + 1)) >> 1;
        if low == high {
            low -= 1;
        }
        write!(out, "{low:>width$} -> {high:<width$} : {val:<8} |")?;
        print_stars(out, val, val_max, stars)?;
        writeln!(out, "|")?;
    }
    Ok(())
}

fn print_stars(out: &mut dyn Write, val: u64, val_max: u64, width: u64) -> io::Result<()> {
    let num_stars = (val.min(val_max) as u128 * width as u128 / val_max.max(1) as u128) as usize;
    let num_spaces = width as usize - num_stars;
    write!(out, "{}{}", "*".repeat(num_stars), " ".repeat(num_spaces))?;
    if val > val_max {
        write!(out, "+")?;
    }
    Ok(())
}

/// Counts per slot from (slot, count) pairs.
pub fn slots_from_pairs(pairs: impl IntoIterator<Item = (u64, u64)>) -> Vec<u64> {
    let mut vals = Vec::new();
    for (slot, count) in pairs {
        let slot = slot.min(63) as usize;
        if vals.len() <= slot {
            vals.resize(slot + 1, 0);
        }
        vals[slot] += count;
    }
    vals
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(vals: &[u64], unit: &str) -> String {
        let mut out = Vec::new();
        print_log2_hist(&mut out, vals, unit).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn empty_histogram_prints_nothing() {
        assert_eq!(render(&[], "usecs"), "");
        assert_eq!(render(&[0, 0, 0], "usecs"), "");
    }

    #[test]
    fn narrow_histogram() {
        assert_eq!(
            render(&[1, 0, 3], "msecs"),
            "     msecs               : count    distribution
         0 -> 1          : 1        |*************                           |
         2 -> 3          : 0        |                                        |
         4 -> 7          : 3        |****************************************|
"
        );
    }

    #[test]
    fn wide_histogram_beyond_slot_32() {
        let mut vals = vec![0; 34];
        vals[0] = 2;
        vals[33] = 1;
        let text = render(&vals, "nsecs");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 35);
        assert_eq!(
            lines[0],
            "               nsecs                         : count    distribution"
        );
        assert_eq!(
            lines[1],
            "                   0 -> 1                    : 2        |********************|"
        );
        assert_eq!(
            lines[34],
            "          8589934592 -> 17179869183          : 1        |**********          |"
        );
    }

    #[test]
    fn pairs_fold_into_slots() {
        assert_eq!(slots_from_pairs([(2, 5), (0, 1), (2, 1)]), vec![1, 0, 6]);
    }
}
