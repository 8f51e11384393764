//! The statistics of `retrace diff`: nearest-rank percentiles and the Mann-Whitney U
//! test (normal approximation with tie correction and continuity correction), with
//! Cliff's delta as its effect size. Small and dependency-free: the normal tail comes
//! from a Chebyshev approximation of erfc (fractional error below 1.2e-7).
//!
//! A change is reported only when all three hold: p < [`ALPHA`] (beyond chance),
//! |Cliff's delta| ≥ [`MIN_DELTA`] (the distributions overlap less), and the median moved
//! by [`MIN_MEDIAN_CHANGE`] or more (large enough to matter).

/// Significance level: a shift is reported only when the two-sided p-value is below it.
pub const ALPHA: f64 = 0.01;
/// Minimum effect: |Cliff's delta| at least this (the probability that a value of NEW
/// exceeds one of BASE, minus the reverse). With thousands of values any tiny shift is
/// "significant"; this keeps two runs of the same workload from being flagged.
pub const MIN_DELTA: f64 = 0.2;
/// Minimum practical change: the median must move by at least this fraction. Runs of
/// the same job on a VM differ by up to ~20% in median latency, with distributions
/// tight enough that Cliff's delta alone reaches 0.35.
pub const MIN_MEDIAN_CHANGE: f64 = 0.5;
/// Fewer values than this on either side: no verdict.
pub const MIN_VALUES: usize = 20;

/// The value at quantile `q` (0..=1) of sorted values, by nearest rank; None when empty.
pub fn percentile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The outcome of a Mann-Whitney U test of NEW against BASE.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannWhitney {
    /// U of NEW: pairs (base, new) with new > base, ties counting one half.
    pub u: f64,
    /// Two-sided p-value from the normal approximation.
    pub p: f64,
    /// Cliff's delta: 2U/(n·m) − 1, from −1 (NEW always lower) to +1 (always higher).
    pub delta: f64,
}

impl MannWhitney {
    /// Whether the test finds a shift: p < [`ALPHA`] and |delta| ≥ [`MIN_DELTA`] (the
    /// verdict also asks for [`MIN_MEDIAN_CHANGE`]).
    pub fn significant(&self) -> bool {
        self.p < ALPHA && self.delta.abs() >= MIN_DELTA
    }
}

/// Mann-Whitney U over two samples (any order); None when either is empty.
pub fn mann_whitney(base: &[i64], new: &[i64]) -> Option<MannWhitney> {
    let (n1, n2) = (base.len() as f64, new.len() as f64);
    if base.is_empty() || new.is_empty() {
        return None;
    }
    let mut all: Vec<(i64, bool)> = base.iter().map(|&v| (v, false)).collect();
    all.extend(new.iter().map(|&v| (v, true)));
    all.sort_unstable();
    let total = all.len() as f64;
    let (mut rank_sum_new, mut ties) = (0.0, 0.0);
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        // Ranks i+1 ..= j share their mean.
        let mean_rank = (i + 1 + j) as f64 / 2.0;
        let t = (j - i) as f64;
        ties += t * t * t - t;
        rank_sum_new += mean_rank * all[i..j].iter().filter(|(_, is_new)| *is_new).count() as f64;
        i = j;
    }
    let u = rank_sum_new - n2 * (n2 + 1.0) / 2.0;
    let mean = n1 * n2 / 2.0;
    let var = n1 * n2 / 12.0 * ((total + 1.0) - ties / (total * (total - 1.0)).max(1.0));
    let p = if var <= 0.0 {
        1.0
    } else {
        let z = ((u - mean).abs() - 0.5).max(0.0) / var.sqrt();
        erfc(z / std::f64::consts::SQRT_2).min(1.0)
    };
    Some(MannWhitney {
        u,
        p,
        delta: 2.0 * u / (n1 * n2) - 1.0,
    })
}

/// The complementary error function, Chebyshev fit (fractional error < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = [
        -1.265_512_23,
        1.000_023_68,
        0.374_091_96,
        0.096_784_18,
        -0.186_288_06,
        0.278_868_07,
        -1.135_203_98,
        1.488_515_87,
        -0.822_152_23,
        0.170_872_77,
    ];
    let sum = poly.iter().rev().fold(0.0, |acc, c| acc * t + c);
    let r = t * (-z * z + sum).exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// Whether the median moved by at least [`MIN_MEDIAN_CHANGE`] (from 0, any move).
pub fn median_moved(base: f64, new: f64) -> bool {
    if base == 0.0 {
        new != 0.0
    } else {
        ((new - base) / base).abs() >= MIN_MEDIAN_CHANGE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_known_values() {
        assert!((erfc(0.0) - 1.0).abs() < 1e-7);
        assert!((erfc(1.0) - 0.157_299_207).abs() < 1e-7);
        assert!((erfc(2.0) - 0.004_677_735).abs() < 1e-8);
        assert!((erfc(-1.0) - 1.842_700_793).abs() < 1e-7);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.5), Some(50));
        assert_eq!(percentile(&v, 0.99), Some(99));
        assert_eq!(percentile(&v, 1.0), Some(100));
        assert_eq!(percentile(&v, 0.0), Some(1));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn identical_samples_are_not_different() {
        let a: Vec<i64> = (0..500).map(|i| i % 37).collect();
        let t = mann_whitney(&a, &a).unwrap();
        assert!((t.delta).abs() < 1e-12);
        assert!(t.p > 0.99, "{t:?}");
        assert!(!t.significant());
    }

    #[test]
    fn a_shifted_sample_is_found() {
        let a: Vec<i64> = (0..400).collect();
        let b: Vec<i64> = (200..600).collect();
        let t = mann_whitney(&a, &b).unwrap();
        // P(b > a) = 1 - (200·200/2)/(400·400) = 0.875: delta 0.75.
        assert!((t.delta - 0.75).abs() < 1e-9, "{t:?}");
        assert!(t.p < 1e-30);
        assert!(t.significant());
        let r = mann_whitney(&b, &a).unwrap();
        assert!((r.delta + 0.75).abs() < 1e-9);
    }

    #[test]
    fn the_median_must_move_enough() {
        assert!(!median_moved(100.0, 149.0));
        assert!(median_moved(100.0, 150.0));
        assert!(median_moved(100.0, 50.0));
        assert!(!median_moved(0.0, 0.0));
        assert!(median_moved(0.0, 1.0));
    }

    #[test]
    fn small_exact_u() {
        // base 1,2,3 new 2,4: pairs new>base: (2>1)=1, (2=2)=.5, (4>1,2,3)=3 → 4.5
        let t = mann_whitney(&[1, 2, 3], &[2, 4]).unwrap();
        assert!((t.u - 4.5).abs() < 1e-12);
    }
}
