//! The simulator's own seeded pseudo-random numbers, so a log never changes with a crate upgrade.
//!
//! Owns `SplitMix64` (seeding and hashing) and `Xoshiro256` (xoshiro256**, Blackman and Vigna,
//! the generator every draw comes from), plus the derived draws the simulator needs: uniform floats,
//! bounded integers, weighted choices and a log-normal-like skewed factor. Only integer arithmetic
//! and IEEE-754 `+ - * /` are used (no `exp`, `ln` or `cos` from the platform's maths library,
//! whose last bits may differ between platforms), so the same seed gives the same numbers
//! everywhere. Every draw is O(1).

/// 2^-53: turns the top 53 bits of a `u64` into a float in [0, 1).
const INV_2_53: f64 = 1.0 / 9_007_199_254_740_992.0;

/// `SplitMix64` (Steele, Lea and Flood): a tiny generator used to seed and to hash.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `state`.
    pub(crate) fn new(state: u64) -> Self {
        SplitMix64 { state }
    }

    /// The next output.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }
}

/// `SplitMix64`'s finaliser: a good 64-bit hash (a bijection).
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256**: the generator behind every simulated draw.
#[derive(Debug, Clone)]
pub(crate) struct Xoshiro256 {
    s: [u64; 4],
}

impl Xoshiro256 {
    /// A generator for stream `stream` of `seed`: the seed and the stream are hashed through
    /// `SplitMix64`, which fills the four state words (never all zero in practice).
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        let mut sm = SplitMix64::new(mix(seed) ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let s = [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()];
        Xoshiro256::from_state(if s == [0; 4] { [1, 0, 0, 0] } else { s })
    }

    /// A generator with exactly this state (for the reference test vector).
    pub(crate) fn from_state(s: [u64; 4]) -> Self {
        Xoshiro256 { s }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A float in [0, 1) with 53 random bits.
    pub(crate) fn unit(&mut self) -> f64 {
        to_unit(self.next_u64())
    }

    /// Whether an event of probability `p` happens.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An integer in `0..n` (`n` > 0), by Lemire's multiply-shift (bias below 2^-32 for the small
    /// `n` used here).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// An index in `0..n` (`n` > 0).
    pub(crate) fn index(&mut self, n: usize) -> usize {
        usize::try_from(self.below(n as u64)).unwrap_or(0)
    }

    /// An index into `cumulative` (running totals of positive weights) drawn with probability
    /// proportional to each weight. O(len).
    pub(crate) fn weighted(&mut self, cumulative: &[u32]) -> usize {
        let total = cumulative.last().copied().unwrap_or(0);
        if total == 0 {
            return 0;
        }
        let x = u32::try_from(self.below(u64::from(total))).unwrap_or(0);
        cumulative.iter().position(|&c| x < c).unwrap_or(cumulative.len() - 1)
    }

    /// A skewed positive factor with median 1: `e^(sigma * z)` where `z` is an approximately
    /// standard normal draw (the Irwin-Hall sum of twelve uniforms minus six, so |z| <= 6; the
    /// twelve uniforms are the 16-bit quarters of three draws). A log-normal-like shape: most values
    /// near 1, a long right tail.
    pub(crate) fn skewed(&mut self, sigma: f64) -> f64 {
        let mut sum = 0u32;
        for _ in 0..3 {
            let x = self.next_u64();
            for k in 0..4 {
                sum += u32::try_from((x >> (16 * k)) & 0xFFFF).unwrap_or(0);
            }
        }
        // Each quarter is uniform on [0, 1) in steps of 2^-16; centre each on its step.
        let z = (f64::from(sum) + 6.0) / 65_536.0 - 6.0;
        exp(sigma * z)
    }
}

/// The top 53 bits of `x` as a float in [0, 1).
pub(crate) fn to_unit(x: u64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "53 bits convert exactly")]
    let top = (x >> 11) as f64;
    top * INV_2_53
}

/// 1/1, 1/2, ..., 1/13 (each correctly rounded).
const RECIPROCALS: [f64; 13] = [
    1.0,
    1.0 / 2.0,
    1.0 / 3.0,
    1.0 / 4.0,
    1.0 / 5.0,
    1.0 / 6.0,
    1.0 / 7.0,
    1.0 / 8.0,
    1.0 / 9.0,
    1.0 / 10.0,
    1.0 / 11.0,
    1.0 / 12.0,
    1.0 / 13.0,
];

/// `e^x` for |x| up to about 700, from IEEE-754 basic operations only (bit-identical on every
/// platform): x = k ln 2 + r with |r| <= ln 2 / 2, a degree-13 Taylor polynomial for e^r (relative
/// error below 1e-15), scaled by 2^k built from its bits.
pub(crate) fn exp(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    let x = x.clamp(-700.0, 700.0);
    let k = (x / LN2).round();
    let r = x - k * LN2;
    // Horner: 1 + r(1 + r/2(1 + r/3(...))), with the reciprocals as constants.
    let mut sum = 1.0;
    for inv in RECIPROCALS.iter().rev() {
        sum = 1.0 + r * inv * sum;
    }
    #[expect(clippy::cast_possible_truncation, reason = "k is a whole number within ±1011")]
    let k = k as i64;
    let scale = f64::from_bits(u64::try_from(k + 1023).unwrap_or(0) << 52);
    sum * scale
}

#[cfg(test)]
mod tests {
    use crate::simulate::rng::{SplitMix64, Xoshiro256, exp};

    #[test]
    fn splitmix_matches_the_reference_outputs() {
        let mut sm = SplitMix64::new(0);
        let got: Vec<u64> = (0..4).map(|_| sm.next_u64()).collect();
        assert_eq!(got, [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC]);
    }

    #[test]
    fn xoshiro_matches_the_published_vector() {
        let mut x = Xoshiro256::from_state([1, 2, 3, 4]);
        let got: Vec<u64> = (0..10).map(|_| x.next_u64()).collect();
        assert_eq!(
            got,
            [
                11520,
                0,
                1_509_978_240,
                1_215_971_899_390_074_240,
                1_216_172_134_540_287_360,
                607_988_272_756_665_600,
                16_172_922_978_634_559_625,
                8_476_171_486_693_032_832,
                10_595_114_339_597_558_777,
                2_904_607_092_377_533_576
            ]
        );
    }

    /// Pins the seeding: changing it changes every simulated log, which must be a deliberate act.
    #[test]
    fn seeded_streams_are_pinned() {
        let mut a = Xoshiro256::new(1, 0);
        let first: Vec<u64> = (0..3).map(|_| a.next_u64()).collect();
        assert_eq!(first, PINNED);
        let mut b = Xoshiro256::new(1, 1);
        assert_ne!(b.next_u64(), first[0]);
    }

    const PINNED: [u64; 3] = [18_190_625_494_401_499_486, 2_296_151_096_374_941_873, 136_374_298_692_109_470];

    #[test]
    fn draws_stay_in_range_and_are_fair() {
        let mut x = Xoshiro256::new(42, 0);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            let u = x.unit();
            assert!((0.0..1.0).contains(&u));
            counts[x.weighted(&[1, 3, 4])] += 1;
            assert!(x.below(7) < 7);
        }
        // weights 1:2:1 of 4
        for (c, want) in counts.iter().zip([7500.0, 15_000.0, 7500.0]) {
            assert!((f64::from(*c) - want).abs() < 600.0, "{counts:?}");
        }
    }

    #[test]
    fn exp_is_accurate() {
        for x in [-20.0, -3.3, -1.0, -0.1, 0.0, 0.5, 1.0, 2.7, 10.0, 40.0] {
            let (ours, std) = (exp(x), f64::exp(x));
            assert!(((ours - std) / std).abs() < 1e-14, "{x}: {ours} vs {std}");
        }
    }

    #[test]
    fn skewed_has_median_one_and_a_right_tail() {
        let mut x = Xoshiro256::new(3, 0);
        let mut v: Vec<f64> = (0..20_001).map(|_| x.skewed(0.7)).collect();
        v.sort_by(f64::total_cmp);
        let median = v[10_000];
        assert!((median - 1.0).abs() < 0.05, "{median}");
        assert!(v[19_000] > 2.5 && v[1000] < 0.4, "{} {}", v[19_000], v[1000]);
    }
}
