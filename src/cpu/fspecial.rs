//! Vectorisable float32 kernels of the special-function rows (erfc, erfcx, ndtr, ndtri, log_ndtr,
//! i0/i0e/i1/i1e, k0/k0e/k1/k1e, j0/j1/y0/y1, erfinv, lgamma and polygamma of x > 0; nextafter's
//! bit step): polynomial cores evaluated
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

/// K0(x) + ln(x/2) I0(x) in u = x^2, x <= 2: degree 8, max relative error 5.0e-10 (lowest power first).
const K0_SMALL: [f64; 9] = [
    -0.5772156649015333,
    0.10569608377461792,
    0.014418505235916455,
    0.0005451899602309919,
    1.0214014188891021e-05,
    1.1570345897734355e-07,
    8.820142237029299e-10,
    4.8358128101750075e-12,
    2.118807062734199e-14,
];
/// x K1(x) - x ln(x/2) I1(x) in u = x^2, x <= 2: degree 6, max relative error 5.1e-10 (lowest power first).
const K1_SMALL: [f64; 7] = [
    0.9999999998601801,
    0.038607835875696744,
    -0.042049034629922065,
    -0.002837091494536859,
    -7.494501382807266e-05,
    -1.0839038142757166e-06,
    -1.10666046189276e-08,
];
/// sqrt(x) K0(x) e^x in u = 1/x, x > 2: degree 9, max relative error 4.5e-10 (lowest power first).
const K0_LARGE: [f64; 10] = [
    1.253314136749363,
    -0.15666403891129466,
    0.08810797859094807,
    -0.09136279213547788,
    0.13419314371353125,
    -0.2266560690396856,
    0.3541907421704778,
    -0.421435827894436,
    0.316072242519754,
    -0.10857943077931731,
];
/// sqrt(x) K1(x) e^x in u = 1/x, x > 2: degree 9, max relative error 5.3e-10 (lowest power first).
const K1_LARGE: [f64; 10] = [
    1.253314137975278,
    0.46999253551998565,
    -0.14685450015690038,
    0.12801037819546424,
    -0.17332886417931412,
    0.2807890100452587,
    -0.42958898963576575,
    0.5056066728227536,
    -0.37695100729499986,
    0.1290413941021445,
];
/// -ndtri(q) / t in u = 1/t, t = sqrt(-2 ln q), q in [1.4e-45, 1.3e-6]: degree 8, max relative error 6.3e-10 (lowest power first).
const NDTRI_TAIL: [f64; 9] = [
    1.000248106315348,
    -0.03400602557649374,
    -3.9862275981171225,
    16.307871842358182,
    -85.8470080289109,
    368.996171864594,
    -1095.394685967942,
    1951.8769067433918,
    -1562.5670641718743,
];

/// J0(x) in u = x^2, x <= 2: degree 6, max relative error 2.0e-11 (lowest power first).
const J0_SMALL: [f64; 7] = [
    0.9999999999954516,
    -0.24999999988853833,
    0.015624999553756222,
    -0.00043402710728123774,
    6.7812036984617524e-06,
    -6.763979068692184e-08,
    4.3840555965018166e-10,
];
/// J1(x) / x in u = x^2, x <= 2: degree 5, max relative error 2.2e-10 (lowest power first).
const J1_SMALL: [f64; 6] = [
    0.49999999993623323,
    -0.06249999885191043,
    0.002604163313726794,
    -5.424988614293502e-05,
    6.764305153041314e-07,
    -5.260967952513398e-09,
];
/// Y0(x) - 2/pi ln(x/2) J0(x) in u = x^2, x <= 2: degree 6, max relative error 1.6e-11 (lowest power first).
const Y0_SMALL: [f64; 7] = [
    0.3674669052024341,
    0.06728821665017465,
    -0.009179104950398722,
    0.0003470778507405437,
    -6.5018288533514896e-06,
    7.343256644136687e-08,
    -5.198148689266348e-10,
];
/// x Y1(x) - 2/pi x ln(x/2) J1(x) in u = x^2, x <= 2: degree 6, max relative error 3.6e-10 (lowest power first).
const Y1_SMALL: [f64; 7] = [
    -0.6366197724454613,
    0.024578511414846307,
    0.026769230499965213,
    -0.001806150099949772,
    4.769395971069294e-05,
    -6.903796756313799e-07,
    5.878242149542909e-09,
];
/// sqrt(x) (J0^2 + Y0^2)^(1/2) in q = 1/x, x >= 2: degree 10, max relative error 3.9e-10 (lowest power first).
const JY0_MODULUS: [f64; 11] = [
    0.7978845610179172,
    -1.0250395638886078e-07,
    -0.04986023118376369,
    -0.0001948903301651865,
    0.08454814865392461,
    0.0006571833841771818,
    -0.6258984285931453,
    1.853927646021046,
    -2.777186088748454,
    2.2397722396691297,
    -0.7726905244904863,
];
/// sqrt(x) (J1^2 + Y1^2)^(1/2) in q = 1/x, x >= 2: degree 10, max relative error 4.3e-10 (lowest power first).
const JY1_MODULUS: [f64; 11] = [
    0.7978845606093972,
    9.14311933039591e-08,
    0.14959694155071251,
    0.00014385148806169562,
    -0.15500373458181801,
    -0.01826568914120731,
    0.9927421833295202,
    -2.7282337587016126,
    3.906614087218548,
    -3.056501537895584,
    1.0321140743977022,
];
/// atan2(Y0, J0) - (x - pi/4) in q = 1/x, x >= 2: degree 12, max absolute error 6.1e-11 (lowest power first).
const JY0_PHASE: [f64; 13] = [
    3.2718400905240586e-11,
    -0.1250000220257443,
    2.381818325167262e-06,
    0.06500696773860501,
    0.0019144598662800896,
    -0.22843032820409875,
    0.0579194077652192,
    2.336613933210176,
    -9.062285242574475,
    18.26694750856318,
    -22.011289053977713,
    15.04596605742115,
    -4.511300584122108,
];
/// atan2(Y1, J1) - (x - 3 pi/4) in q = 1/x, x >= 2: degree 12, max absolute error 4.5e-11 (lowest power first).
const JY1_PHASE: [f64; 13] = [
    -3.328266828805937e-11,
    0.37500002223555623,
    -2.3662674889374236e-06,
    -0.16396917484985118,
    -0.0017072368326579296,
    0.38443049620818603,
    0.021879579012943295,
    -3.8192242576433753,
    13.530343768131669,
    -25.99238120181169,
    30.35739380542332,
    -20.30380438561481,
    5.991927200640398,
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

/// `poly` with fused multiply-adds in the AVX2+FMA frame (`FMA`; plain steps elsewhere): half
/// the operations, and each step rounded once.
#[inline(always)]
fn polyf<const FMA: bool, const N: usize>(c: &[f64; N], u: f64) -> f64 {
    if !FMA {
        return poly(c, u);
    }
    let mut acc = c[N - 1];
    for k in (0..N - 1).rev() {
        acc = acc.mul_add(u, c[k]);
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
fn erfcx_pos<const FMA: bool>(a: f64) -> f64 {
    let small = polyf::<FMA, 14>(&ERFCX_SMALL, a);
    // One division for both 1/a^2 and 1/a.
    let r = 1.0 / a;
    let large = polyf::<FMA, 11>(&ERFCX_LARGE, r * r) * r;
    if a < 2.0 { small } else { large }
}

/// e^-(x^2) erfcx(|x|) = erfc(|x|) in f64 for f32 x (x^2 is exact in f64).
#[inline(always)]
fn erfc_abs<const FMA: bool>(a: f64) -> f64 {
    exp_wide::<FMA>(-(a * a)) * erfcx_pos::<FMA>(a)
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
    let e = erfcx_pos::<FMA>(a);
    let r = if x < 0.0 { 2.0 * exp_wide::<FMA>(a * a) - e } else { e };
    if x != x { x } else { r as f32 }
}

/// ndtr(-|x|) = erfc(|x| / sqrt 2) / 2 in f64, with x^2 / 2 exact.
#[inline(always)]
fn ndtr_neg_abs<const FMA: bool>(x: f32) -> f64 {
    let a = (x as f64).abs();
    0.5 * exp_wide::<FMA>(-0.5 * (a * a)) * erfcx_pos::<FMA>(a * FRAC_1_SQRT_2)
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
    let tail = ln_f32::<FMA>((0.5 * erfcx_pos::<FMA>(a * FRAC_1_SQRT_2)) as f32) as f64 - s;
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
    let small = if ORDER1 { a * polyf::<FMA, 11>(&I1_SMALL, a * a) } else { polyf::<FMA, 12>(&I0_SMALL, a * a) };
    let large = (if ORDER1 { polyf::<FMA, 7>(&I1_LARGE, 1.0 / a) } else { polyf::<FMA, 7>(&I0_LARGE, 1.0 / a) }) / a.sqrt();
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
    let centre = polyf::<FMA, 9>(&ERFINV_CENTRE, w - 2.5);
    let tail = polyf::<FMA, 9>(&ERFINV_TAIL, w.sqrt() - 3.0);
    x * if w < 5.0 { centre } else { tail }
}

/// |x| up to which erfinv takes Giles' centre polynomial (w < 5: |x| < sqrt(1 - e^-5) = 0.99662).
pub const ERFINV_CENTRE_MAX: f32 = 0.9966;

/// `erfinv_f32` for |x| <= `ERFINV_CENTRE_MAX` (the caller's range): the centre polynomial alone,
/// bit-identical to `erfinv_f32::<FMA>` there.
#[inline(always)]
pub fn erfinv_centre_f32<const FMA: bool>(x: f32) -> f32 {
    let d = x as f64;
    let w = -(ln_f32::<FMA>(((1.0 - d) * (1.0 + d)) as f32) as f64);
    (d * polyf::<FMA, 9>(&ERFINV_CENTRE, w - 2.5)) as f32
}

/// The inverse error function on [-1, 1] (+-inf at +-1, NaN outside).
#[inline(always)]
pub fn erfinv_f32<const FMA: bool>(x: f32) -> f32 {
    let d = x as f64;
    let r = erfinv_core::<FMA>(d, (1.0 - d) * (1.0 + d));
    let r = if x.abs() == 1.0 { f64::INFINITY.copysign(d) } else { r };
    if x.abs() > 1.0 || x != x { f32::NAN } else { r as f32 }
}


/// The modified Bessel functions of the second kind of order 0 and 1 (K0, K1; `SCALED`: times
/// e^x) for x >= 0: below 2 the power series in x^2 with the log part split off (K0 = P(x^2) -
/// ln(x/2) I0(x), K1 = P(x^2) / x + ln(x/2) I1(x)), above 2 sqrt(x) K e^x as a polynomial in 1/x.
/// inf at 0, NaN below 0 and for NaN.
#[inline(always)]
fn bessel_k<const FMA: bool, const ORDER1: bool, const SCALED: bool>(x: f32) -> f32 {
    let a = x as f64;
    let u = a * a;
    // ln(x / 2) in f64 (x / 2 of the smallest subnormal would round to 0 in f32).
    let l = ln_pos_f64::<FMA>(0.5 * a.max(1e-300));
    let small = if ORDER1 {
        poly(&K1_SMALL, u) / a + l * (a * poly(&I1_SMALL, u))
    } else {
        poly(&K0_SMALL, u) - l * poly(&I0_SMALL, u)
    };
    let large = (if ORDER1 { poly(&K1_LARGE, 1.0 / a) } else { poly(&K0_LARGE, 1.0 / a) }) / a.sqrt();
    let r = if SCALED {
        if a <= 2.0 { small * exp_wide::<FMA>(a) } else { large }
    } else if a <= 2.0 {
        small
    } else {
        large * exp_wide::<FMA>(-a)
    };
    let r = if a == 0.0 { f64::INFINITY } else if a == f64::INFINITY { 0.0 } else { r };
    if x < 0.0 || x != x { f32::NAN } else { r as f32 }
}

/// K0(x), the modified Bessel function of the second kind of order 0.
#[inline(always)]
pub fn k0_f32<const FMA: bool>(x: f32) -> f32 {
    bessel_k::<FMA, false, false>(x)
}

/// K1(x), the modified Bessel function of the second kind of order 1.
#[inline(always)]
pub fn k1_f32<const FMA: bool>(x: f32) -> f32 {
    bessel_k::<FMA, true, false>(x)
}

/// K0(x) e^x.
#[inline(always)]
pub fn k0e_f32<const FMA: bool>(x: f32) -> f32 {
    bessel_k::<FMA, false, true>(x)
}

/// K1(x) e^x.
#[inline(always)]
pub fn k1e_f32<const FMA: bool>(x: f32) -> f32 {
    bessel_k::<FMA, true, true>(x)
}

/// The inverse of the standard normal CDF on [0, 1] (-inf at 0, inf at 1, NaN outside): sqrt(2)
/// erfinv(2p - 1) with (1 - x)(1 + x) = 4 q (1 - q) exact in f64 down to q = min(p, 1 - p) =
/// 1e-6 (Giles' polynomials hold there), below that t P(1 / t) with t = sqrt(-2 ln q).
#[inline(always)]
pub fn ndtri_f32<const FMA: bool>(p: f32) -> f32 {
    let d = p as f64;
    let q = if d < 0.5 { d } else { 1.0 - d };
    let centre = std::f64::consts::SQRT_2 * erfinv_core::<FMA>(2.0 * d - 1.0, 4.0 * q * (1.0 - q));
    let t = (-2.0 * ln_f32::<FMA>(q as f32) as f64).sqrt();
    let tail = t * poly(&NDTRI_TAIL, 1.0 / t);
    let r = if q < 1e-6 { if d < 0.5 { -tail } else { tail } } else { centre };
    let r = if q == 0.0 { f64::INFINITY.copysign(d - 0.5) } else { r };
    if !(0.0..=1.0).contains(&p) { f32::NAN } else { r as f32 }
}

/// ln(x) in f64 for positive normal finite x (the caller's range), vectorisable: x = 2^e m with
/// m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s) for s = (m - 1) / (m + 1) (|s| <= 0.172, so 12
/// odd powers reach f64 rounding). The exponent becomes an f64 through the 2^52 bit trick (AVX2
/// has no i64 -> f64 conversion).
#[inline(always)]
fn ln_pos_f64<const FMA: bool>(x: f64) -> f64 {
    const TWO52: f64 = 4_503_599_627_370_496.0;
    let bits = x.to_bits();
    let e = f64::from_bits(0x4330_0000_0000_0000 | (bits >> 52)) - TWO52 - 1023.0;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let big = m > std::f64::consts::SQRT_2;
    let (m, e) = if big { (0.5 * m, e + 1.0) } else { (m, e) };
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    const ODD: [f64; 11] = [
        1.0 / 3.0, 1.0 / 5.0, 1.0 / 7.0, 1.0 / 9.0, 1.0 / 11.0, 1.0 / 13.0, 1.0 / 15.0, 1.0 / 17.0, 1.0 / 19.0,
        1.0 / 21.0, 1.0 / 23.0,
    ];
    e * std::f64::consts::LN_2 + (2.0 * s + 2.0 * s * s2 * polyf::<FMA, 11>(&ODD, s2))
}

/// The Stirling series' corrections B_2k / (2k (2k - 1)) for k = 1..7, in 1/z^2 after the first 1/z.
const STIRLING: [f64; 7] = [
    1.0 / 12.0, -1.0 / 360.0, 1.0 / 1260.0, -1.0 / 1680.0, 1.0 / 1188.0, -691.0 / 360_360.0, 1.0 / 156.0,
];

/// ln Gamma(x) for x > 0 in f64: shifted up to z = x + k >= 10 (k <= 10 steps, as selects),
/// Stirling's series at z (7 terms: the next is below 3e-17 there), minus ln of the shift's
/// product x (x + 1) ... (x + k - 1). About 1e-15 absolute: a few f32 ulps next to the zeros at
/// 1 and 2, which are exact.
#[inline(always)]
fn lgamma_pos<const FMA: bool>(x: f64) -> f64 {
    let (mut z, mut p) = (x, 1.0);
    for _ in 0..10 {
        let low = z < 10.0;
        p = if low { p * z } else { p };
        z = if low { z + 1.0 } else { z };
    }
    let iz = 1.0 / z;
    let series = iz * polyf::<FMA, 7>(&STIRLING, iz * iz);
    // 0.5 ln(2 pi)
    const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;
    let r = (z - 0.5) * ln_pos_f64::<FMA>(z) - z + HALF_LN_2PI + series - ln_pos_f64::<FMA>(p);
    if x == 1.0 || x == 2.0 { 0.0 } else { r }
}

/// lgamma(x) for x > 0 (and NaN; the caller sends the rest to the f64 function): inf at +inf
/// and above about 4.1e36, where the f32 result overflows.
#[inline(always)]
pub fn lgamma_pos_f32<const FMA: bool>(x: f32) -> f32 {
    let d = (x as f64).min(1e300);
    let r = lgamma_pos::<FMA>(d);
    if x != x { x } else { r as f32 }
}

// The Airy function Ai (scripts/fit_fspecial.py).
/// e^zeta 2 sqrt(pi) x^(1/4) Ai(x) in u = 1/zeta, x > 2: degree 9, max relative error 3.3e-10 (lowest power first).
const AIRY_LARGE: [f64; 10] = [
    0.9999999996674603,
    -0.06944431799543332,
    0.03712528803582896,
    -0.03777890416466414,
    0.05466018799966531,
    -0.09019601263754654,
    0.13607166196852474,
    -0.15487196671789263,
    0.1104825620217522,
    -0.035984665549522,
];
/// f = sum y^k / prod (3j - 1) 3j, y = x^3 (lowest power first).
const AIRY_F: [f64; 26] = [
    1.0,
    0.16666666666666666,
    0.005555555555555556,
    7.716049382716049e-05,
    5.845491956603068e-07,
    2.7835675983824134e-09,
    9.096626138504618e-12,
    2.1658633663106234e-14,
    3.9236655186786654e-17,
    5.589267120624879e-20,
    6.424444966235494e-23,
    6.083754702874521e-26,
    4.8283767483131115e-29,
    3.2580140002112767e-32,
    1.8919941929217632e-35,
    9.555526226877592e-39,
    4.2356055970202096e-42,
    1.6610218027530233e-45,
    5.803710002631109e-49,
    1.818204888042327e-52,
    5.136172000119569e-56,
    1.3149441884586709e-59,
    3.0651379684351304e-63,
    6.532689617295675e-67,
    1.2779126794396859e-70,
    2.3025453683597943e-74,
];
/// g / x = sum y^k / prod 3j (3j + 1), y = x^3 (lowest power first).
const AIRY_G: [f64; 26] = [
    1.0,
    0.08333333333333333,
    0.001984126984126984,
    2.2045855379188714e-05,
    1.413195857640302e-07,
    5.888316073501258e-10,
    1.7217298460529996e-12,
    3.726687978469696e-15,
    6.211146630782827e-18,
    8.215802421670406e-21,
    8.83419615233377e-24,
    7.87361510903188e-27,
    5.911122454228139e-30,
    3.789181060402653e-33,
    2.098106899447759e-36,
    1.0135782122936034e-39,
    4.309431174717701e-43,
    1.6249740477819388e-46,
    5.471293090174878e-50,
    1.654958587469715e-53,
    4.521744774507418e-57,
    1.1214644778044192e-60,
    2.5361023921402515e-64,
    5.2507295903524876e-68,
    9.989972584384488e-72,
    1.7526267691902613e-75,
];

/// The lower end of `airy_ai_f32`'s range: below, the oscillating asymptotic expansion (the f64 function).
pub const AIRY_FAST_MIN: f32 = -6.5;

/// Ai(x) for x >= `AIRY_FAST_MIN` (and NaN; the caller sends the rest to the f64 function), in f64
/// lanes: the Maclaurin series C1 f(x) - C2 g(x) as fixed polynomials in x^3 up to 2 (at -6.5 their
/// terms reach 4e3, so about 1e-12 absolute: Ai's zeros there are 0.3 apart), e^-zeta times a
/// polynomial in 1/zeta above (zeta = 2/3 x^(3/2); 0 from about x = 28, where Ai underflows f32).
#[inline(always)]
pub fn airy_ai_f32<const FMA: bool>(x: f32) -> f32 {
    const C1: f64 = 0.355_028_053_887_817_24;
    const C2: f64 = 0.258_819_403_792_806_8;
    // 2 sqrt(pi)
    const TWO_SQRT_PI: f64 = 3.544_907_701_811_032;
    let d = x as f64;
    let y = d * d * d;
    let series = C1 * polyf::<FMA, 26>(&AIRY_F, y) - C2 * d * polyf::<FMA, 26>(&AIRY_G, y);
    let s = d.sqrt();
    let z = 2.0 / 3.0 * d * s;
    let large = exp_wide::<FMA>(-z) * polyf::<FMA, 10>(&AIRY_LARGE, 1.0 / z) / (TWO_SQRT_PI * s.sqrt());
    let r = if d > 2.0 { large } else { series };
    if x != x { x } else { r as f32 }
}

/// cos d and sin d in f64 for |d| <= 0.07 (the Bessel phase corrections): Taylor to d^8 / d^9.
#[inline(always)]
fn cos_sin_small(d: f64) -> (f64, f64) {
    let d2 = d * d;
    let c = 1.0 - d2 * (1.0 / 2.0 - d2 * (1.0 / 24.0 - d2 * (1.0 / 720.0 - d2 * (1.0 / 40_320.0))));
    let s = d * (1.0 - d2 * (1.0 / 6.0 - d2 * (1.0 / 120.0 - d2 * (1.0 / 5040.0 - d2 * (1.0 / 362_880.0)))));
    (c, s)
}

/// The Bessel functions of integer order 0 or 1 (`ORDER1`) of the first (J) or second (`Y`) kind
/// for |x| <= `TRIG_FAST_LIMIT` (the caller's guard): power series in x^2 up to 2 (Y with its log
/// part split off), beyond J = M cos(theta), Y = M sin(theta) with the modulus sqrt(x) M and the
/// phase correction theta - (x - (2n + 1) pi / 4) polynomials in 1/x, and cos(x), sin(x) from the
/// f32 polynomials (exact reduction): cos(x - pi/4 + d) = ((c + s) cos d + (c - s) sin d) / sqrt 2.
/// Absolute error about 1e-7 of the modulus near the zeros beyond 2, a few ulps elsewhere.
#[inline(always)]
fn bessel_jy<const FMA: bool, const ORDER1: bool, const Y: bool>(x: f32) -> f32 {
    use super::math::sincos_f32;
    let a = (x as f64).abs();
    let u = a * a;
    // ln(a / 2) in f64 (Y's log part cancels against the series near Y0's first zero).
    let l = ln_pos_f64::<FMA>(0.5 * a.max(1e-300));
    const TWO_PI_INV: f64 = std::f64::consts::FRAC_2_PI;
    let small = match (ORDER1, Y) {
        (false, false) => poly(&J0_SMALL, u),
        (true, false) => a * poly(&J1_SMALL, u),
        (false, true) => poly(&Y0_SMALL, u) + TWO_PI_INV * l * poly(&J0_SMALL, u),
        (true, true) => poly(&Y1_SMALL, u) / a + TWO_PI_INV * l * (a * poly(&J1_SMALL, u)),
    };
    let q = 1.0 / a;
    let m = (if ORDER1 { poly(&JY1_MODULUS, q) } else { poly(&JY0_MODULUS, q) }) / a.sqrt() * std::f64::consts::FRAC_1_SQRT_2;
    let d = if ORDER1 { poly(&JY1_PHASE, q) } else { poly(&JY0_PHASE, q) };
    let (cd, sd) = cos_sin_small(d);
    let xa = x.abs();
    let (c, s) = (sincos_f32::<FMA, true>(xa) as f64, sincos_f32::<FMA, false>(xa) as f64);
    // theta = a - pi/4 + d (order 0) or a - 3 pi/4 + d (order 1); see the doc for the identities.
    let large = m * match (ORDER1, Y) {
        (false, false) => (c + s) * cd + (c - s) * sd,
        (false, true) => (s - c) * cd + (s + c) * sd,
        (true, false) => (s - c) * cd + (s + c) * sd,
        (true, true) => (s - c) * sd - (s + c) * cd,
    };
    let r = if a <= 2.0 { small } else { large };
    if Y {
        let r = if a == 0.0 { f64::NEG_INFINITY } else { r };
        if x < 0.0 || x != x { f32::NAN } else { r as f32 }
    } else if ORDER1 {
        // J1 is odd: J1(|x|) with its sign flipped for negative x (-0.0 included).
        if x != x { x } else { f32::from_bits((r as f32).to_bits() ^ (x.to_bits() & 0x8000_0000)) }
    } else if x != x {
        x
    } else {
        r as f32
    }
}

/// J0(x) for |x| <= `TRIG_FAST_LIMIT`.
#[inline(always)]
pub fn j0_f32<const FMA: bool>(x: f32) -> f32 {
    bessel_jy::<FMA, false, false>(x)
}

/// J1(x) for |x| <= `TRIG_FAST_LIMIT`.
#[inline(always)]
pub fn j1_f32<const FMA: bool>(x: f32) -> f32 {
    bessel_jy::<FMA, true, false>(x)
}

/// Y0(x) for |x| <= `TRIG_FAST_LIMIT` (-inf at 0, NaN below).
#[inline(always)]
pub fn y0_f32<const FMA: bool>(x: f32) -> f32 {
    bessel_jy::<FMA, false, true>(x)
}

/// Y1(x) for |x| <= `TRIG_FAST_LIMIT` (-inf at 0, NaN below).
#[inline(always)]
pub fn y1_f32<const FMA: bool>(x: f32) -> f32 {
    bessel_jy::<FMA, true, true>(x)
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
            ("k0", k0_f32::<true>, k0_f32::<false>, sp::modified_bessel_k0, 0.0, 110.0, 3.0),
            ("k0 small", k0_f32::<true>, k0_f32::<false>, sp::modified_bessel_k0, 0.0, 2.5, 3.0),
            ("k1", k1_f32::<true>, k1_f32::<false>, sp::modified_bessel_k1, 0.0, 110.0, 3.0),
            ("k1 small", k1_f32::<true>, k1_f32::<false>, sp::modified_bessel_k1, 0.0, 2.5, 3.0),
            ("k0e", k0e_f32::<true>, k0e_f32::<false>, sp::scaled_modified_bessel_k0, 0.0, 300.0, 3.0),
            ("k1e", k1e_f32::<true>, k1e_f32::<false>, sp::scaled_modified_bessel_k1, 0.0, 300.0, 3.0),
            ("ndtri", ndtri_f32::<true>, ndtri_f32::<false>, sp::ndtri, 0.0, 1.0, 3.0),
            ("ndtri tail", ndtri_f32::<true>, ndtri_f32::<false>, sp::ndtri, 0.0, 2e-6, 3.0),
            ("lgamma", lgamma_pos_f32::<true>, lgamma_pos_f32::<false>, sp::lgamma, 0.0, 40.0, 3.0),
            ("lgamma near 1 and 2", lgamma_pos_f32::<true>, lgamma_pos_f32::<false>, sp::lgamma, 0.9, 2.1, 3.0),
            ("lgamma far", lgamma_pos_f32::<true>, lgamma_pos_f32::<false>, sp::lgamma, 40.0, 1e30, 3.0),
            // speedspec: airy_ai's lanes, erfinv's centre-only kernel.
            ("airy_ai", airy_ai_f32::<true>, airy_ai_f32::<false>, sp::airy_ai, -1.5, 30.0, 3.0),
            ("erfinv centre", erfinv_centre_f32::<true>, erfinv_centre_f32::<false>, crate::cpu::math::erfinv_f64, -0.9966, 0.9966, 2.0),
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
    fn ln_pos_f64_is_within_two_f64_ulps() {
        let mut x = 1e-300f64;
        while x < 1e300 {
            for y in [x, x * 1.414_213_56, x * 1.414_213_57, x * 1.999_999_9] {
                let (got, want) = (ln_pos_f64::<false>(y), y.ln());
                assert!((got - want).abs() <= 2.0 * f64::EPSILON * want.abs().max(1.0), "{y}: {got} {want}");
            }
            x *= 1.37;
        }
        assert_eq!(ln_pos_f64::<false>(1.0), 0.0);
    }

    #[test]
    fn second_kind_and_ndtri_special_values() {
        let (inf, nan) = (f32::INFINITY, f32::NAN);
        for f in [k0_f32::<true> as fn(f32) -> f32, k1_f32::<true>, k0e_f32::<true>, k1e_f32::<true>] {
            assert!(f(0.0) == inf && f(-0.0) == inf && f(inf) == 0.0 && f(nan).is_nan() && f(-1.0).is_nan() && f(-inf).is_nan());
            assert!(f(1e-30) > 0.0 && f(200.0).is_finite());
        }
        assert!(k0_f32::<true>(105.0) == 0.0 && k0e_f32::<true>(1e30) > 0.0);
        let n = ndtri_f32::<true>;
        assert!(n(0.0) == -inf && n(-0.0) == -inf && n(1.0) == inf && n(0.5) == 0.0);
        assert!(n(-1e-30).is_nan() && n(1.0000001).is_nan() && n(nan).is_nan() && n(inf).is_nan());
        assert!(n(f32::from_bits(1)).is_finite() && n(f32::from_bits(1)) < -14.0);
        let lg = lgamma_pos_f32::<true>;
        assert!(lg(1.0) == 0.0 && lg(2.0) == 0.0 && lg(inf) == inf && lg(nan).is_nan());
        assert!(lg(f32::MAX) == inf && lg(1e30) < inf);
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
