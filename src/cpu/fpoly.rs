//! The orthogonal polynomials of torch.special (Chebyshev T/U/V/W and shifted T*..W*, Hermite H/He,
//! Laguerre L, Legendre P) on float32 tensors: the three-term recurrence vectorised across a chunk.
//!
//! A chunk of up to `CHUNK` elements is widened to f64 (so the float32 results keep the float64
//! functions' accuracy, rounded once), and the recurrence runs step k = 1, 2, ... up to the chunk's
//! largest degree for every element at once, each element keeping its value once k reaches its
//! own degree (a select, so the inner loop vectorises). The steps are the expressions of
//! `special::poly` in the same order, so the results are bit-identical to the scalar functions,
//! except that T_n (n > 6) and U_n (n > 8) inside (-1, 1) come from the recurrence rather than
//! cos(n acos x) / sin((n+1) t) / sin t: both are within ~1e-15 of the exact value, far below
//! float32 rounding. A chunk holding a degree above `MAX_DEGREE` (or +inf) takes the scalar
//! functions, which switch to those trigonometric forms for large n.
use super::special::poly;
use crate::opdefs::BinaryOp;
use crate::tensor::Tensor;

/// Elements per chunk (5 f64 buffers of this length live on the stack: 10 KiB).
const CHUNK: usize = 256;
/// The largest degree run through the vectorised recurrence (its cost grows with the degree).
const MAX_DEGREE: f64 = 64.0;

// The families, as const parameters so that each kernel's step folds to one expression.
const T: u8 = 0;
const U: u8 = 1;
const V: u8 = 2;
const W: u8 = 3;
const H: u8 = 4;
const HE: u8 = 5;
const L: u8 = 6;
const P: u8 = 7;

/// `out = op(a, b)` for float32 `a`, `b`, `out` when `op` is one of the polynomial rows; false
/// (nothing written) for every other op.
pub fn poly_family(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> bool {
    use BinaryOp::*;
    match op {
        ChebyshevT => run::<T, false>(a, b, out, poly::chebyshev_t),
        ChebyshevU => run::<U, false>(a, b, out, poly::chebyshev_u),
        ChebyshevV => run::<V, false>(a, b, out, poly::chebyshev_v),
        ChebyshevW => run::<W, false>(a, b, out, poly::chebyshev_w),
        ShiftedChebyshevT => run::<T, true>(a, b, out, poly::shifted_chebyshev_t),
        ShiftedChebyshevU => run::<U, true>(a, b, out, poly::shifted_chebyshev_u),
        ShiftedChebyshevV => run::<V, true>(a, b, out, poly::shifted_chebyshev_v),
        ShiftedChebyshevW => run::<W, true>(a, b, out, poly::shifted_chebyshev_w),
        HermiteH => run::<H, false>(a, b, out, poly::hermite_h),
        HermiteHe => run::<HE, false>(a, b, out, poly::hermite_he),
        LaguerreL => run::<L, false>(a, b, out, poly::laguerre_l),
        LegendreP => run::<P, false>(a, b, out, poly::legendre_p),
        _ => return false,
    }
    true
}

/// The chunked kernel over `staged` runs (unit-stride or broadcast inputs, unit-stride output).
fn run<const FAM: u8, const SHIFTED: bool>(a: &Tensor, b: &Tensor, out: &Tensor, slow: fn(f64, f64) -> f64) {
    let avx = super::has_avx2();
    // SAFETY: `staged` hands runs of `n` valid elements at the given strides; the tensors are f32.
    unsafe {
        super::staged([a, b, out], &|p: [*mut u8; 3], s: [isize; 3], n: usize| {
            let (x, y, o) = (p[0] as *const f32, p[1] as *const f32, p[2] as *mut f32);
            let mut i = 0;
            while i < n {
                let m = CHUNK.min(n - i);
                let (cx, cy, co) = (x.offset(i as isize * s[0]), y.offset(i as isize * s[1]), o.add(i));
                #[cfg(target_arch = "x86_64")]
                if avx {
                    chunk_avx2::<FAM, SHIFTED>(cx, s[0], cy, s[1], co, m, slow);
                    i += m;
                    continue;
                }
                let _ = avx;
                chunk::<FAM, SHIFTED>(cx, s[0], cy, s[1], co, m, slow);
                i += m;
            }
        })
    }
}

/// `chunk` compiled for AVX2 (the caller checked the CPU has it).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn chunk_avx2<const FAM: u8, const SHIFTED: bool>(
    x: *const f32, sx: isize, y: *const f32, sy: isize, o: *mut f32, m: usize, slow: fn(f64, f64) -> f64,
) {
    chunk::<FAM, SHIFTED>(x, sx, y, sy, o, m, slow)
}

/// p_1(x), the recurrence's second term (p_0 = 1).
#[inline(always)]
fn first<const FAM: u8>(x: f64) -> f64 {
    match FAM {
        T | HE | P => x,
        U | H => 2.0 * x,
        V => 2.0 * x - 1.0,
        W => 2.0 * x + 1.0,
        _ => 1.0 - x,
    }
}

/// p_{k+1} from p_{k-1} = `p` and p_k = `q` (the expressions of `special::poly`, same order).
#[inline(always)]
fn step<const FAM: u8>(kf: f64, x: f64, p: f64, q: f64) -> f64 {
    match FAM {
        T | U | V | W => 2.0 * x * q - p,
        H => 2.0 * x * q - 2.0 * kf * p,
        HE => x * q - kf * p,
        L => ((2.0 * kf + 1.0 - x) * q - kf * p) / (kf + 1.0),
        _ => ((2.0 * kf + 1.0) * x * q - kf * p) / (kf + 1.0),
    }
}

/// The result for degree `n` (truncated; NaN or negative: 0) from the recurrence's `q`, with
/// PyTorch's closed forms at |x| = 1 (and L at 0) as `special::poly`.
#[inline(always)]
fn finish<const FAM: u8>(x: f64, n: f64, q: f64) -> f64 {
    let even = (0.5 * n).floor() == 0.5 * n;
    let sign = if x > 0.0 || even { 1.0 } else { -1.0 };
    let edge = x.abs() == 1.0;
    let r = match FAM {
        T | P if edge => sign,
        U if edge => sign * (n + 1.0),
        V if edge => if x > 0.0 { 1.0 } else { sign * (2.0 * n + 1.0) },
        W if edge => if x > 0.0 { 2.0 * n + 1.0 } else { sign },
        L if x == 0.0 => 1.0,
        _ => if n == 0.0 { 1.0 } else { q },
    };
    if n >= 0.0 { r } else { 0.0 }
}

/// One chunk of `m` elements: the recurrence in f64 lanes up to the chunk's largest degree, or
/// the scalar functions when that degree is above `MAX_DEGREE`.
#[inline(always)]
unsafe fn chunk<const FAM: u8, const SHIFTED: bool>(
    x: *const f32, sx: isize, y: *const f32, sy: isize, o: *mut f32, m: usize, slow: fn(f64, f64) -> f64,
) {
    let (mut xs, mut ns) = ([0f64; CHUNK], [0f64; CHUNK]);
    let mut top = 0f64;
    for j in 0..m {
        let v = *x.offset(j as isize * sx) as f64;
        xs[j] = if SHIFTED { v + v - 1.0 } else { v };
        // The degree as PyTorch takes it: truncated (NaN stays NaN and gives 0 in `finish`).
        ns[j] = (*y.offset(j as isize * sy) as f64).trunc();
        // Not `max`: a NaN degree must not hide, and +inf must reach the check below.
        top = if ns[j] > top { ns[j] } else { top };
    }
    if top > MAX_DEGREE {
        for j in 0..m {
            *o.add(j) = slow(*x.offset(j as isize * sx) as f64, *y.offset(j as isize * sy) as f64) as f32;
        }
        return;
    }
    let (mut ps, mut qs) = ([1f64; CHUNK], [0f64; CHUNK]);
    for j in 0..m {
        qs[j] = first::<FAM>(xs[j]);
    }
    // Step k turns (p_{k-1}, p_k) into (p_k, p_{k+1}) for the elements of degree above k.
    for k in 1..top as usize {
        let kf = k as f64;
        for j in 0..m {
            let r = step::<FAM>(kf, xs[j], ps[j], qs[j]);
            let live = kf < ns[j];
            ps[j] = if live { qs[j] } else { ps[j] };
            qs[j] = if live { r } else { qs[j] };
        }
    }
    for j in 0..m {
        *o.add(j) = finish::<FAM>(xs[j], ns[j], qs[j]) as f32;
    }
}
