//! The linear histogram of bcc (`print_linear_hist` in bcc's `table.py`): a
//! `runqlen : count distribution` header and one line per integer value from 0 up
//! to the last nonzero one, with 40-star bars.

use std::io::{self, Write};

/// Print a linear histogram: `vals[v]` is the count of value `v`. Prints nothing when
/// every count is zero.
pub fn print_linear_hist(out: &mut dyn Write, vals: &[u64], val_type: &str) -> io::Result<()> {
    let width = 40u64;
    let Some(idx_max) = vals.iter().rposition(|&v| v > 0) else {
        return Ok(());
    };
    let val_max = vals.iter().copied().max().unwrap_or(0).max(1);
    writeln!(out, "     {val_type:<13} : count     distribution")?;
    for (i, &val) in vals.iter().enumerate().take(idx_max + 1) {
        let stars = (u128::from(val) * u128::from(width) / u128::from(val_max)) as usize;
        writeln!(
            out,
            "        {i:<10} : {val:<8} |{}{}|",
            "*".repeat(stars),
            " ".repeat(width as usize - stars)
        )?;
    }
    Ok(())
}

/// Counts per value from (value, count) pairs.
pub fn values_from_pairs(pairs: impl IntoIterator<Item = (u64, u64)>) -> Vec<u64> {
    let mut vals = Vec::new();
    for (v, count) in pairs {
        // A run queue of thousands is already absurd; cap the table size.
        let v = v.min(65_535) as usize;
        if vals.len() <= v {
            vals.resize(v + 1, 0);
        }
        vals[v] += count;
    }
    vals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_histogram_exact_text() {
        let mut out = Vec::new();
        print_linear_hist(
            &mut out,
            &values_from_pairs([(0, 8), (2, 2), (0, 2)]),
            "runqlen",
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "     runqlen       : count     distribution
        0          : 10       |****************************************|
        1          : 0        |                                        |
        2          : 2        |********                                |
"
        );
    }

    #[test]
    fn empty_linear_histogram_prints_nothing() {
        let mut out = Vec::new();
        print_linear_hist(&mut out, &[0, 0], "runqlen").unwrap();
        assert!(out.is_empty());
    }
}
