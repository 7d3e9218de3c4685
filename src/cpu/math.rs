//! Scalar math the standard library lacks (erf, erfinv) behind one trait for f32 and f64, and the
//! branch-free f32 polynomials (exp, ln, tanh, erf, sin/cos/tan) the vectorised kernels use
//! (more in `fmath.rs`).
use crate::dtype::Element;
use num_traits::Float;

pub trait FloatMath: Float + Element + num_traits::FloatConst {
    fn c(v: f64) -> Self;
    fn erf(self) -> Self;
    fn erfc(self) -> Self;
    fn erfinv(self) -> Self;
    /// Round half to even (one `vroundps` in the AVX2 loops).
    fn round_even(self) -> Self;
    /// exp/tanh/erf for hot kernels: branch-free polynomial versions for f32 that the compiler
    /// vectorises inside the AVX2 loops; f64 keeps libm's. `FMA` says whether the calling loop
    /// was compiled with FMA (see `madd`).
    fn vexp<const FMA: bool>(self) -> Self {
        self.exp()
    }
    /// `vexp` with denormal results (the `exp` op; `vexp` flushes them for kernels).
    fn vexp_full<const FMA: bool>(self) -> Self {
        self.exp()
    }
    fn vtanh<const FMA: bool>(self) -> Self {
        self.tanh()
    }
    fn verf<const FMA: bool>(self) -> Self {
        self.erf()
    }
    fn vln<const FMA: bool>(self) -> Self {
        self.ln()
    }
    /// sin/cos for |x| <= `TRIG_FAST_LIMIT` (callers check the range first).
    fn vsin<const FMA: bool>(self) -> Self {
        self.sin()
    }
    fn vcos<const FMA: bool>(self) -> Self {
        self.cos()
    }
    /// tan for |x| <= `TRIG_FAST_LIMIT` (callers check the range first).
    fn vtan<const FMA: bool>(self) -> Self {
        self.tan()
    }
    // The functions of `fmath.rs` for f32 (libm's for f64).
    fn vexpm1<const FMA: bool>(self) -> Self {
        self.exp_m1()
    }
    fn vlog1p<const FMA: bool>(self) -> Self {
        self.ln_1p()
    }
    fn vexp2<const FMA: bool>(self) -> Self {
        self.exp2()
    }
    fn vlog2<const FMA: bool>(self) -> Self {
        self.log2()
    }
    fn vlog10<const FMA: bool>(self) -> Self {
        self.log10()
    }
    fn vatan<const FMA: bool>(self) -> Self {
        self.atan()
    }
    fn vasin<const FMA: bool>(self) -> Self {
        self.asin()
    }
    fn vacos<const FMA: bool>(self) -> Self {
        self.acos()
    }
    fn vsinh<const FMA: bool>(self) -> Self {
        self.sinh()
    }
    fn vcosh<const FMA: bool>(self) -> Self {
        self.cosh()
    }
    fn vasinh<const FMA: bool>(self) -> Self {
        self.asinh()
    }
    fn vacosh<const FMA: bool>(self) -> Self {
        self.acosh()
    }
    fn vatanh<const FMA: bool>(self) -> Self {
        self.atanh()
    }
    fn vatan2<const FMA: bool>(self, x: Self) -> Self {
        self.atan2(x)
    }
    /// hypot (`FMA` only picks the compiled copy: it runs in the wide frames).
    fn vhypot<const FMA: bool>(self, y: Self) -> Self {
        self.hypot(y)
    }
    fn vpow<const FMA: bool>(self, y: Self) -> Self {
        self.powf(y)
    }
    /// `vpow` where exact integer powers need not be exact (f32: `fmath::pow_real_f32`).
    fn vpow_real<const FMA: bool>(self, y: Self) -> Self {
        self.powf(y)
    }
    /// (mantissa, exponent) of frexp, the exponent as a float.
    fn vfrexp(self) -> (Self, Self) {
        super::special::frexp(self)
    }
}

/// Largest |x| for which `vsin`/`vcos` reduce the argument exactly enough (j * 4/pi < 2^23);
/// kernels fall back to libm when a tensor holds larger values.
pub const TRIG_FAST_LIMIT: f64 = 6.0e6;

/// `a * b + c`, fused in loops compiled for FMA: it halves the latency of the polynomial chains
/// that bound these kernels. Elsewhere `mul_add` would be a libm call, so it stays two ops there.
#[inline(always)]
pub fn madd<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

/// exp for f32 as kernels use it (softmax, losses, attention, sigmoid, tanh): Cody-Waite range
/// reduction to r in [-ln2/2, ln2/2], a degree-6 polynomial, then scaling by 2^n through the
/// exponent bits. Max error against f64 exp over every float32 input from -87.3 up (all results
/// normal): 1.02 ulp with FMA, 0.99 without. Results below e^-87.3 flush to 0 (no denormals: in
/// those kernels they vanish next to 1 anyway); NaN and +-inf propagate.
#[inline(always)]
pub fn exp_f32<const FMA: bool>(x: f32) -> f32 {
    exp_in::<FMA>(x, -87.3, false)
}

/// exp for f32 with results in the denormal range rounded once, as NumPy's and PyTorch's are
/// (the `exp` op itself): below 2^-125 the exponent add would leave the normal range, so it adds
/// n + 64 and multiplies by 2^-64. About 1.4x the cost of `exp_f32`; 0 below e^-104.
#[inline(always)]
pub fn exp_full_f32<const FMA: bool>(x: f32) -> f32 {
    exp_in::<FMA>(x, -104.0, true)
}

/// e^x with results 0 below `lo`, inf above ln(f32::MAX), NaN kept; `denormal` handles results
/// below 2^-125 (else `lo` must keep them out).
#[inline(always)]
fn exp_in<const FMA: bool>(x: f32, lo: f32, denormal: bool) -> f32 {
    // Just below ln(f32::MAX): every x up to here has a finite exp.
    const HI: f32 = 88.722_83;
    let v = exp_core::<FMA>(x.clamp(lo, HI), denormal);
    if x > HI {
        f32::INFINITY
    } else if x < lo {
        0.0
    } else if x != x {
        x
    } else {
        v
    }
}

/// e^x for x already clamped to the caller's range.
#[inline(always)]
fn exp_core<const FMA: bool>(xc: f32, denormal: bool) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let n = m(xc, LOG2E, 0.5).floor();
    let r = m(n, -LN2_LO, m(n, -LN2_HI, xc));
    let y = expm1_poly::<FMA>(r) + 1.0;
    // y * 2^n by adding n to y's exponent field, with no float->int conversion (Rust's saturating
    // `as i32` does not vectorise): adding 1.5 * 2^23 leaves n in the low mantissa bits, and the
    // shift by 23 drops everything else.
    if denormal {
        let tiny = n < -125.0;
        let n_bits = ((if tiny { n + 64.0 } else { n }) + 12_582_912.0).to_bits() << 23;
        f32::from_bits(y.to_bits().wrapping_add(n_bits)) * if tiny { 5.421_010_9e-20 } else { 1.0 }
    } else {
        f32::from_bits(y.to_bits().wrapping_add((n + 12_582_912.0).to_bits() << 23))
    }
}

/// e^r - 1 for |r| <= ln2/2: r + r^2 * p(r), the degree-6 polynomial of `exp_core`.
#[inline(always)]
pub(super) fn expm1_poly<const FMA: bool>(r: f32) -> f32 {
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let p = m(m(m(m(m(1.987_569_1e-4, r, 1.398_199_9e-3), r, 8.333_452e-3), r, 4.166_579_6e-2), r, 1.666_666_6e-1), r, 0.5);
    m(p * r, r, r)
}

/// 2^n for an integral float n in [-126, 127], through the exponent bits (see `exp_core`).
#[inline(always)]
pub(super) fn pow2i(n: f32) -> f32 {
    f32::from_bits(1f32.to_bits().wrapping_add((n + 12_582_912.0).to_bits() << 23))
}

/// tanh for f32: an odd polynomial below |x| = 0.625 (where 1 - e^-2|x| would cancel), else
/// (1 - t) / (1 + t) with t = e^-2|x| (one exp, one division) and x's sign. Max error 1.51 ulp
/// against f64 tanh over every float32 input with a normal result (with or without FMA).
#[inline(always)]
pub fn tanh_f32<const FMA: bool>(x: f32) -> f32 {
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let a = x.abs();
    let z = x * x;
    // Cephes tanhf coefficients.
    let p = m(m(m(m(-5.704_988_7e-3, z, 2.063_908_8e-2), z, -5.373_971_6e-2), z, 1.333_144_2e-1), z, -3.333_328_2e-1);
    let small = m(x * z, p, x);
    let t = exp_f32::<FMA>(-2.0 * a);
    let big = (1.0 - t) / (1.0 + t);
    let r = if a < 0.625 { small } else { big };
    // x's sign on both branches (this also keeps tanh(-0.0) = -0.0).
    let r = f32::from_bits(r.to_bits() | (x.to_bits() & 0x8000_0000));
    if x != x { x } else { r }
}

/// erf for f32 (GELU's kernel): z * P(z^2) / Q(z^2), a rational fit of degree 6/4 on |z| < 3.925
/// (beyond, erf rounds to +-1 in f32) made with linearised least squares, reweighted. One
/// division and eleven multiply-adds, no exp. Measured max abs error 3.9e-7 (6.5 ulp) against
/// f64 erf on 2.2M points over [-6, 6] and tiny |z|; NaN propagates.
#[inline(always)]
pub fn erf_f32<const FMA: bool>(x: f32) -> f32 {
    const C: f32 = 3.925;
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let z = x.clamp(-C, C);
    let u = z * z;
    let p = m(m(m(m(m(m(1.980_903_6e-8, u, -1.953_244_9e-6), u, 1.421_544e-4), u, 3.724_722_4e-3), u, 5.065_324_2e-2), u, 2.005_405_4e-1), u, 1.128_379_1);
    let q = m(m(m(m(9.608_036e-4, u, 1.440_336_5e-2), u, 1.152_511_5e-1), u, 5.110_561_3e-1), u, 1.0);
    let y = z * p / q;
    if x.abs() >= C { 1f32.copysign(x) } else { y }
}

/// Natural log for f32 (Cephes logf): x = m * 2^e with m in [sqrt(1/2), sqrt(2)), a degree-9
/// polynomial in m - 1, e * ln2 added in two parts. Branch-free (selects), so it vectorises;
/// denormals are scaled into the normal range first. See the tests for the measured error.
#[inline(always)]
pub fn ln_f32<const FMA: bool>(x: f32) -> f32 {
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let (e, f, z, q) = ln_parts::<FMA>(x);
    let y = m(e, -2.121_944_4e-4, q);
    let y = m(z, -0.5, y);
    let r = m(e, 0.693_359_4, f + y);
    ln_special(x, r)
}

/// The results of ln(x) where x is 0, negative, NaN or +inf; `r` elsewhere.
#[inline(always)]
pub(super) fn ln_special(x: f32, r: f32) -> f32 {
    if x == 0.0 {
        f32::NEG_INFINITY
    } else if x < 0.0 || x != x {
        f32::NAN
    } else if x == f32::INFINITY {
        x
    } else {
        r
    }
}

/// ln(x) in parts for positive finite x: (e, f, z, q) with x = 2^e (1 + f), f in
/// [sqrt(1/2) - 1, sqrt(2) - 1), z = f^2, and ln(1 + f) = f - z/2 + q (q = f^3 P(f)).
#[inline(always)]
pub(super) fn ln_parts<const FMA: bool>(x: f32) -> (f32, f32, f32, f32) {
    let tiny = x < f32::MIN_POSITIVE;
    let xs = if tiny { x * 8_388_608.0 } else { x }; // 2^23
    let bits = xs.to_bits();
    let e0 = ((bits >> 23) & 0xff) as i32 - 126 - if tiny { 23 } else { 0 };
    // Mantissa in [0.5, 1).
    let mant = f32::from_bits((bits & 0x007f_ffff) | 0x3f00_0000);
    let low = mant < std::f32::consts::FRAC_1_SQRT_2;
    let e = (e0 - low as i32) as f32;
    let f = if low { mant + mant - 1.0 } else { mant - 1.0 };
    let (z, q) = ln_poly::<FMA>(f);
    (e, f, z, q)
}

/// (z, q) = (f^2, f^3 P(f)) with ln(1 + f) = f - z/2 + q for f in [sqrt(1/2) - 1, sqrt(2) - 1).
#[inline(always)]
pub(super) fn ln_poly<const FMA: bool>(f: f32) -> (f32, f32) {
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let z = f * f;
    let p = m(m(m(m(m(m(m(m(7.037_683_6e-2, f, -1.151_461e-1), f, 1.167_699_9e-1), f, -1.242_014_1e-1), f, 1.424_932_3e-1), f, -1.666_805_8e-1), f, 2.000_071_4e-1), f, -2.499_999_4e-1), f, 3.333_333_1e-1);
    (z, f * z * p)
}

/// sin (COS = false) or cos (COS = true) for f32, |x| <= TRIG_FAST_LIMIT (Cephes sinf/cosf
/// polynomials): j = |x| * 4/pi rounded up to even, the reduction x - j*pi/4 done in f64 with pi/4
/// in three parts (the first two with 30 bits, so j * part is exact for j < 2^23), then the
/// sine or cosine polynomial in f32 by octant, sign by octant (and x's sign for sine).
/// Branch-free: it vectorises.
#[inline(always)]
pub fn sincos_f32<const FMA: bool, const COS: bool>(x: f32) -> f32 {
    let (ji, sinp, cosp) = trig_parts::<FMA>(x);
    let (use_cos, neg) = if COS {
        // cos(x) = sin(x + pi/2): two octants on, and never x's sign.
        let j = ji.wrapping_sub(2);
        (j & 2 != 0, j & 4 == 0)
    } else {
        (ji & 2 != 0, (ji & 4 != 0) != x.is_sign_negative())
    };
    let v = if use_cos { cosp } else { sinp };
    let v = if neg { -v } else { v };
    if x != x { x } else { v }
}

/// tan for f32, |x| <= TRIG_FAST_LIMIT: sin / cos from one reduction (`trig_parts`): the two
/// polynomials divided in the order the octant gives, one division.
#[inline(always)]
pub fn tan_f32<const FMA: bool>(x: f32) -> f32 {
    let (ji, sinp, cosp) = trig_parts::<FMA>(x);
    // Octants where sin uses the cosine polynomial are those where cos uses the sine one.
    let swap = ji & 2 != 0;
    let v = if swap { cosp / sinp } else { sinp / cosp };
    let neg = ((ji & 4 != 0) != x.is_sign_negative()) != (ji.wrapping_sub(2) & 4 == 0);
    let v = if neg { -v } else { v };
    if x != x { x } else { v }
}

/// The shared reduction of sin/cos/tan: (j, sin poly, cos poly) of r = |x| - j pi/4.
#[inline(always)]
fn trig_parts<const FMA: bool>(x: f32) -> (u32, f32, f32) {
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let a = x.abs() as f64;
    // j as an integer without float->int casts (see exp): 1.5 * 2^52 puts it in the low bits.
    let jf = (a * (4.0 / std::f64::consts::PI)).floor();
    let ji = ((jf + 6_755_399_441_055_744.0).to_bits() as u32).wrapping_add(1) & !1;
    let y = f64::from_bits(0x4338_0000_0000_0000 | ji as u64) - 6_755_399_441_055_744.0;
    let r = if FMA {
        y.mul_add(1.751_717_199_044_965e-19, y.mul_add(4.352_757_846_000_366e-10, y.mul_add(-0.785_398_163_832_724_1, a)))
    } else {
        a - y * 0.785_398_163_832_724_1 + y * 4.352_757_846_000_366e-10 + y * 1.751_717_199_044_965e-19
    };
    let r = r as f32;
    let z = r * r;
    let cosp = m(m(m(m(2.443_315_7e-5, z, -1.388_731_6e-3), z, 4.166_664_6e-2) * z, z, -0.5 * z), 1.0, 1.0);
    let sinp = m(m(m(-1.951_529_6e-4, z, 8.332_161e-3), z, -1.666_665_5e-1) * z, r, r);
    (ji, sinp, cosp)
}

impl FloatMath for f32 {
    #[inline(always)]
    fn round_even(self) -> Self {
        self.round_ties_even()
    }
    #[inline(always)]
    fn c(v: f64) -> Self {
        v as f32
    }
    #[inline(always)]
    fn erf(self) -> Self {
        libm::erff(self)
    }
    #[inline(always)]
    fn erfc(self) -> Self {
        libm::erfcf(self)
    }
    #[inline(always)]
    fn erfinv(self) -> Self {
        erfinv_f64(self as f64) as f32
    }
    #[inline(always)]
    fn vexp<const FMA: bool>(self) -> Self {
        exp_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vexp_full<const FMA: bool>(self) -> Self {
        exp_full_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vtanh<const FMA: bool>(self) -> Self {
        tanh_f32::<FMA>(self)
    }
    #[inline(always)]
    fn verf<const FMA: bool>(self) -> Self {
        erf_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vln<const FMA: bool>(self) -> Self {
        ln_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vsin<const FMA: bool>(self) -> Self {
        sincos_f32::<FMA, false>(self)
    }
    #[inline(always)]
    fn vcos<const FMA: bool>(self) -> Self {
        sincos_f32::<FMA, true>(self)
    }
    #[inline(always)]
    fn vtan<const FMA: bool>(self) -> Self {
        tan_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vexpm1<const FMA: bool>(self) -> Self {
        super::fmath::expm1_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vlog1p<const FMA: bool>(self) -> Self {
        super::fmath::log1p_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vexp2<const FMA: bool>(self) -> Self {
        super::fmath::exp2_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vlog2<const FMA: bool>(self) -> Self {
        super::fmath::log2_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vlog10<const FMA: bool>(self) -> Self {
        super::fmath::log10_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vatan<const FMA: bool>(self) -> Self {
        super::fmath::atan_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vasin<const FMA: bool>(self) -> Self {
        super::fmath::asin_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vacos<const FMA: bool>(self) -> Self {
        super::fmath::acos_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vsinh<const FMA: bool>(self) -> Self {
        super::fmath::sinh_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vcosh<const FMA: bool>(self) -> Self {
        super::fmath::cosh_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vasinh<const FMA: bool>(self) -> Self {
        super::fmath::asinh_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vacosh<const FMA: bool>(self) -> Self {
        super::fmath::acosh_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vatanh<const FMA: bool>(self) -> Self {
        super::fmath::atanh_f32::<FMA>(self)
    }
    #[inline(always)]
    fn vatan2<const FMA: bool>(self, x: Self) -> Self {
        super::fmath::atan2_f32::<FMA>(self, x)
    }
    #[inline(always)]
    fn vhypot<const FMA: bool>(self, y: Self) -> Self {
        super::fmath::hypot_f32(self, y)
    }
    #[inline(always)]
    fn vpow<const FMA: bool>(self, y: Self) -> Self {
        super::fmath::pow_f32::<FMA>(self, y)
    }
    #[inline(always)]
    fn vpow_real<const FMA: bool>(self, y: Self) -> Self {
        super::fmath::pow_real_f32::<FMA>(self, y)
    }
    #[inline(always)]
    fn vfrexp(self) -> (Self, Self) {
        super::fmath::frexp_f32(self)
    }
}

impl FloatMath for f64 {
    #[inline(always)]
    fn round_even(self) -> Self {
        self.round_ties_even()
    }
    #[inline(always)]
    fn c(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn erf(self) -> Self {
        libm::erf(self)
    }
    #[inline(always)]
    fn erfc(self) -> Self {
        libm::erfc(self)
    }
    #[inline(always)]
    fn erfinv(self) -> Self {
        erfinv_f64(self)
    }
}

/// Inverse error function: Giles' single-precision approximation as a start, then two Newton
/// steps on erf so the result is accurate to double precision.
pub fn erfinv_f64(x: f64) -> f64 {
    if x.is_nan() || !(-1.0..=1.0).contains(&x) {
        return f64::NAN;
    }
    if x == 1.0 {
        return f64::INFINITY;
    }
    if x == -1.0 {
        return f64::NEG_INFINITY;
    }
    let w = -((1.0 - x) * (1.0 + x)).ln();
    let mut p;
    if w < 5.0 {
        let w = w - 2.5;
        p = 2.810_226_36e-08;
        p = 3.432_739_39e-07 + p * w;
        p = -3.523_387_7e-06 + p * w;
        p = -4.391_506_54e-06 + p * w;
        p = 0.000_218_580_87 + p * w;
        p = -0.001_253_725_03 + p * w;
        p = -0.004_177_681_64 + p * w;
        p = 0.246_640_727 + p * w;
        p = 1.501_409_41 + p * w;
    } else {
        let w = w.sqrt() - 3.0;
        p = -0.000_200_214_257;
        p = 0.000_100_950_558 + p * w;
        p = 0.001_349_343_22 + p * w;
        p = -0.003_673_428_44 + p * w;
        p = 0.005_739_507_73 + p * w;
        p = -0.007_622_461_3 + p * w;
        p = 0.009_438_870_47 + p * w;
        p = 1.001_674_06 + p * w;
        p = 2.832_976_82 + p * w;
    }
    let mut y = p * x;
    let k = 2.0 / std::f64::consts::PI.sqrt();
    for _ in 0..2 {
        let err = libm::erf(y) - x;
        y -= err / (k * (-y * y).exp());
    }
    y
}

#[cfg(test)]
mod tests {
    /// Largest error of `f` against the f64 reference over a dense grid, in ulps of the result.
    fn max_ulp(f: fn(f32) -> f32, r: fn(f64) -> f64, lo: f32, hi: f32) -> f64 {
        let mut worst = 0f64;
        let n = 200_000;
        for i in 0..=n {
            let x = lo + (hi - lo) * i as f32 / n as f32;
            let want = r(x as f64);
            let got = f(x) as f64;
            let ulp = (want as f32).abs().max(f32::MIN_POSITIVE) as f64 * f32::EPSILON as f64;
            worst = worst.max((got - want).abs() / ulp);
        }
        worst
    }
    #[test]
    fn fast_f32_math_is_accurate() {
        use super::{erf_f32, exp_f32, exp_full_f32, tanh_f32};
        // The full-range exp: denormal results, and the kernels' exp wherever results are normal.
        for (full, ftz) in [(exp_full_f32::<false> as fn(f32) -> f32, exp_f32::<false> as fn(f32) -> f32), (exp_full_f32::<true>, exp_f32::<true>)] {
            assert!(full(-100.0) == (-100f64).exp() as f32 && full(-103.0) == (-103f64).exp() as f32 && full(-104.5) == 0.0);
            for i in 0..10_000 {
                let x = -87.0 + 180.0 * i as f32 / 10_000.0;
                assert_eq!(full(x).to_bits(), ftz(x).to_bits(), "{x}");
            }
        }
        // Both variants: `mul_add` is exact here too, only slower outside an FMA frame.
        for (e, t) in [(exp_f32::<false> as fn(f32) -> f32, tanh_f32::<false> as fn(f32) -> f32), (exp_f32::<true>, tanh_f32::<true>)] {
            assert!(max_ulp(e, f64::exp, -87.0, 88.7) <= 1.1); // 1.02 over every float32
            assert!(e(-87.4) == 0.0);
            assert!(max_ulp(t, f64::tanh, -10.0, 10.0) <= 2.0); // 1.51 over every float32
            assert!(max_ulp(t, f64::tanh, -0.7, 0.7) <= 2.0);
            assert!(e(f32::NAN).is_nan() && e(f32::INFINITY).is_infinite() && e(f32::NEG_INFINITY) == 0.0);
            assert!(e(88.72283) < f32::INFINITY && e(88.7229) == f32::INFINITY);
            assert!(t(f32::NAN).is_nan() && t(f32::INFINITY) == 1.0 && t(f32::NEG_INFINITY) == -1.0);
            assert!(t(-0.0).is_sign_negative() && t(1e-30) == 1e-30);
        }
        let erf_abs = (0..=100_000).map(|i| {
            let x = -5.0 + 10.0 * i as f32 / 100_000.0;
            (erf_f32::<false>(x) as f64 - libm::erf(x as f64)).abs()
        }).fold(0f64, f64::max);
        assert!(erf_abs < 5e-7, "{}", erf_abs); // measured 3.9e-7
        assert!(erf_f32::<false>(f32::NAN).is_nan());
        assert!(erf_f32::<true>(f32::INFINITY) == 1.0 && erf_f32::<true>(-9.0) == -1.0 && erf_f32::<true>(0.0) == 0.0);
    }
    #[test]
    fn fast_ln_sin_cos_are_accurate() {
        use super::{ln_f32, sincos_f32};
        for fma in [false, true] {
            let ln = if fma { ln_f32::<true> as fn(f32) -> f32 } else { ln_f32::<false> as fn(f32) -> f32 };
            let (sin, cos) = if fma {
                (sincos_f32::<true, false> as fn(f32) -> f32, sincos_f32::<true, true> as fn(f32) -> f32)
            } else {
                (sincos_f32::<false, false> as fn(f32) -> f32, sincos_f32::<false, true> as fn(f32) -> f32)
            };
            // ln: every 97th positive float (denormals to f32::MAX), in ulps of the result.
            let mut worst = 0f64;
            let mut b = 1u32;
            while b < 0x7f80_0000 {
                let x = f32::from_bits(b);
                let (got, want) = (ln(x) as f64, (x as f64).ln());
                let ulp = (want as f32).abs().max(f32::MIN_POSITIVE) as f64 * f32::EPSILON as f64;
                worst = worst.max((got - want).abs() / ulp);
                b += 97;
            }
            assert!(worst <= 2.0, "ln max ulp {worst}"); // measured 1.0 over every positive float
            assert!(ln(0.0) == f32::NEG_INFINITY && ln(-0.0) == f32::NEG_INFINITY && ln(-1.0).is_nan());
            assert!(ln(f32::NAN).is_nan() && ln(f32::INFINITY) == f32::INFINITY && ln(1.0) == 0.0);
            // sin/cos: absolute error (the ulp error is measured by `exhaustive_f32_errors`).
            let mut worst = 0f64;
            for i in 0..=2_000_000 {
                let x = -6.0e6 + 12.0e6 * i as f32 / 2_000_000.0;
                worst = worst.max((sin(x) as f64 - (x as f64).sin()).abs());
                worst = worst.max((cos(x) as f64 - (x as f64).cos()).abs());
            }
            for i in 0..=100_000 {
                let x = -7.0 + 14.0 * i as f32 / 100_000.0;
                worst = worst.max((sin(x) as f64 - (x as f64).sin()).abs());
                worst = worst.max((cos(x) as f64 - (x as f64).cos()).abs());
            }
            assert!(worst < 1e-6, "sin/cos max abs error {worst}");
            assert!(sin(-0.0).is_sign_negative() && sin(f32::NAN).is_nan() && cos(0.0) == 1.0 && sin(1e-30) == 1e-30);
        }
    }
    /// Every float32 input: `cargo test --release --lib exhaustive -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn exhaustive_f32_errors() {
        use super::{erf_f32, exp_f32, exp_full_f32, ln_f32, sincos_f32, tanh_f32};
        let ulps = |f: &dyn Fn(f32) -> f32, r: &dyn Fn(f64) -> f64, lo: f32, hi: f32| {
            let (mut worst_ulp, mut worst_abs) = (0f64, 0f64);
            for b in 0..=u32::MAX {
                let x = f32::from_bits(b);
                if !(x >= lo && x <= hi) {
                    continue;
                }
                let (got, want) = (f(x) as f64, r(x as f64));
                let ulp = (want as f32).abs().max(f32::MIN_POSITIVE) as f64 * f32::EPSILON as f64;
                worst_ulp = worst_ulp.max((got - want).abs() / ulp);
                worst_abs = worst_abs.max((got - want).abs());
            }
            (worst_ulp, worst_abs)
        };
        println!("exp  {:?}", ulps(&|x| exp_f32::<true>(x), &f64::exp, -87.3, 88.7));
        println!("exp denormal results {:?}", ulps(&|x| exp_full_f32::<true>(x), &f64::exp, -104.0, -87.3));
        println!("tanh {:?}", ulps(&|x| tanh_f32::<true>(x), &f64::tanh, f32::MIN, f32::MAX));
        println!("ln   {:?}", ulps(&|x| ln_f32::<true>(x), &f64::ln, 0.0, f32::MAX));
        println!("erf  {:?}", ulps(&|x| erf_f32::<true>(x), &libm::erf, f32::MIN, f32::MAX));
        println!("sin  {:?}", ulps(&|x| sincos_f32::<true, false>(x), &f64::sin, -6.0e6, 6.0e6));
        println!("cos  {:?}", ulps(&|x| sincos_f32::<true, true>(x), &f64::cos, -6.0e6, 6.0e6));
        println!("sin |x|<=pi {:?}", ulps(&|x| sincos_f32::<true, false>(x), &f64::sin, -3.1415927, 3.1415927));
        println!("cos |x|<=pi {:?}", ulps(&|x| sincos_f32::<true, true>(x), &f64::cos, -3.1415927, 3.1415927));
    }
    #[test]
    fn erfinv_inverts_erf() {
        for &x in &[-0.999, -0.5, 0.0, 0.1, 0.7, 0.9999] {
            assert!((libm::erf(super::erfinv_f64(x)) - x).abs() < 1e-14);
        }
    }
}
