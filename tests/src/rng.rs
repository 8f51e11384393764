//! A small seeded pseudo-random generator (SplitMix64), so fixtures are the same on
//! every machine without pulling in a random-number crate.

/// SplitMix64: fast, well mixed, and reproducible from a 64-bit seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi` (hi exclusive).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// A value spread over many powers of two: 2^e times a factor in [1, 2), e in lo..hi.
    pub fn log_spread(&mut self, lo_exp: u32, hi_exp: u32) -> u64 {
        let e = self.range(lo_exp as u64, hi_exp as u64) as u32;
        let base = 1u64 << e;
        base + self.range(0, base.max(1))
    }
}
