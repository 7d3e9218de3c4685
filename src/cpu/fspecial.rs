//! Vectorisable float32 kernels of the special-function rows (erfc, erfcx, ndtr, log_ndtr,
//! i0/i0e/i1/i1e, erfinv, polygamma of x >= 0; nextafter's bit step): polynomial cores evaluated
//! in f64 lanes (so their own rounding is far below an f32 ulp), exponentials and logs from the f32 polynomials of
//! `math.rs`. Branch-free (both sides of every split computed, then selected), so they vectorise
//! in the AVX2 loops. f64 rows keep the scalar f64 functions of `special.rs` (`lanes`). Measured
//! errors against those f64 functions are asserted in the tests below.
use super::fmath::log1p_f32;
use super::math::{exp_full_f32, ln_f32, FloatMath};
use crate::dtype::{DType, Element};

// Tables made by scripts/fit_fspecial.py (Chebyshev interpolation of SciPy's float64 values).
/// erfcx(x), x in [0, 2]: degree 13, max relative error 7.2e-10 (lowest power first).
const ERFCX_SMALL: [f64; 14] = [
    0.9999999996609734,
    -1.1283791005079566,
    0.9999978132397089,
    -0.7522242436546108,
    0.49980376133695237,
    -0.300082811767556,
    0.16442105134349683,
    -0.08169799097249203,
    0.03582034921305588,
    -0.013200726087794788,
    0.0038259123335360776,
    -0.0007991936226255068,
    0.00010524647995450634,
    -6.490598933678626e-06,
];
/// x erfcx(x) in u = 1/x^2, x >= 2: degree 10, max relative error 4.9e-10 (lowest power first).
const ERFCX_LARGE: [f64; 11] = [
    0.5641895832738109,
    -0.28209452462660467,
    0.4230978380237488,
    -1.0548877597525965,
    3.5961880103642656,
    -14.296995662489884,
    55.48029677508391,
    -178.00599488771962,
    410.2338982781469,
    -581.7043646564922,
    375.06546151601344,
];
/// I0(x) in u = x^2, |x| <= 8: degree 11, max relative error 2.6e-10 (lowest power first).
const I0_SMALL: [f64; 12] = [
    0.9999999997431814,
    0.25000000115500254,
    0.015624999141035465,
    0.0004340280276125654,
    6.781646548014324e-06,
    6.782015101594201e-08,
    4.707653778562048e-10,
    2.409579834099959e-12,
    9.221455116825413e-15,
    3.1582517583636114e-17,
    4.660882671468677e-20,
    2.888641658477654e-22,
];
/// I1(x) / x in u = x^2, |x| <= 8: degree 10, max relative error 7.7e-10 (lowest power first).
const I1_SMALL: [f64; 11] = [
    0.5000000003840537,
    0.06249999854840055,
    0.0026041675721169217,
    5.4253252336955825e-05,
    6.781957300794296e-07,
    5.649427521968119e-09,
    3.3728024191934207e-11,
    1.4763215368193908e-13,
    5.67811624439836e-16,
    9.33866170121593e-19,
    6.3589018995658115e-21,
];
/// sqrt(x) I0(x) e^-x in u = 1/x, x > 8: degree 6, max relative error 1.4e-09 (lowest power first).
const I0_LARGE: [f64; 7] = [
    0.39894228083080335,
    0.0498674501581087,
    0.0280923632225578,
    0.027320679117007005,
    0.08424139577863811,
    -0.3005458524134352,
    1.8169554070376623,
];
/// sqrt(x) I1(x) e^-x in u = 1/x, x > 8: degree 6, max relative error 1.7e-09 (lowest power first).
const I1_LARGE: [f64; 7] = [
    0.39894227992200576,
    -0.14960298121838964,
    -0.04679764675983113,
    -0.038787152785089124,
    -0.1016340214374834,
    0.326311057349038,
    -2.0489172600557395,
];

/// e^-50, e^50 and 1/sqrt(2).
const EXP_M50: f64 = 1.928_749_847_963_917_8e-22;
const EXP_50: f64 = 5.184_705_528_587_072e21;
const FRAC_1_SQRT_2: f64 = std::f64::consts::FRAC_1_SQRT_2;

/// A row's float kernel: `k32` for f32 (vectorised), the f64 function `k64` for f64.
#[inline(always)]
pub fn lanes<F: FloatMath>(v: F, k32: impl Fn(f32) -> f32, k64: impl Fn(f64) -> f64) -> F {
    if F::DTYPE == DType::F32 {
        // f32 -> f64 -> f32 round trips are exact and fold away.
        F::c(k32(Element::to_f64(v) as f32) as f64)
    } else {
        F::c(k64(Element::to_f64(v)))
    }
}

/// A polynomial (lowest power first) by Horner's rule in f64; a fixed length, so it unrolls.
#[inline(always)]
fn poly<const N: usize>(c: &[f64; N], u: f64) -> f64 {
    let mut acc = c[N - 1];
    for k in (0..N - 1).rev() {
        acc = acc * u + c[k];
    }
    acc
}

/// e^t for t in f64 (clamped to [-137, 138]; beyond, the f32 results are 0 or inf): t -+ 50
/// split into an f32 head and its exact remainder, e^head from the f32 polynomial times
/// (1 + remainder) times e^+-50 in f64, so results outside f32's normal range keep full precision
/// until the one final rounding. About 1 f32 ulp.
#[inline(always)]
fn exp_wide<const FMA: bool>(t: f64) -> f64 {
    let neg = t < 0.0;
    let v = t.clamp(-137.0, 138.0) + if neg { 50.0 } else { -50.0 };
    let hi = v as f32;
    let lo = v - hi as f64;
    exp_full_f32::<FMA>(hi) as f64 * (1.0 + lo) * if neg { EXP_M50 } else { EXP_50 }
}

/// erfcx(a) = e^(a^2) erfc(a) for a >= 0 (inf: 0): a polynomial in a up to 2, a polynomial in
/// 1/a^2 divided by a beyond.
#[inline(always)]
fn erfcx_pos(a: f64) -> f64 {
    let small = poly(&ERFCX_SMALL, a);
    let large = poly(&ERFCX_LARGE, 1.0 / (a * a)) / a;
    if a < 2.0 { small } else { large }
}

/// e^-(x^2) erfcx(|x|) = erfc(|x|) in f64 for f32 x (x^2 is exact in f64).
#[inline(always)]
fn erfc_abs<const FMA: bool>(a: f64) -> f64 {
    exp_wide::<FMA>(-(a * a)) * erfcx_pos(a)
}

/// erfc(x), the complementary error function; 2 - erfc(-x) below 0.
#[inline(always)]
pub fn erfc_f32<const FMA: bool>(x: f32) -> f32 {
    let e = erfc_abs::<FMA>((x as f64).abs());
    let r = if x < 0.0 { 2.0 - e } else { e };
    if x != x { x } else { r as f32 }
}

/// erfcx(x) = e^(x^2) erfc(x); 2 e^(x^2) - erfcx(-x) below 0 (inf below about -9.4).
#[inline(always)]
pub fn erfcx_f32<const FMA: bool>(x: f32) -> f32 {
    let a = (x as f64).abs();
    let e = erfcx_pos(a);
    let r = if x < 0.0 { 2.0 * exp_wide::<FMA>(a * a) - e } else { e };
    if x != x { x } else { r as f32 }
}

/// ndtr(-|x|) = erfc(|x| / sqrt 2) / 2 in f64, with x^2 / 2 exact.
#[inline(always)]
fn ndtr_neg_abs<const FMA: bool>(x: f32) -> f64 {
    let a = (x as f64).abs();
    0.5 * exp_wide::<FMA>(-0.5 * (a * a)) * erfcx_pos(a * FRAC_1_SQRT_2)
}

/// The standard normal CDF: erfc(|x| / sqrt 2) / 2 below 0, one minus it above.
#[inline(always)]
pub fn ndtr_f32<const FMA: bool>(x: f32) -> f32 {
    let h = ndtr_neg_abs::<FMA>(x);
    let r = if x < 0.0 { h } else { 1.0 - h };
    if x != x { x } else { r as f32 }
}

/// log ndtr(x): ln(erfcx(-x / sqrt 2) / 2) - x^2 / 2 below -1 (no underflow: log_ndtr(-20) is
/// about -204), log1p(-ndtr(-x)) above.
#[inline(always)]
pub fn log_ndtr_f32<const FMA: bool>(x: f32) -> f32 {
    let a = (x as f64).abs();
    let s = 0.5 * (a * a);
    let tail = ln_f32::<FMA>((0.5 * erfcx_pos(a * FRAC_1_SQRT_2)) as f32) as f64 - s;
    // ndtr(-x): the small side above 0, one minus it between -1 and 0.
    let h = ndtr_neg_abs::<FMA>(x);
    let q = if x < 0.0 { 1.0 - h } else { h };
    let body = log1p_f32::<FMA>(-(q as f32)) as f64;
    let r = if x < -1.0 { tail } else { body };
    if x != x { x } else { r as f32 }
}

/// The modified Bessel functions of order 0 and 1 as (value, scaled by e^-|x|) pairs of |x|
/// (order 1 before its sign): polynomials in x^2 up to 8, sqrt(x) I e^-x in 1/x beyond.
#[inline(always)]
fn bessel_i_abs<const FMA: bool, const ORDER1: bool, const SCALED: bool>(x: f32) -> f64 {
    let a = (x as f64).abs();
    let small = if ORDER1 { a * poly(&I1_SMALL, a * a) } else { poly(&I0_SMALL, a * a) };
    let large = (if ORDER1 { poly(&I1_LARGE, 1.0 / a) } else { poly(&I0_LARGE, 1.0 / a) }) / a.sqrt();
    let r = if SCALED {
        if a <= 8.0 { small * exp_wide::<FMA>(-a) } else { large }
    } else if a <= 8.0 {
        small
    } else {
        large * exp_wide::<FMA>(a)
    };
    // e^|x| times a vanishing scaled value would give 0 at inf.
    let r = if !SCALED && a == f64::INFINITY { a } else { r };
    // I1 is odd (its sign is x's, -0.0 included); I0 even.
    if ORDER1 { r.copysign(x as f64) } else { r }
}

/// I0(x); inf from about |x| = 91.9.
#[inline(always)]
pub fn i0_f32<const FMA: bool>(x: f32) -> f32 {
    let r = bessel_i_abs::<FMA, false, false>(x) as f32;
    if x != x { x } else { r }
}

/// I0(x) e^-|x|.
#[inline(always)]
pub fn i0e_f32<const FMA: bool>(x: f32) -> f32 {
    let r = bessel_i_abs::<FMA, false, true>(x) as f32;
    if x != x { x } else { r }
}

/// I1(x) (odd); +-inf from about |x| = 91.9.
#[inline(always)]
pub fn i1_f32<const FMA: bool>(x: f32) -> f32 {
    let r = bessel_i_abs::<FMA, true, false>(x) as f32;
    if x != x { x } else { r }
}

/// I1(x) e^-|x| (odd).
#[inline(always)]
pub fn i1e_f32<const FMA: bool>(x: f32) -> f32 {
    let r = bessel_i_abs::<FMA, true, true>(x) as f32;
    if x != x { x } else { r }
}

/// Giles' single-precision erfinv polynomials ("Approximating the erfinv function", GPU Computing
/// Gems, 2011) in w = -ln(1 - x^2): in w - 5/2 below w = 5, in sqrt(w) - 3 above (lowest power
/// first). Evaluated in f64 with w from the f32 log they give 1.6 ulp for every f32 x.
const ERFINV_CENTRE: [f64; 9] = [
    1.501_409_41, 0.246_640_727, -0.004_177_681_64, -0.001_253_725_03, 0.000_218_580_87, -4.391_506_54e-6,
    -3.523_387_7e-6, 3.432_739_39e-7, 2.810_226_36e-8,
];
const ERFINV_TAIL: [f64; 9] = [
    2.832_976_82, 1.001_674_06, 0.009_438_870_47, -0.007_622_461_3, 0.005_739_507_73, -0.003_673_428_44,
    0.001_349_343_22, 0.000_100_950_558, -0.000_200_214_257,
];

/// erfinv(x) = x P(w) for (1 - x)(1 + x) = e^-w given exactly in f64 (`one_minus_sq`).
#[inline(always)]
fn erfinv_core<const FMA: bool>(x: f64, one_minus_sq: f64) -> f64 {
    let w = -(ln_f32::<FMA>(one_minus_sq as f32) as f64);
    let centre = poly(&ERFINV_CENTRE, w - 2.5);
    let tail = poly(&ERFINV_TAIL, w.sqrt() - 3.0);
    x * if w < 5.0 { centre } else { tail }
}

/// The inverse error function on [-1, 1] (+-inf at +-1, NaN outside).
#[inline(always)]
pub fn erfinv_f32<const FMA: bool>(x: f32) -> f32 {
    let d = x as f64;
    let r = erfinv_core::<FMA>(d, (1.0 - d) * (1.0 + d));
    let r = if x.abs() == 1.0 { f64::INFINITY.copysign(d) } else { r };
    if x.abs() > 1.0 || x != x { f32::NAN } else { r as f32 }
}

/// B_2j / (2j)! as Cephes' zeta divides them (the Euler-Maclaurin coefficients of `hurwitz_zeta`).
const ZETA_A: [f64; 12] = [
    12.0, -720.0, 30240.0, -1_209_600.0, 47_900_160.0, -1.892_437_580_318_379_2e9, 7.472_424_96e10,
    -2.950_130_727_918_164e12, 1.164_678_281_435_006_7e14, -4.597_978_722_407_472_6e15,
    1.815_210_540_194_354_7e17, -7.166_165_256_175_667e18,
];

/// The largest polygamma order the vectorised kernel takes (its Euler-Maclaurin tail converges
/// fast for s = n + 1 <= 21 at w >= 9).
pub const POLYGAMMA_MAX_N: f64 = 20.0;

/// v^-s for an integer 2 <= s < 32 by square-and-multiply on 1/v (a fixed 5 steps, so it unrolls).
#[inline(always)]
fn inv_powi(v: f64, s: u32) -> f64 {
    let (mut r, mut b) = (1.0, 1.0 / v);
    for bit in 0..5 {
        r = if (s >> bit) & 1 == 1 { r * b } else { r };
        b *= b;
    }
    r
}

/// The Hurwitz zeta function zeta(s, q) for an integer s >= 2 and q > 0, in f64 (Cephes' method
/// with fixed counts: the first ten terms directly, then Euler-Maclaurin at w = q + 9 with all
/// twelve correction terms).
#[inline(always)]
fn hurwitz_zeta(s: u32, q: f64) -> f64 {
    let sf = s as f64;
    let mut sum = 0.0;
    for k in 0..10 {
        sum += inv_powi(q + k as f64, s);
    }
    let w = q + 9.0;
    let mut b = inv_powi(w, s);
    sum += b * w / (sf - 1.0) - 0.5 * b;
    let (mut a, mut k) = (1.0, 0.0);
    for c in ZETA_A {
        a *= sf + k;
        b /= w;
        sum += a * b / c;
        k += 1.0;
        a *= sf + k;
        b /= w;
        k += 1.0;
    }
    sum
}

/// Trigamma psi'(x) = polygamma(1, x) for x >= 0 in f32, computed in f64 with a fixed count
/// (PyTorch's method, so it vectorises): six steps of psi'(x) = 1/x^2 + psi'(x + 1), summed in
/// pairs 1/a^2 + 1/b^2 = (a^2 + b^2) / (a b)^2 (three divisions), then the asymptotic series at
/// x + 6 through its x^-9 term (relative error below 1e-9 there). 0 at +inf, NaN from NaN.
#[inline(always)]
pub fn trigamma_pos_f32(x: f32) -> f32 {
    let mut v = x as f64;
    let mut r = 0.0;
    for _ in 0..3 {
        let (a2, b2) = (v * v, (v + 1.0) * (v + 1.0));
        r += (a2 + b2) / (a2 * b2);
        v += 2.0;
    }
    let ixx = 1.0 / (v * v);
    r += (1.0 + 1.0 / (2.0 * v) + ixx * (1.0 / 6.0 - ixx * (1.0 / 30.0 - ixx * (1.0 / 42.0 - ixx / 30.0)))) / v;
    if x == f32::INFINITY { 0.0 } else { r as f32 }
}

/// polygamma(n, x) = (-1)^(n+1) n! zeta(n + 1, x) for x >= 0 and an integer 1 <= n <=
/// `POLYGAMMA_MAX_N`, given `scale` = (-1)^(n+1) n! and the value at +inf (`at_inf`, the f64
/// function's).
#[inline(always)]
pub fn polygamma_pos_f32(n: u32, scale: f64, at_inf: f32, x: f32) -> f32 {
    let v = scale * hurwitz_zeta(n + 1, x as f64);
    let v = if x == f32::INFINITY { at_inf as f64 } else { v };
    if x != x { x } else { v as f32 }
}

/// The next f32 after x toward y by one step of its bit pattern (integer adds: it vectorises):
/// y itself when x == y, the smallest subnormal with y's sign from a zero, NaN from a NaN.
#[inline(always)]
pub fn nextafter_f32(x: f32, y: f32) -> f32 {
    let b = x.to_bits();
    // Away from zero when y lies beyond x on x's side; a step of the magnitude either way.
    let r = f32::from_bits(if (y > x) == (x > 0.0) { b.wrapping_add(1) } else { b.wrapping_sub(1) });
    let r = if x == 0.0 { f32::from_bits(1 | (y.to_bits() & 0x8000_0000)) } else { r };
    let r = if x == y { y } else { r };
    if x != x || y != y { x + y } else { r }
}

/// `nextafter_f32` for f64.
#[inline(always)]
pub fn nextafter_f64(x: f64, y: f64) -> f64 {
    let b = x.to_bits();
    let r = f64::from_bits(if (y > x) == (x > 0.0) { b.wrapping_add(1) } else { b.wrapping_sub(1) });
    let r = if x == 0.0 { f64::from_bits(1 | (y.to_bits() & 0x8000_0000_0000_0000)) } else { r };
    let r = if x == y { y } else { r };
    if x != x || y != y { x + y } else { r }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::special as sp;

    /// Largest error of `f` against the f64 function `r` in ulps of the f32 result (results in
    /// f32's subnormal range: in units of the smallest subnormal), over `n` points of [lo, hi].
    fn ulps(f: &dyn Fn(f32) -> f32, r: &dyn Fn(f64) -> f64, lo: f32, hi: f32, n: usize) -> (f64, f32) {
        let mut worst = (0f64, 0f32);
        for i in 0..=n {
            let x = lo + (hi - lo) * (i as f32 / n as f32);
            let (got, want) = (f(x) as f64, r(x as f64));
            if want.is_nan() && got.is_nan() || got == want {
                continue;
            }
            let ulp = ((want as f32).abs().max(f32::MIN_POSITIVE) as f64) * f32::EPSILON as f64;
            let e = (got - want).abs() / ulp.max(f32::from_bits(1) as f64);
            if e > worst.0 {
                worst = (e, x);
            }
        }
        worst
    }

    #[test]
    fn accuracy_in_ulps() {
        type F = fn(f32) -> f32;
        // (name, fma frame, plain frame, f64 reference, range, bound in ulps): bounds are the
        // measured maxima rounded up.
        let cases: Vec<(&str, F, F, fn(f64) -> f64, f32, f32, f64)> = vec![
            ("erfc", erfc_f32::<true>, erfc_f32::<false>, libm::erfc, -4.0, 10.5, 2.0),
            ("erfc near 0", erfc_f32::<true>, erfc_f32::<false>, libm::erfc, -0.1, 0.1, 2.0),
            ("erfcx", erfcx_f32::<true>, erfcx_f32::<false>, sp::erfcx, -9.3, 100.0, 2.0),
            ("erfcx far", erfcx_f32::<true>, erfcx_f32::<false>, sp::erfcx, 100.0, 1e30, 2.0),
            ("ndtr", ndtr_f32::<true>, ndtr_f32::<false>, sp::ndtr, -14.0, 6.0, 2.0),
            ("ndtr near 0", ndtr_f32::<true>, ndtr_f32::<false>, sp::ndtr, -0.5, 0.5, 2.0),
            ("log_ndtr", log_ndtr_f32::<true>, log_ndtr_f32::<false>, sp::log_ndtr, -40.0, 6.0, 3.0),
            ("log_ndtr far", log_ndtr_f32::<true>, log_ndtr_f32::<false>, sp::log_ndtr, -1e18, -40.0, 3.0),
            ("log_ndtr near -1", log_ndtr_f32::<true>, log_ndtr_f32::<false>, sp::log_ndtr, -1.5, -0.5, 3.0),
            ("i0", i0_f32::<true>, i0_f32::<false>, sp::i0, -92.0, 92.0, 3.0),
            ("i0 small", i0_f32::<true>, i0_f32::<false>, sp::i0, -9.0, 9.0, 3.0),
            ("i0e", i0e_f32::<true>, i0e_f32::<false>, sp::i0e, -200.0, 200.0, 3.0),
            ("i0e far", i0e_f32::<true>, i0e_f32::<false>, sp::i0e, 200.0, 1e30, 3.0),
            ("i1", i1_f32::<true>, i1_f32::<false>, sp::i1, -92.0, 92.0, 3.0),
            ("i1 small", i1_f32::<true>, i1_f32::<false>, sp::i1, -9.0, 9.0, 3.0),
            ("i1e", i1e_f32::<true>, i1e_f32::<false>, sp::i1e, -200.0, 200.0, 3.0),
            ("i1e tiny", i1e_f32::<true>, i1e_f32::<false>, sp::i1e, -1e-3, 1e-3, 3.0),
            ("erfinv", erfinv_f32::<true>, erfinv_f32::<false>, crate::cpu::math::erfinv_f64, -1.0, 1.0, 2.0),
            ("erfinv near 0", erfinv_f32::<true>, erfinv_f32::<false>, crate::cpu::math::erfinv_f64, -1e-3, 1e-3, 2.0),
            ("trigamma", trigamma_pos_f32, trigamma_pos_f32, crate::cpu::special::trigamma, 0.0, 30.0, 2.0),
            ("trigamma small", trigamma_pos_f32, trigamma_pos_f32, crate::cpu::special::trigamma, 0.0, 1e-3, 2.0),
            ("trigamma far", trigamma_pos_f32, trigamma_pos_f32, crate::cpu::special::trigamma, 30.0, 1e30, 2.0),
        ];
        for (name, fma, plain, r, lo, hi, bound) in cases {
            for (frame, f) in [("fma", fma), ("plain", plain)] {
                let (e, at) = ulps(&|x| f(x), &r, lo, hi, 300_000);
                assert!(e <= bound, "{name} ({frame}): {e} ulp at {at}");
            }
        }
    }

    #[test]
    fn special_values() {
        let (inf, nan) = (f32::INFINITY, f32::NAN);
        let sub = f32::from_bits(1);
        for f in [erfinv_f32::<true> as fn(f32) -> f32, erfc_f32::<true>, erfcx_f32::<true>, ndtr_f32::<true>, log_ndtr_f32::<true>, i0_f32::<true>,
                  i0e_f32::<true>, i1_f32::<true>, i1e_f32::<true>] {
            assert!(f(nan).is_nan());
        }
        assert!(erfc_f32::<true>(inf) == 0.0 && erfc_f32::<true>(-inf) == 2.0 && erfc_f32::<true>(0.0) == 1.0);
        assert!(erfc_f32::<true>(-0.0) == 1.0 && erfc_f32::<true>(sub) == 1.0 && erfc_f32::<true>(11.0) == 0.0);
        // erfc(10) is subnormal (about 2.09e-45): rounded once, not flushed.
        assert_eq!(erfc_f32::<true>(10.0), (libm::erfc(10.0)) as f32);
        assert!(erfcx_f32::<true>(inf) == 0.0 && erfcx_f32::<true>(-inf) == inf && erfcx_f32::<true>(-10.0) == inf);
        assert!(erfcx_f32::<true>(0.0) == 1.0 && erfcx_f32::<true>(f32::MAX) > 0.0);
        assert!(ndtr_f32::<true>(inf) == 1.0 && ndtr_f32::<true>(-inf) == 0.0 && ndtr_f32::<true>(0.0) == 0.5);
        assert!(ndtr_f32::<true>(-0.0) == 0.5 && ndtr_f32::<true>(-15.0) == 0.0 && ndtr_f32::<true>(-14.0) > 0.0);
        assert!(log_ndtr_f32::<true>(inf) == 0.0 && log_ndtr_f32::<true>(-inf) == -inf && log_ndtr_f32::<true>(-1e20) == -inf);
        assert!(i0_f32::<true>(0.0) == 1.0 && i0_f32::<true>(-inf) == inf && i0_f32::<true>(92.0) == inf && i0_f32::<true>(91.0) < inf);
        assert!(i0e_f32::<true>(inf) == 0.0 && i0e_f32::<true>(-0.0) == 1.0);
        assert!(i1_f32::<true>(-0.0).is_sign_negative() && i1_f32::<true>(-inf) == -inf && i1_f32::<true>(0.0) == 0.0);
        assert!(i1e_f32::<true>(-inf) == 0.0 && i1e_f32::<true>(-inf).is_sign_negative() && i1e_f32::<true>(sub) == 0.5 * sub);
    }

    #[test]
    fn polygamma_orders() {
        for n in 1..=POLYGAMMA_MAX_N as u32 {
            let scale = (if n % 2 == 1 { 1.0 } else { -1.0 }) * (1..=n).map(|k| k as f64).product::<f64>();
            let at_inf = sp::polygamma(n as f64, f64::INFINITY) as f32;
            let f = |x: f32| polygamma_pos_f32(n, scale, at_inf, x);
            let r = |x: f64| sp::polygamma(n as f64, x);
            for (lo, hi) in [(0.0f32, 30.0f32), (1e-3, 1e-1), (30.0, 1e6)] {
                let (e, at) = ulps(&f, &r, lo, hi, 20_000);
                assert!(e <= 2.0, "polygamma({n}): {e} ulp at {at}");
            }
            assert!(f(0.0).is_infinite() && f(f32::NAN).is_nan());
        }
    }

    #[test]
    fn erfinv_at_the_edges() {
        let inf = f32::INFINITY;
        assert!(erfinv_f32::<true>(1.0) == inf && erfinv_f32::<true>(-1.0) == -inf && erfinv_f32::<true>(1.5).is_nan());
        assert!(erfinv_f32::<true>(0.0) == 0.0 && erfinv_f32::<true>(-0.0).is_sign_negative() && erfinv_f32::<true>(-inf).is_nan());
    }

    #[test]
    fn nextafter_matches_libm() {
        let sub = f32::from_bits(1);
        let xs = [0.0f32, -0.0, 1.0, -1.0, sub, -sub, f32::MIN_POSITIVE, f32::MAX, -f32::MAX, f32::INFINITY,
                  f32::NEG_INFINITY, f32::NAN, 3.5, -1e-40];
        for &x in &xs {
            for &y in &xs {
                let (got, want) = (nextafter_f32(x, y), libm::nextafterf(x, y));
                assert!(got.to_bits() == want.to_bits() || got.is_nan() && want.is_nan(), "{x} {y}: {got} {want}");
                let (got, want) = (nextafter_f64(x as f64, y as f64), libm::nextafter(x as f64, y as f64));
                assert!(got.to_bits() == want.to_bits() || got.is_nan() && want.is_nan(), "{x} {y}: {got} {want}");
            }
        }
    }
}
