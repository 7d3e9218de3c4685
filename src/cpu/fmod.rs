//! float32 fmod / remainder / floor_divide in vector loops: the exact remainder through float64
//! (`fmod_fast`), with the scalar row kernels for the lanes outside its range.
use super::{has_avx2, staged};
use crate::opdefs::BinaryOp::{self, *};
use crate::tensor::Tensor;

/// Quotients below this in magnitude take the float64 path: `n * y` then has at most 28 + 24
/// significant bits, so it and `x - n * y` are exact in float64.
const LIMIT: f64 = (1u64 << 28) as f64;

/// `fmod(x, y)` for float32 and whether it is exact here: |x / y| < 2^28 with `y` finite (so `y`
/// non-zero and `x` finite; NaN fails the test). fl(x / y) is monotone, so its truncation `n` is
/// the true quotient's or one past it; one past leaves a remainder of the wrong sign, and adding
/// |y| back (toward x's sign) is exact. A zero remainder takes x's sign, as C's fmod.
#[inline(always)]
fn fmod_fast(x: f32, y: f32) -> (f32, bool) {
    let (xd, yd) = (x as f64, y as f64);
    let q = xd / yd;
    let ok = q.abs() < LIMIT && yd.abs() < f64::INFINITY;
    let r = xd - q.trunc() * yd;
    let r = if r != 0.0 && (r < 0.0) != (xd < 0.0) { r + yd.abs().copysign(xd) } else { r };
    ((if r == 0.0 { 0f64.copysign(xd) } else { r }) as f32, ok)
}

/// Quotients below this in magnitude take the float32 path of `fmod_fast32`: the integers next
/// to them are exact in float32.
const LIMIT32: f32 = (1u32 << 22) as f32;

/// `fmod_fast` in float32 lanes (twice as many per vector, and a float32 division) where fused
/// multiply-adds are available (`FMA`; the float64 path otherwise). With |x / y| < 2^22 and `y`
/// finite, fl(x / y) is monotone and the integers around it are floats, so its truncation `n` is
/// the true quotient or one past it; fma(-n, y, x) is exact when `n` is right (the remainder is
/// a float) and has the wrong sign when it is one past, in which case the step back is exact.
#[inline(always)]
fn fmod_fast32<const FMA: bool>(x: f32, y: f32) -> (f32, bool) {
    if !FMA {
        return fmod_fast(x, y);
    }
    let q = x / y;
    let ok = q.abs() < LIMIT32 && y.abs() < f32::INFINITY;
    let n = q.trunc();
    let r = (-n).mul_add(y, x);
    let back = (-(n - 1f32.copysign(q))).mul_add(y, x);
    let r = if r != 0.0 && (r < 0.0) != (x < 0.0) { back } else { r };
    (if r == 0.0 { 0f32.copysign(x) } else { r }, ok)
}

/// Python's floor division given `m = fmod(x, y)` (the row kernel's `py_floordiv`, vectorisable).
#[inline(always)]
fn floordiv_from(x: f32, y: f32, m: f32) -> f32 {
    let mut d = (x - m) / y;
    if m != 0.0 && ((y < 0.0) != (m < 0.0)) {
        d -= 1.0;
    }
    let fl = d.floor();
    let rounded = if d - fl > 0.5 { fl + 1.0 } else { fl };
    if y == 0.0 {
        x / y
    } else if d == 0.0 {
        0f32.copysign(x / y)
    } else {
        rounded
    }
}

/// The op's result from `m = fmod(x, y)`. `OP`: 0 fmod, 1 remainder, 2 floor_divide.
#[inline(always)]
fn finish<const OP: u8>(x: f32, y: f32, m: f32) -> f32 {
    match OP {
        0 => m,
        1 => if m != 0.0 && ((m < 0.0) != (y < 0.0)) { m + y } else { m },
        _ => floordiv_from(x, y, m),
    }
}

/// Elements per block: computed into a stack buffer (so an output aliasing an input is safe and
/// the loop vectorises without overlap checks), lanes outside the fast range redone with libm.
const BLOCK: usize = 256;

/// One unit-stride run; `SA`/`SB` false: that input is one broadcast value.
#[inline(always)]
unsafe fn body<const OP: u8, const FMA: bool, const SA: bool, const SB: bool>(a: *const f32, b: *const f32, o: *mut f32, n: usize) {
    let mut res = [0f32; BLOCK];
    let mut i = 0;
    while i < n {
        let m = BLOCK.min(n - i);
        let at = |j: usize| (*a.add(if SA { i + j } else { 0 }), *b.add(if SB { i + j } else { 0 }));
        let mut bad = false;
        for (j, r) in res[..m].iter_mut().enumerate() {
            let (x, y) = at(j);
            let (v, ok) = fmod_fast32::<FMA>(x, y);
            *r = finish::<OP>(x, y, v);
            bad |= !ok;
        }
        if bad {
            for (j, r) in res[..m].iter_mut().enumerate() {
                let (x, y) = at(j);
                if !fmod_fast32::<FMA>(x, y).1 {
                    *r = finish::<OP>(x, y, x % y);
                }
            }
        }
        std::ptr::copy_nonoverlapping(res.as_ptr(), o.add(i), m);
        i += m;
    }
}

#[inline(always)]
unsafe fn run<const OP: u8, const FMA: bool>(a: *const f32, sa: isize, b: *const f32, sb: isize, o: *mut f32, n: usize) {
    match (sa, sb) {
        (0, 0) => body::<OP, FMA, false, false>(a, b, o, n),
        (0, _) => body::<OP, FMA, false, true>(a, b, o, n),
        (_, 0) => body::<OP, FMA, true, false>(a, b, o, n),
        _ => body::<OP, FMA, true, true>(a, b, o, n),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run_avx2<const OP: u8>(a: *const f32, sa: isize, b: *const f32, sb: isize, o: *mut f32, n: usize) {
    run::<OP, true>(a, sa, b, sb, o, n)
}

/// `out = op(a, b)` for float32 `Fmod`, `Remainder` or `FloorDiv` (other ops: false, nothing
/// written), with the row kernels' results bit for bit.
pub fn fmod_family(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> bool {
    fn go<const OP: u8>(a: &Tensor, b: &Tensor, out: &Tensor) {
        let avx = has_avx2();
        // SAFETY: `staged` hands unit-stride (or broadcast) float32 runs of the views' elements.
        unsafe {
            staged([a, b, out], &|p: [*mut u8; 3], s: [isize; 3], n: usize| {
                let (a, b, o) = (p[0] as *const f32, p[1] as *const f32, p[2] as *mut f32);
                #[cfg(target_arch = "x86_64")]
                if avx {
                    return run_avx2::<OP>(a, s[0], b, s[1], o, n);
                }
                let _ = avx;
                run::<OP, false>(a, s[0], b, s[1], o, n)
            })
        }
    }
    match op {
        Fmod => go::<0>(a, b, out),
        Remainder => go::<1>(a, b, out),
        FloorDiv => go::<2>(a, b, out),
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn fast_fmod_is_exact_or_declines() {
        // Quotients near integers (where fl(x / y) rounds up), huge and tiny ratios, zeros, specials.
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            f32::from_bits((s >> 32) as u32)
        };
        let (mut checked, mut checked32) = (0, 0);
        for k in 0..400_000 {
            let (x, y) = match k % 4 {
                0 => (next(), next()),
                1 => {
                    let y = next();
                    let n = (k % 1000) as f32 + 1.0;
                    (f32::from_bits((y * n).to_bits().wrapping_add((k % 3) as u32).wrapping_sub(1)), y)
                }
                2 => ((k as f32) * 0.37 - 5000.0, 0.1 + (k % 17) as f32 * 0.013),
                _ => (next(), [0.0, -0.0, f32::INFINITY, f32::NAN, 1e-45, -3.0][k % 6]),
            };
            let (r, ok) = fmod_fast(x, y);
            if ok {
                let want = x % y;
                assert_eq!(r.to_bits(), want.to_bits(), "fmod({x:e}, {y:e})");
                checked += 1;
            } else {
                assert!(!(((x as f64) / (y as f64)).abs() < LIMIT) || !y.is_finite(), "declined fmod({x:e}, {y:e})");
            }
            // The float32 path (FMA loops): exact wherever it accepts, and it accepts every
            // finite quotient below 2^21 in magnitude.
            let (r, ok) = fmod_fast32::<true>(x, y);
            if ok {
                assert_eq!(r.to_bits(), (x % y).to_bits(), "fmod32({x:e}, {y:e})");
                checked32 += 1;
            } else {
                assert!(!((x / y).abs() < LIMIT32 / 2.0) || !y.is_finite() || !x.is_finite(), "declined fmod32({x:e}, {y:e})");
            }
        }
        assert!(checked > 200_000);
        assert!(checked32 > 150_000, "{checked32}");
    }
}
