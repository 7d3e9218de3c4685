//! More branch-free f32 functions on the polynomials of `math.rs` (exp, ln), so that the
//! elementwise kernels of expm1, log1p, exp2, log2, log10, atan, atan2, asin, acos, sinh, cosh,
//! the inverse hyperbolics, hypot and pow vectorise in the AVX2 loops. Special values follow IEEE
//! / C99 (NaN propagates; signed zeros kept where the function is odd). Measured errors (in ulps
//! of the result, against f64) are asserted in the tests below.
use super::math::{exp_f32, exp_full_f32, expm1_poly, ln_f32, ln_parts, ln_poly, ln_special, madd, pow2i};

const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
const PI: f32 = std::f32::consts::PI;
const FRAC_PI_2: f32 = std::f32::consts::FRAC_PI_2;
const FRAC_PI_4: f32 = std::f32::consts::FRAC_PI_4;

#[inline(always)]
fn with_sign_of(v: f32, x: f32) -> f32 {
    f32::from_bits((v.to_bits() & 0x7fff_ffff) | (x.to_bits() & 0x8000_0000))
}

/// e^x - 1: x = n ln2 + r, |r| <= ln2/2, then 2^n (e^r - 1) + (2^n - 1) (exact for n = 0, so
/// small |x| keep their relative accuracy).
#[inline(always)]
pub fn expm1_f32<const FMA: bool>(x: f32) -> f32 {
    const HI: f32 = 88.722_83;
    let m = |a, b, c| madd::<FMA>(a, b, c);
    // e^x - 1 rounds to -1 below -17.3: clamp far enough for n to stay a normal exponent.
    let xc = x.clamp(-88.0, HI);
    let n = m(xc, std::f32::consts::LOG2_E, 0.5).floor();
    let r = m(n, -LN2_LO, m(n, -LN2_HI, xc));
    let p = expm1_poly::<FMA>(r);
    let t = pow2i(n);
    let v = m(t, p, t - 1.0);
    if x > HI {
        f32::INFINITY
    } else if x == 0.0 || x != x {
        x
    } else {
        v
    }
}

/// ln(1 + x) with no division: u = 1 + x = 2^e m with m in [sqrt(1/2), sqrt(2)), then
/// f = m - 1 = 2^-e x + (2^-e - 1) in one fused multiply-add (the part of x that the rounding of
/// u lost is kept), and ln(1 + f) by the polynomial of `ln_parts`. Above 2^100 (where 2^-e would
/// leave the normal range) x is scaled by 2^-64 first: 1 + x is x there. Measured max error 0.7
/// ulp against f64.
#[inline(always)]
pub fn log1p_f32<const FMA: bool>(x: f32) -> f32 {
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let big = x > 1.267_650_6e30; // 2^100
    let xs = if big { x * 5.421_010_9e-20 } else { x }; // 2^-64
    let u = 1.0 + xs;
    // e from u's bits offset by sqrt(1/2)'s, so that m lands in [sqrt(1/2), sqrt(2)).
    let eb = (u.to_bits().wrapping_sub(0x3f35_04f3) as i32) >> 23;
    let s = f32::from_bits(((127 - eb) as u32) << 23); // 2^-e, normal for every finite u here
    let f = m(xs, s, s - 1.0);
    let e = eb as f32 + if big { 64.0 } else { 0.0 };
    let (z, q) = ln_poly::<FMA>(f);
    let r = m(e, LN2_HI, f + m(z, -0.5, m(e, LN2_LO, q)));
    let r = if x == f32::INFINITY { x } else { r };
    let r = if x < -1.0 || x != x { f32::NAN } else { r };
    let r = if x == -1.0 { f32::NEG_INFINITY } else { r };
    // Keeps -0.0 (and x = 0's exact result).
    if x == 0.0 { x } else { r }
}

/// 2^x: n = round(x), 2^(x - n) = e^((x - n) ln2) by the exp polynomial (x - n is exact), scaled
/// by 2^n through the exponent bits (in two steps for denormal results).
#[inline(always)]
pub fn exp2_f32<const FMA: bool>(x: f32) -> f32 {
    let xc = x.clamp(-151.0, 128.0);
    let n = (xc + 0.5).floor();
    let y = expm1_poly::<FMA>((xc - n) * std::f32::consts::LN_2) + 1.0;
    // 2^n in two factors where it leaves the normal range: 2^(n+64) 2^-64 below, 2 * 2^127 at 128.
    let tiny = n < -125.0;
    let (k, s) = if tiny { (n + 64.0, 5.421_010_9e-20) } else if n > 127.0 { (127.0, 2.0) } else { (n, 1.0) };
    let v = (y * s) * pow2i(k);
    if x != x { x } else { v }
}

/// log2(x) = e + log2(1 + f) from the parts of ln (exact for powers of two).
#[inline(always)]
pub fn log2_f32<const FMA: bool>(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let (e, f, z, q) = ln_parts::<FMA>(x);
    let t = m(z, -0.5, q);
    ln_special(x, e + m(f, LOG2E, t * LOG2E))
}

/// log10(x) = e log10(2) + ln(1 + f) log10(e), from the parts of ln.
#[inline(always)]
pub fn log10_f32<const FMA: bool>(x: f32) -> f32 {
    const LOG10E: f32 = std::f32::consts::LOG10_E;
    const LOG10_2_HI: f32 = 0.301_025_39; // 0x3e9a2000: 12 bits, so e * it is exact
    const LOG10_2_LO: f32 = 4.605_038e-6;
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let (e, f, z, q) = ln_parts::<FMA>(x);
    let t = m(z, -0.5, q);
    ln_special(x, m(e, LOG10_2_HI, m(e, LOG10_2_LO, m(f, LOG10E, t * LOG10E))))
}

/// atan on [0, 1] (Cephes atanf): above tan(pi/8) through atan(t) = pi/4 + atan((t-1)/(t+1)).
#[inline(always)]
fn atan_01<const FMA: bool>(t: f32) -> f32 {
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let mid = t > 0.414_213_57;
    let u = if mid { (t - 1.0) / (t + 1.0) } else { t };
    let z = u * u;
    let p = m(m(m(8.053_744_5e-2, z, -1.387_768_6e-1), z, 1.997_771_1e-1), z, -3.333_294_9e-1) * z;
    let r = m(p, u, u);
    if mid { r + FRAC_PI_4 } else { r }
}

/// atan(x): |x| above 1 through atan(x) = pi/2 - atan(1/|x|), x's sign.
#[inline(always)]
pub fn atan_f32<const FMA: bool>(x: f32) -> f32 {
    let a = x.abs();
    let big = a > 1.0;
    let r = atan_01::<FMA>(if big { 1.0 / a } else { a });
    let r = if big { FRAC_PI_2 - r } else { r };
    if x != x { x } else { with_sign_of(r, x) }
}

/// atan2(y, x): atan of min(|x|, |y|) / max(|x|, |y|) in [0, 1], then the octant (C99's special
/// values: zeros and infinities included).
#[inline(always)]
pub fn atan2_f32<const FMA: bool>(y: f32, x: f32) -> f32 {
    let (ax, ay) = (x.abs(), y.abs());
    let swap = ay > ax;
    let (num, den) = if swap { (ax, ay) } else { (ay, ax) };
    let t = num / den;
    // 0/0 (both zero) and inf/inf (both infinite): the limits C99 gives.
    let t = if den == 0.0 { 0.0 } else if num == f32::INFINITY { 1.0 } else { t };
    let r = atan_01::<FMA>(t);
    let r = if swap { FRAC_PI_2 - r } else { r };
    let r = if x.is_sign_negative() { PI - r } else { r };
    if x != x || y != y { x + y } else { with_sign_of(r, y) }
}

/// asin(x) (Cephes asinf): |x| above 1/2 through asin(a) = pi/2 - 2 asin(sqrt((1 - a)/2)).
#[inline(always)]
fn asin_parts<const FMA: bool>(x: f32) -> (bool, f32) {
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let a = x.abs();
    let big = a > 0.5;
    let z = if big { 0.5 * (1.0 - a) } else { a * a };
    let s = if big { z.sqrt() } else { a };
    let p = m(m(m(m(4.216_32e-2, z, 2.418_131_1e-2), z, 4.547_002_6e-2), z, 7.495_300_3e-2), z, 1.666_675_2e-1) * z;
    (big, m(p, s, s))
}

#[inline(always)]
pub fn asin_f32<const FMA: bool>(x: f32) -> f32 {
    let (big, p) = asin_parts::<FMA>(x);
    let r = if big { FRAC_PI_2 - (p + p) } else { p };
    // |x| > 1 gives NaN through the square root; NaN propagates.
    if x != x || x.abs() > 1.0 { f32::NAN } else { with_sign_of(r, x) }
}

/// acos(x): pi/2 - asin(x) for |x| <= 1/2, 2 asin(sqrt((1 - x)/2)) above, pi minus that below.
#[inline(always)]
pub fn acos_f32<const FMA: bool>(x: f32) -> f32 {
    let (big, p) = asin_parts::<FMA>(x);
    let r = if !big {
        FRAC_PI_2 - with_sign_of(p, x)
    } else if x > 0.0 {
        p + p
    } else {
        PI - (p + p)
    };
    if x != x || x.abs() > 1.0 { f32::NAN } else { r }
}

/// e^|x| / 2, finite up to |x| = 89.4 (where cosh overflows): e^|x| overflows from 88.7, so the
/// top of the range goes through (e^(|x|/2) / 2) e^(|x|/2).
#[inline(always)]
fn half_exp<const FMA: bool>(a: f32) -> f32 {
    let g = exp_f32::<FMA>(0.5 * a);
    if a < 88.0 { 0.5 * exp_f32::<FMA>(a) } else { (0.5 * g) * g }
}

#[inline(always)]
pub fn cosh_f32<const FMA: bool>(x: f32) -> f32 {
    let h = half_exp::<FMA>(x.abs());
    h + 0.25 / h
}

/// sinh: an odd polynomial below |x| = 1 (Cephes sinhf), e^|x|/2 - e^-|x|/2 above, x's sign.
#[inline(always)]
pub fn sinh_f32<const FMA: bool>(x: f32) -> f32 {
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let a = x.abs();
    let z = x * x;
    let small = m(m(m(2.037_219_1e-4, z, 8.330_284e-3), z, 1.666_671_6e-1) * z, x, x);
    let h = half_exp::<FMA>(a);
    let big = with_sign_of(h - 0.25 / h, x);
    if a < 1.0 || x != x { small } else { big }
}

/// asinh(x) = sign * log1p(a + a^2 / (1 + sqrt(1 + a^2))); ln(a) + ln 2 above 2^12.
#[inline(always)]
pub fn asinh_f32<const FMA: bool>(x: f32) -> f32 {
    let a = x.abs();
    let z = a * a;
    let mid = log1p_f32::<FMA>(a + z / (1.0 + (1.0 + z).sqrt()));
    let big = ln_f32::<FMA>(a) + std::f32::consts::LN_2;
    let r = if a > 4096.0 { big } else { mid };
    if x != x { x } else { with_sign_of(r, x) }
}

/// acosh(x) = log1p(t + sqrt(t (t + 2))) with t = x - 1 (exact near 1); ln(x) + ln 2 above 2^12.
#[inline(always)]
pub fn acosh_f32<const FMA: bool>(x: f32) -> f32 {
    let t = x - 1.0;
    let mid = log1p_f32::<FMA>(t + (t * (t + 2.0)).sqrt());
    let big = ln_f32::<FMA>(x) + std::f32::consts::LN_2;
    let r = if x > 4096.0 { big } else { mid };
    if x < 1.0 || x != x { f32::NAN } else { r }
}

/// atanh(x) = sign * log1p(2a / (1 - a)) / 2 (inf at |x| = 1, NaN beyond).
#[inline(always)]
pub fn atanh_f32<const FMA: bool>(x: f32) -> f32 {
    let a = x.abs();
    let r = 0.5 * log1p_f32::<FMA>((a + a) / (1.0 - a));
    if a > 1.0 || x != x { f32::NAN } else { with_sign_of(r, x) }
}

/// hypot in f64 (exact squares, no overflow), rounded once; inf wins over NaN (C99).
#[inline(always)]
pub fn hypot_f32(x: f32, y: f32) -> f32 {
    let (a, b) = (x as f64, y as f64);
    let r = (a * a + b * b).sqrt() as f32;
    if x.abs() == f32::INFINITY || y.abs() == f32::INFINITY { f32::INFINITY } else { r }
}

/// x^y: `pow_real_f32`, except that integer exponents up to 64 (x.pow(2), 3^5) go through
/// square-and-multiply in f64, rounded once, so exact results stay exact (as libm's powf gives
/// them); zeros, infinities and NaN included. The f64 path costs ~5x the rest: kernels run
/// `pow_real_f32` on chunks with no such exponent (`binary::pow_f32_kernel`).
#[inline(always)]
pub fn pow_f32<const FMA: bool>(x: f32, y: f32) -> f32 {
    let v = pow_real_f32::<FMA>(x, y);
    if pow_needs_exact(y) && y != 0.0 && x != 1.0 { powi_f64(x, y) } else { v }
}

/// x^y: e^(y ln|x|) with ln|x| carried as hi + lo (the rounding error of hi kept) and the
/// product's error recovered with a fused multiply (or Dekker's split without FMA), so large
/// results keep a few-ulp accuracy; then C99's special cases: x^0 = 1^y = 1, negative x only to
/// integer powers (sign by parity), zeros and infinities. Within 4 ulp where |y ln|x|| <= 40, up
/// to ~10 ulp for results near the ends of the f32 range (the f32 terms of ln|x| scaled by y);
/// exact powers (3^5) may be 1 ulp off: `pow_f32` adds the exact small-integer path.
#[inline(always)]
pub fn pow_real_f32<const FMA: bool>(x: f32, y: f32) -> f32 {
    let m = |a, b, c| madd::<FMA>(a, b, c);
    let ax = x.abs();
    let (e, f, z, q) = ln_parts::<FMA>(ax);
    // ln|x| = e ln2_hi + f + (e ln2_lo - z/2 + q): the first two sum with their rounding error kept.
    let a1 = e * LN2_HI; // exact: LN2_HI has 9 significant bits and |e| <= 152
    let hi = a1 + f;
    let err = (a1 - hi) + f; // exact when |a1| >= |f|; else f - hi + a1 by Fast2Sum the other way
    let err = if a1.abs() >= f.abs() { err } else { (f - hi) + a1 };
    let lo = m(e, LN2_LO, m(z, -0.5, q)) + err;
    let l_hi = hi + lo;
    let l_lo = (hi - l_hi) + lo;
    // w = y * (l_hi + l_lo) as w_hi + w_lo.
    let w_hi = y * l_hi;
    let w_err = if FMA { y.mul_add(l_hi, -w_hi) } else { two_prod_err(y, l_hi, w_hi) };
    let w_lo = m(y, l_lo, w_err);
    let v = exp_full_f32::<FMA>(w_hi);
    // The low part's correction, except where e^w_hi overflowed (inf * w_lo + inf would be NaN).
    let v = if w_hi.abs() < 104.0 && v != f32::INFINITY { m(v, w_lo, v) } else { v };
    // Special values.
    let y_int = y == y.trunc();
    let y_odd = y_int && (0.5 * y) != (0.5 * y).trunc();
    let neg_x = x < 0.0 || (x == 0.0 && x.is_sign_negative());
    let v = if ax == 0.0 { if y < 0.0 { f32::INFINITY } else { 0.0 } } else { v };
    let v = if ax == f32::INFINITY { if y < 0.0 { 0.0 } else { f32::INFINITY } } else { v };
    let v = if y.abs() == f32::INFINITY {
        if ax == 1.0 { 1.0 } else if (ax < 1.0) == (y > 0.0) { 0.0 } else { f32::INFINITY }
    } else {
        v
    };
    let v = if neg_x && y_odd { -v } else { v };
    // A finite negative base to a non-integer power (-inf ^ 2.5 is inf, C99).
    let v = if x < 0.0 && ax != f32::INFINITY && !y_int && y.abs() != f32::INFINITY { f32::NAN } else { v };
    let v = if x != x || y != y { x + y } else { v };
    if y == 0.0 || x == 1.0 { 1.0 } else { v }
}

/// Whether `pow_f32(x, y)` may differ from `pow_real_f32(x, y)`: y an integer up to 64 in
/// magnitude (x = 1 and y = 0 give 1 on both).
#[inline(always)]
pub fn pow_needs_exact(y: f32) -> bool {
    y == y.trunc() && y.abs() <= 64.0
}

/// x^n for an integral |n| <= 64 by square-and-multiply in f64 (7 fixed steps, so it
/// vectorises), rounded to f32 once.
#[inline(always)]
fn powi_f64(x: f32, n: f32) -> f32 {
    // The bits of |n| in floats (a float -> u32 conversion has no AVX2 instruction: ~5x slower).
    let mut k = n.abs();
    let (mut r, mut b) = (1.0f64, x as f64);
    for _ in 0..7 {
        let h = (0.5 * k).trunc();
        r = if k != h + h { r * b } else { r };
        b *= b;
        k = h;
    }
    (if n < 0.0 { 1.0 / r } else { r }) as f32
}

/// frexp for f32 from the bits: (m, e) with x = m 2^e, |m| in [0.5, 1) and x's sign; (x, 0) for
/// 0, -0, inf and NaN (as C's frexpf). Denormals are scaled by 2^25 first. Branch-free, so it
/// vectorises (libm's frexpf is a call per element).
#[inline(always)]
pub fn frexp_f32(x: f32) -> (f32, f32) {
    let tiny = x.abs() < f32::MIN_POSITIVE;
    let xs = if tiny { x * 33_554_432.0 } else { x }; // 2^25
    let bits = xs.to_bits();
    let be = ((bits >> 23) & 0xff) as i32;
    let m = f32::from_bits((bits & 0x807f_ffff) | 0x3f00_0000);
    let e = (be - 126 - if tiny { 25 } else { 0 }) as f32;
    let special = x == 0.0 || x.abs() == f32::INFINITY || x != x;
    if special { (x, 0.0) } else { (m, e) }
}

/// The rounding error of `p = a * b` (Dekker's exact product, for frames without FMA).
#[inline(always)]
fn two_prod_err(a: f32, b: f32, p: f32) -> f32 {
    let split = |v: f32| {
        let c = 4097.0 * v;
        let hi = c - (c - v);
        (hi, v - hi)
    };
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    ((ah * bh - p) + ah * bl + al * bh) + al * bl
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Largest error of `f` against `r` (f64) in ulps of the f32 result, over `n` points of
    /// [lo, hi] plus the given extra points.
    fn ulps(f: &dyn Fn(f32) -> f32, r: &dyn Fn(f64) -> f64, lo: f32, hi: f32, n: usize) -> f64 {
        let mut worst = 0f64;
        for i in 0..=n {
            let x = lo + (hi - lo) * (i as f32 / n as f32);
            let (got, want) = (f(x) as f64, r(x as f64));
            if want.is_nan() && got.is_nan() || got == want {
                continue;
            }
            let ulp = ((want as f32).abs().max(f32::MIN_POSITIVE) as f64) * f32::EPSILON as f64;
            worst = worst.max((got - want).abs() / ulp);
        }
        worst
    }

    #[test]
    fn accuracy_in_ulps() {
        // (name, function, reference, range, bound): bounds are the measured maxima rounded up.
        type F = fn(f32) -> f32;
        let cases: Vec<(&str, F, F, fn(f64) -> f64, f32, f32, f64)> = vec![
            ("expm1", expm1_f32::<true>, expm1_f32::<false>, f64::exp_m1, -20.0, 88.7, 3.0),
            ("expm1 small", expm1_f32::<true>, expm1_f32::<false>, f64::exp_m1, -0.5, 0.5, 3.0),
            ("log1p", log1p_f32::<true>, log1p_f32::<false>, f64::ln_1p, -0.999, 1e6, 3.0),
            ("log1p small", log1p_f32::<true>, log1p_f32::<false>, f64::ln_1p, -1e-3, 1e-3, 3.0),
            ("exp2", exp2_f32::<true>, exp2_f32::<false>, f64::exp2, -149.0, 127.9, 3.0),
            ("log2", log2_f32::<true>, log2_f32::<false>, f64::log2, 1e-30, 1e30, 3.0),
            ("log2 near 1", log2_f32::<true>, log2_f32::<false>, f64::log2, 0.5, 2.0, 3.0),
            ("log10", log10_f32::<true>, log10_f32::<false>, f64::log10, 1e-30, 1e30, 3.0),
            ("log10 near 1", log10_f32::<true>, log10_f32::<false>, f64::log10, 0.5, 2.0, 3.0),
            ("atan", atan_f32::<true>, atan_f32::<false>, f64::atan, -50.0, 50.0, 3.0),
            ("asin", asin_f32::<true>, asin_f32::<false>, f64::asin, -1.0, 1.0, 3.0),
            ("acos", acos_f32::<true>, acos_f32::<false>, f64::acos, -1.0, 1.0, 3.0),
            ("sinh", sinh_f32::<true>, sinh_f32::<false>, f64::sinh, -89.4, 89.4, 4.0),
            ("cosh", cosh_f32::<true>, cosh_f32::<false>, f64::cosh, -89.4, 89.4, 4.0),
            ("asinh", asinh_f32::<true>, asinh_f32::<false>, f64::asinh, -1e5, 1e5, 4.0),
            ("asinh small", asinh_f32::<true>, asinh_f32::<false>, f64::asinh, -2.0, 2.0, 4.0),
            ("acosh", acosh_f32::<true>, acosh_f32::<false>, f64::acosh, 1.0, 1e5, 4.0),
            ("acosh near 1", acosh_f32::<true>, acosh_f32::<false>, f64::acosh, 1.0, 3.0, 4.0),
            ("atanh", atanh_f32::<true>, atanh_f32::<false>, f64::atanh, -0.9999, 0.9999, 4.0),
        ];
        for (name, fma, plain, r, lo, hi, bound) in cases {
            for (frame, f) in [("fma", fma), ("plain", plain)] {
                let e = ulps(&|x| f(x), &r, lo, hi, 400_000);
                assert!(e <= bound, "{name} ({frame}): {e} ulp");
            }
        }
    }

    #[test]
    fn special_values() {
        let (inf, nan) = (f32::INFINITY, f32::NAN);
        assert!(expm1_f32::<true>(-0.0).is_sign_negative() && expm1_f32::<true>(inf) == inf && expm1_f32::<true>(-inf) == -1.0);
        assert!(expm1_f32::<false>(nan).is_nan() && expm1_f32::<true>(1e-30) == 1e-30 && expm1_f32::<true>(89.0) == inf);
        assert!(log1p_f32::<true>(-1.0) == -inf && log1p_f32::<true>(-2.0).is_nan() && log1p_f32::<true>(inf) == inf);
        assert!(log1p_f32::<true>(-0.0).is_sign_negative() && log1p_f32::<true>(1e-30) == 1e-30);
        assert!(exp2_f32::<true>(3.0) == 8.0 && exp2_f32::<true>(128.0) == inf && exp2_f32::<true>(-150.0) == 0.0 && exp2_f32::<true>(127.9) < inf);
        assert!(exp2_f32::<true>(-149.0) == f32::from_bits(1) && exp2_f32::<true>(-inf) == 0.0 && exp2_f32::<true>(nan).is_nan());
        for k in -149i32..128 {
            // 2^k from its bits (powi's 1 / 2^149 underflows through an infinite 2^149).
            let x = if k >= -126 { f32::from_bits(((k + 127) as u32) << 23) } else { f32::from_bits(1 << (k + 149)) };
            assert_eq!(log2_f32::<true>(x), k as f32);
        }
        assert!(log10_f32::<true>(0.0) == -inf && log10_f32::<true>(-1.0).is_nan() && log10_f32::<true>(1.0) == 0.0);
        assert!(atan_f32::<true>(inf) == FRAC_PI_2 && atan_f32::<true>(-0.0).is_sign_negative() && atan_f32::<true>(nan).is_nan());
        let a2 = atan2_f32::<true>;
        assert!(a2(0.0, 0.0) == 0.0 && a2(0.0, -0.0) == PI && a2(-0.0, -0.0) == -PI && a2(-0.0, 1.0).is_sign_negative());
        assert!(a2(1.0, 0.0) == FRAC_PI_2 && a2(-1.0, -0.0) == -FRAC_PI_2 && a2(inf, inf) == FRAC_PI_4);
        assert!(a2(inf, -inf) == 3.0 * FRAC_PI_4 && a2(1.0, -inf) == PI && a2(-1.0, inf) == -0.0 && a2(nan, 1.0).is_nan());
        assert!(asin_f32::<true>(1.0) == FRAC_PI_2 && asin_f32::<true>(1.5).is_nan() && acos_f32::<true>(-1.0) == PI);
        assert!(acos_f32::<true>(1.0) == 0.0 && cosh_f32::<true>(0.0) == 1.0 && cosh_f32::<true>(90.0) == inf);
        assert!(sinh_f32::<true>(-0.0).is_sign_negative() && sinh_f32::<true>(-90.0) == -inf && sinh_f32::<true>(nan).is_nan());
        assert!(asinh_f32::<true>(-inf) == -inf && acosh_f32::<true>(1.0) == 0.0 && acosh_f32::<true>(0.5).is_nan());
        assert!(atanh_f32::<true>(1.0) == inf && atanh_f32::<true>(-1.0) == -inf && atanh_f32::<true>(1.5).is_nan());
        assert!(hypot_f32(3.0, 4.0) == 5.0 && hypot_f32(inf, nan) == inf && hypot_f32(nan, 1.0).is_nan());
        assert!(hypot_f32(3e38, 3e38) == inf && hypot_f32(1e-45, 0.0) == 1e-45);
    }

    #[test]
    fn atan2_and_pow_accuracy() {
        let mut worst = (0f64, 0f64);
        for i in 0..=600 {
            for j in 0..=600 {
                let y = -30.0 + 60.0 * i as f32 / 600.0;
                let x = -30.0 + 60.0 * j as f32 / 600.0;
                for (k, f) in [atan2_f32::<true> as fn(f32, f32) -> f32, atan2_f32::<false>].into_iter().enumerate() {
                    let want = (y as f64).atan2(x as f64);
                    let ulp = ((want as f32).abs().max(f32::MIN_POSITIVE) as f64) * f32::EPSILON as f64;
                    let e = (f(y, x) as f64 - want).abs() / ulp;
                    if k == 0 { worst.0 = worst.0.max(e) } else { worst.1 = worst.1.max(e) }
                }
            }
        }
        assert!(worst.0 <= 3.0 && worst.1 <= 3.0, "atan2 {worst:?}");
        // pow over positive bases and exponents that keep results in range, and negative bases.
        let mut worst = (0f64, 0f64);
        for i in 0..=700 {
            for j in 0..=700 {
                let x = 1e-3 + 50.0 * i as f32 / 700.0;
                let y = -20.0 + 40.0 * j as f32 / 700.0;
                let want = (x as f64).powf(y as f64);
                if want > f32::MAX as f64 || want < f32::MIN_POSITIVE as f64 {
                    continue;
                }
                let ulp = ((want as f32).abs() as f64) * f32::EPSILON as f64;
                worst.0 = worst.0.max((pow_f32::<true>(x, y) as f64 - want).abs() / ulp);
                worst.1 = worst.1.max((pow_f32::<false>(x, y) as f64 - want).abs() / ulp);
            }
        }
        assert!(worst.0 <= 4.0 && worst.1 <= 4.0, "pow {worst:?}");
        let p = pow_f32::<true>;
        let (inf, nan) = (f32::INFINITY, f32::NAN);
        assert!(p(-2.0, 3.0) == -8.0 && p(-2.0, 2.0) == 4.0 && p(-2.0, 0.5).is_nan() && p(nan, 0.0) == 1.0);
        assert!(p(1.0, nan) == 1.0 && p(0.0, -1.0) == inf && p(-0.0, -1.0) == -inf && p(-0.0, 3.0).is_sign_negative());
        assert!(p(0.0, 2.0) == 0.0 && p(inf, -2.0) == 0.0 && p(-inf, 3.0) == -inf && p(-inf, 2.0) == inf);
        assert!(p(-inf, 2.5) == inf && p(-inf, -2.5) == 0.0 && p(-inf, 0.5) == inf);
        assert!(p(0.5, inf) == 0.0 && p(0.5, -inf) == inf && p(2.0, inf) == inf && p(-1.0, inf) == 1.0 && p(2.0, nan).is_nan());
        assert!(p(2.0, -149.0) == f32::from_bits(1) && p(2.0, 128.0) == inf && p(10.0, 2.0) == 100.0);
        for k in 0..20 {
            assert_eq!(p(3.0, k as f32), 3f32.powi(k), "3^{k}");
        }
    }

    #[test]
    fn log1p_within_one_ulp() {
        // Every 61st float above -1 (denormals, the 2^100 switch and f32::MAX included), both frames.
        for f in [log1p_f32::<true> as fn(f32) -> f32, log1p_f32::<false>] {
            let mut worst = 0f64;
            let mut b = 0u32;
            while let Some(n) = b.checked_add(61) {
                b = n;
                let x = f32::from_bits(b);
                if !(x > -1.0) || x.is_infinite() {
                    continue;
                }
                let (got, want) = (f(x) as f64, (x as f64).ln_1p());
                let ulp = ((want as f32).abs().max(f32::MIN_POSITIVE) as f64) * f32::EPSILON as f64;
                worst = worst.max((got - want).abs() / ulp);
            }
            assert!(worst <= 1.0, "log1p {worst} ulp"); // measured 1.0 (every 7th float)
            assert!(f(f32::MAX) == (f32::MAX as f64).ln_1p() as f32 && f(1.267_650_6e30) > 69.0);
        }
    }

    #[test]
    fn frexp_matches_libm() {
        let mut b = 0u32;
        loop {
            let x = f32::from_bits(b);
            let (m, e) = frexp_f32(x);
            let (wm, we) = libm::frexpf(x);
            assert!(m.to_bits() == wm.to_bits() || (x.is_nan() && m.is_nan()), "{x:e}");
            assert_eq!(e, if x.is_finite() { we as f32 } else { 0.0 }, "{x:e}");
            match b.checked_add(4099) {
                Some(n) => b = n,
                None => break,
            }
        }
        for k in 0..23 {
            assert_eq!(frexp_f32(f32::from_bits(1 << k)), (0.5, (k - 148) as f32));
            assert_eq!(frexp_f32(-f32::from_bits(3 << k)), (-0.75, (k - 147) as f32));
        }
        assert!(frexp_f32(-0.0).0.is_sign_negative() && frexp_f32(f32::NEG_INFINITY) == (f32::NEG_INFINITY, 0.0));
    }

    #[test]
    fn pow_real_differs_only_on_small_integer_exponents() {
        assert!(pow_needs_exact(3.0) && pow_needs_exact(-64.0) && pow_needs_exact(0.0));
        assert!(!pow_needs_exact(64.5) && !pow_needs_exact(65.0) && !pow_needs_exact(f32::NAN) && !pow_needs_exact(f32::INFINITY));
        for i in 0..3000 {
            let x = -20.0 + i as f32 * 0.0173;
            for y in [-2.5f32, 0.5, 1.7, 65.0, -70.0, 1e9, f32::INFINITY, f32::NEG_INFINITY, f32::NAN] {
                for (a, b) in [(pow_f32::<true>(x, y), pow_real_f32::<true>(x, y)), (pow_f32::<false>(x, y), pow_real_f32::<false>(x, y))] {
                    assert_eq!(a.to_bits(), b.to_bits(), "{x}^{y}");
                }
            }
        }
        // The float bit loop of the exact path: every exponent up to 64, odd and even, both signs.
        for k in -64i32..=64 {
            let want = 1.0009765625f64.powi(k) as f32; // 1 + 2^-10: inexact powers
            assert_eq!(pow_f32::<true>(1.0009765625, k as f32), want, "{k}");
            assert_eq!(pow_f32::<false>(-1.0009765625, k as f32), if k % 2 == 0 { want } else { -want }, "{k}");
        }
    }
}
