//! The float32 max/min row fold of the reductions (`amax`, `amin`, `max(dim)` values) in AVX2
//! registers: the same 32 lanes and join tree as `reduce::fold_run`, so results match it bit for
//! bit (signed zeros included), without its per-block trip through memory (a 256-element row
//! spent as long joining its lanes as folding them).
#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// Elements per block, as `reduce::BLOCK` (lanes restart and join per block).
const BLOCK: usize = 1024;

/// The max (`MAX`) or min of `a0` and `n` contiguous float32 at `x`, folded as `fold_run` folds
/// them; `None` when the run holds a NaN (the caller's generic fold then picks which NaN).
///
/// # Safety
/// `x` is valid for `n` reads; the CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(super) unsafe fn ext_f32<const MAX: bool>(x: *const f32, n: usize, a0: f32) -> Option<f32> {
    // `pick(l, v)` of the generic fold: v when it beats l, else l (a tie keeps l). `max_ps(v, l)`
    // returns its second operand unless v > l: the same on NaN-free data.
    #[inline(always)]
    unsafe fn pick<const MAX: bool>(l: __m256, v: __m256) -> __m256 {
        if MAX { _mm256_max_ps(v, l) } else { _mm256_min_ps(v, l) }
    }
    #[inline(always)]
    unsafe fn pick4<const MAX: bool>(l: __m128, v: __m128) -> __m128 {
        if MAX { _mm_max_ps(v, l) } else { _mm_min_ps(v, l) }
    }
    #[inline(always)]
    fn pick1<const MAX: bool>(l: f32, v: f32) -> f32 {
        let beats = if MAX { v > l } else { v < l };
        if beats { v } else { l }
    }
    let mut a = a0;
    let mut nan = _mm256_setzero_ps();
    let mut b = 0;
    while b < n {
        let len = BLOCK.min(n - b);
        let p = x.add(b);
        let mut l = [_mm256_set1_ps(a0); 4];
        let full = len - len % 32;
        let mut i = 0;
        while i < full {
            for (k, lk) in l.iter_mut().enumerate() {
                let v = _mm256_loadu_ps(p.add(i + 8 * k));
                nan = _mm256_or_ps(nan, _mm256_cmp_ps::<_CMP_UNORD_Q>(v, v));
                *lk = pick::<MAX>(*lk, v);
            }
            i += 32;
        }
        // fold_run's tree: lane k joins lane k + w for w = 16, 8, 4, 2, 1 (lanes 8r.. in register r).
        let r0 = pick::<MAX>(pick::<MAX>(l[0], l[2]), pick::<MAX>(l[1], l[3]));
        let q = pick4::<MAX>(_mm256_castps256_ps128(r0), _mm256_extractf128_ps::<1>(r0));
        let q = pick4::<MAX>(q, _mm_movehl_ps(q, q));
        let q = pick4::<MAX>(q, _mm_shuffle_ps::<1>(q, q));
        let mut t = _mm_cvtss_f32(q);
        for j in full..len {
            let v = *p.add(j);
            if v.is_nan() {
                return None;
            }
            t = pick1::<MAX>(t, v);
        }
        a = pick1::<MAX>(a, t);
        b += len;
    }
    if _mm256_movemask_ps(nan) != 0 {
        return None;
    }
    Some(a)
}

/// The product of `n` contiguous float32 at `x` in float64, multiplied in the order `fold_run`
/// multiplies them for `ProdF` (32 lanes per block, the same join tree, operands in the same
/// order), so the result matches it bit for bit, NaN payloads included.
///
/// # Safety
/// `x` is valid for `n` reads; the CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(super) unsafe fn prod_f32(x: *const f32, n: usize) -> f64 {
    let mut a = 1f64;
    let mut b = 0;
    while b < n {
        let len = BLOCK.min(n - b);
        let p = x.add(b);
        // Register r holds lanes 4r..4r+3.
        let mut l = [_mm256_set1_pd(1.0); 8];
        let full = len - len % 32;
        let mut i = 0;
        while i < full {
            for q in 0..4 {
                let v = _mm256_loadu_ps(p.add(i + 8 * q));
                l[2 * q] = _mm256_mul_pd(l[2 * q], _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
                l[2 * q + 1] = _mm256_mul_pd(l[2 * q + 1], _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(v)));
            }
            i += 32;
        }
        // Lane k joins lane k + w for w = 16, 8, 4, 2, 1.
        for r in 0..4 {
            l[r] = _mm256_mul_pd(l[r], l[r + 4]);
        }
        for r in 0..2 {
            l[r] = _mm256_mul_pd(l[r], l[r + 2]);
        }
        let r0 = _mm256_mul_pd(l[0], l[1]);
        let q = _mm_mul_pd(_mm256_castpd256_pd128(r0), _mm256_extractf128_pd::<1>(r0));
        let q = _mm_mul_sd(q, _mm_unpackhi_pd(q, q));
        let mut t = _mm_cvtsd_f64(q);
        for j in full..len {
            t *= *p.add(j) as f64;
        }
        a *= t;
        b += len;
    }
    a
}
