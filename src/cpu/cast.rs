//! Conversions between dtypes (`copy_cast` across dtypes): PyTorch's results, in loops that
//! vectorise (branch-free element conversions compiled in the AVX2 frame; F16C instructions for
//! float16, picked at run time).
//!
//! PyTorch's CPU casts, as its x86 builds compute them (checked against torch 2.x):
//! - float -> int32 / int64 truncates toward zero; NaN, infinities and values out of range give
//!   the type's minimum (what `cvttss2si` returns); int8 / int16 / uint8 take the low bits of the
//!   int32 conversion (so 300.7 -> 44 as uint8, NaN -> 0);
//! - float -> bool is `!= 0` (NaN is true); int -> int wraps;
//! - complex -> real keeps the real part (converted like a float of the part's precision);
//!   complex -> bool is true when either part is non-zero;
//! - float64 and integers convert to float16 / bfloat16 through float32 (two roundings, as
//!   PyTorch's `static_cast<Half>(double)` does); float32 -> float16 / bfloat16 rounds once, to
//!   nearest even, overflowing to infinity.
use super::{has_avx2, staged, Element};
use crate::dtype::{Category, DType};
use crate::tensor::Tensor;
use half::bf16;

/// float -> int32 as `cvttsd2si`: truncation, and i32::MIN for NaN and out-of-range values.
#[inline(always)]
fn to_i32_x86(v: f64) -> i32 {
    // Written as a select around the conversion so that it vectorises.
    if v > -2_147_483_649.0 && v < 2_147_483_648.0 { v as i32 } else { i32::MIN }
}

/// float -> int64 as `cvttsd2si` (64-bit): truncation, and i64::MIN for NaN and out of range.
#[inline(always)]
fn to_i64_x86(v: f64) -> i64 {
    if v >= -9.223_372_036_854_775_808e18 && v < 9.223_372_036_854_775_808e18 { v as i64 } else { i64::MIN }
}

/// One element converted from `A` to `B` with PyTorch's results (see the module doc).
#[inline(always)]
pub fn cast_elem<A: Element, B: Element>(a: A) -> B {
    let half_out = matches!(B::DTYPE, DType::F16 | DType::BF16);
    match (A::DTYPE.category(), B::DTYPE.category()) {
        // Complex -> bool tests both parts; into complex, both parts convert (one rounding, as
        // `c10::complex<float>(double)`); complex -> real keeps the real part, converted as a float of
        // the part's precision would be.
        (Category::Complex, Category::Bool) => B::from_bool(a.to_bool()),
        (_, Category::Complex) => {
            let (re, im) = a.to_c64();
            B::from_c64(re, im)
        }
        (Category::Complex, _) if A::DTYPE == DType::C64 => cast_elem::<f32, B>(a.to_f64() as f32),
        (Category::Complex, _) => cast_elem::<f64, B>(a.to_f64()),
        (_, Category::Bool) => B::from_bool(a.to_bool()),
        (Category::Float, Category::Int) => {
            let v = a.to_f64();
            if B::DTYPE == DType::I64 { B::from_i64(to_i64_x86(v)) } else { B::from_i64(to_i32_x86(v) as i64) }
        }
        // Through float32: exact for float32 and half sources, PyTorch's double rounding otherwise.
        (Category::Float, Category::Float) if half_out => B::from_f64(a.to_f64() as f32 as f64),
        (Category::Float, Category::Float) => B::from_f64(a.to_f64()),
        (Category::Int, Category::Float) if half_out => B::from_f64(a.to_i64() as f32 as f64),
        (Category::Int | Category::Bool, Category::Float) => B::from_i64(a.to_i64()),
        _ => B::from_i64(a.to_i64()),
    }
}

/// float32 -> bfloat16, round to nearest even (NaN stays NaN), branch-free so it vectorises.
#[inline(always)]
pub fn f32_to_bf16(x: f32) -> bf16 {
    let b = x.to_bits();
    let rounded = (b.wrapping_add(0x7FFF + ((b >> 16) & 1)) >> 16) as u16;
    let nan = (b >> 16) as u16 | 0x40;
    bf16::from_bits(if x != x { nan } else { rounded })
}

#[inline(always)]
fn bf16_to_f32(x: bf16) -> f32 {
    f32::from_bits((x.to_bits() as u32) << 16)
}

/// Whether this CPU converts float16 in vectors (F16C, with AVX2 for the loops around it).
fn has_f16c() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        has_avx2() && std::is_x86_feature_detected!("f16c")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(target_arch = "x86_64")]
mod f16c {
    use std::arch::x86_64::*;
    /// `n` float32 at `src` -> float16 bits at `dst` (round to nearest even).
    #[target_feature(enable = "avx2,f16c")]
    pub unsafe fn from_f32(src: *const f32, dst: *mut u16, n: usize) {
        let mut i = 0;
        while i + 8 <= n {
            let h = _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(_mm256_loadu_ps(src.add(i)));
            _mm_storeu_si128(dst.add(i) as *mut __m128i, h);
            i += 8;
        }
        for j in i..n {
            let h = _mm_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(_mm_set_ss(*src.add(j)));
            *dst.add(j) = _mm_extract_epi16::<0>(h) as u16;
        }
    }
    /// `n` float16 bits at `src` -> float32 at `dst` (exact).
    #[target_feature(enable = "avx2,f16c")]
    pub unsafe fn to_f32(src: *const u16, dst: *mut f32, n: usize) {
        let mut i = 0;
        while i + 8 <= n {
            _mm256_storeu_ps(dst.add(i), _mm256_cvtph_ps(_mm_loadu_si128(src.add(i) as *const __m128i)));
            i += 8;
        }
        for j in i..n {
            *dst.add(j) = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(*src.add(j) as i32)));
        }
    }
}

/// Elements converted per step when a half-precision conversion goes through a float32 buffer.
const CHUNK: usize = 256;

/// Whether `A -> B` runs through `half_run`: one side float16 or bfloat16, neither complex, and
/// not a pair with its own one-pass loop (bfloat16 <-> float32 shifts, `!= 0` into bool). float16
/// into bool is not one of those: its scalar widening is 15x slower than F16C's.
fn via_f32<A: Element, B: Element>() -> bool {
    let half = |d: DType| matches!(d, DType::F16 | DType::BF16);
    let direct = matches!((A::DTYPE, B::DTYPE), (DType::BF16, DType::F32) | (DType::F32, DType::BF16))
        || (B::DTYPE == DType::Bool && A::DTYPE != DType::F16);
    (half(A::DTYPE) || half(B::DTYPE)) && !A::DTYPE.is_complex() && !B::DTYPE.is_complex() && !direct
}

/// `n` elements from `a` (stride `sa`: 1, or 0 for a broadcast value) converted to `B` at `o`
/// through float32 chunks, one side being float16 or bfloat16. Exact as `cast_elem`: half types
/// widen to float32 exactly, and PyTorch converts into them through float32. Each step is a
/// vector conversion: F16C for float16, shifts for bfloat16, `cvttps2dq` into int32 and narrower
/// (the caller checked AVX2, and F16C when either side is float16).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn half_run<A: Element, B: Element>(a: *const A, sa: isize, o: *mut B, n: usize) {
    let mut buf = [0f32; CHUNK];
    let mut i = 0;
    while i < n {
        let m = CHUNK.min(n - i);
        let src = a.offset(i as isize * sa);
        let dst = o.add(i);
        if sa == 0 {
            buf[..m].fill(cast_elem::<A, f32>(*src));
        } else if A::DTYPE == DType::F16 {
            f16c::to_f32(src as *const u16, buf.as_mut_ptr(), m);
        } else if A::DTYPE == DType::BF16 {
            let s = src as *const u16;
            for (j, b) in buf[..m].iter_mut().enumerate() {
                *b = f32::from_bits((*s.add(j) as u32) << 16);
            }
        } else if A::DTYPE == DType::I32 {
            let s = src as *const i32;
            for (j, b) in buf[..m].iter_mut().enumerate() {
                *b = *s.add(j) as f32;
            }
        } else if A::DTYPE != DType::F32 {
            for (j, b) in buf[..m].iter_mut().enumerate() {
                *b = cast_elem::<A, f32>(*src.add(j));
            }
        }
        // A float32 source is read in place; anything else from the buffer.
        let f: *const f32 = if A::DTYPE == DType::F32 && sa == 1 { src as *const f32 } else { buf.as_ptr() };
        if B::DTYPE == DType::F16 {
            f16c::from_f32(f, dst as *mut u16, m);
        } else if B::DTYPE == DType::BF16 {
            let d = dst as *mut bf16;
            for j in 0..m {
                *d.add(j) = f32_to_bf16(*f.add(j));
            }
        } else if matches!(B::DTYPE, DType::I32 | DType::I16 | DType::I8 | DType::U8) {
            f32_int_run::<B>(f, dst, m);
        } else {
            for j in 0..m {
                *dst.add(j) = cast_elem::<f32, B>(*f.add(j));
            }
        }
        i += m;
    }
}

/// `n` float32 at `a` -> int32 as `cvttps2dq` converts them (truncation; i32::MIN for NaN and out
/// of range, PyTorch's x86 results: `to_i32_x86`), then to `B`, one of the int32-or-narrower
/// integers (their low bits, as `cast_elem`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn f32_int_run<B: Element>(a: *const f32, o: *mut B, n: usize) {
    use std::arch::x86_64::*;
    let mut buf = [0i32; CHUNK];
    let mut i = 0;
    while i < n {
        let m = CHUNK.min(n - i);
        // int32 output: converted in place; narrower: through the buffer.
        let dst = if B::DTYPE == DType::I32 { o.add(i) as *mut i32 } else { buf.as_mut_ptr() };
        let src = a.add(i);
        let mut j = 0;
        while j + 8 <= m {
            _mm256_storeu_si256(dst.add(j) as *mut __m256i, _mm256_cvttps_epi32(_mm256_loadu_ps(src.add(j))));
            j += 8;
        }
        for k in j..m {
            *dst.add(k) = _mm_cvttss_si32(_mm_set_ss(*src.add(k)));
        }
        if B::DTYPE != DType::I32 {
            for (k, &v) in buf[..m].iter().enumerate() {
                *o.add(i + k) = cast_elem::<i32, B>(v);
            }
        }
        i += m;
    }
}

/// Convert `src` (broadcast to `dst`'s shape) into `dst`'s dtype: unit-stride runs (strided
/// views staged through tiles, `super::staged`) with a vectorised loop per dtype pair.
pub fn cast_into<A: Element, B: Element>(src: &Tensor, dst: &Tensor) {
    let avx = has_avx2();
    // Half-precision pairs through float32 vectors (F16C comes with every AVX2 CPU we target).
    let half = via_f32::<A, B>() && has_f16c();
    // SAFETY: `staged` hands unit-stride (or broadcast) runs of the views' own elements.
    unsafe {
        staged([src, dst], &|p: [*mut u8; 2], s: [isize; 2], n: usize| {
            let (a, o) = (p[0] as *const A, p[1] as *mut B);
            #[cfg(target_arch = "x86_64")]
            if half {
                return half_run::<A, B>(a, s[0], o, n);
            }
            let _ = half;
            #[cfg(target_arch = "x86_64")]
            if avx && s[0] == 1 && A::DTYPE == DType::F32 && matches!(B::DTYPE, DType::I32 | DType::I16 | DType::I8 | DType::U8) {
                return f32_int_run::<B>(a as *const f32, o, n);
            }
            // bfloat16 <-> float32 are bit shifts; spelled out so they vectorise.
            if A::DTYPE == DType::F32 && B::DTYPE == DType::BF16 {
                return super::loops_run(a as *const f32, s[0], o as *mut bf16, n, avx, &|v: f32| f32_to_bf16(v));
            }
            if A::DTYPE == DType::BF16 && B::DTYPE == DType::F32 {
                return super::loops_run(a as *const bf16, s[0], o as *mut f32, n, avx, &|v: bf16| bf16_to_f32(v));
            }
            super::loops_run(a, s[0], o, n, avx, &cast_elem::<A, B>)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use half::f16;
    #[test]
    fn pytorch_float_to_int_rules() {
        // Values and results recorded from torch 2.x on x86 (float32 source).
        let v = [f64::NAN, f64::INFINITY, -f64::INFINITY, 3e9, -3e9, 300.7, -300.7, -1.5, 1e20, 2.5, 127.9, 128.0, 70000.0];
        let u8s: Vec<u8> = v.iter().map(|&x| cast_elem::<f32, u8>(x as f32)).collect();
        assert_eq!(u8s, [0, 0, 0, 0, 0, 44, 212, 255, 0, 2, 127, 128, 112]);
        let i8s: Vec<i8> = v.iter().map(|&x| cast_elem::<f32, i8>(x as f32)).collect();
        assert_eq!(i8s, [0, 0, 0, 0, 0, 44, -44, -1, 0, 2, 127, -128, 112]);
        let i16s: Vec<i16> = v.iter().map(|&x| cast_elem::<f64, i16>(x)).collect();
        assert_eq!(i16s, [0, 0, 0, 0, 0, 300, -300, -1, 0, 2, 127, 128, 4464]);
        let i32s: Vec<i32> = v.iter().map(|&x| cast_elem::<f32, i32>(x as f32)).collect();
        let m = i32::MIN;
        assert_eq!(i32s, [m, m, m, m, m, 300, -300, -1, m, 2, 127, 128, 70000]);
        let i64s: Vec<i64> = v.iter().map(|&x| cast_elem::<f32, i64>(x as f32)).collect();
        let m = i64::MIN;
        assert_eq!(i64s, [m, m, m, 3_000_000_000, -3_000_000_000, 300, -300, -1, m, 2, 127, 128, 70000]);
        assert!(cast_elem::<f32, bool>(f32::NAN) && !cast_elem::<f32, bool>(-0.0));
    }
    #[test]
    fn half_rounding_goes_through_f32() {
        // PyTorch: f64 1 + 2^-11 + 2^-40 -> float16 1.0 (rounded to f32 first, then a tie to even).
        assert_eq!(cast_elem::<f64, f16>(1.0 + 2f64.powi(-11) + 2f64.powi(-40)), f16::ONE);
        assert_eq!(cast_elem::<i64, bf16>((1 << 24) + (1 << 16) + 1).to_f32(), 16_777_216.0);
        assert_eq!(cast_elem::<f32, f16>(1.0 + 2f32.powi(-11) + 2f32.powi(-22)).to_f32(), 1.0 + 2f32.powi(-10));
        for b in (0..u32::MAX).step_by(4099) {
            let x = f32::from_bits(b);
            let (got, want) = (f32_to_bf16(x), bf16::from_f32(x));
            assert!(got == want || (got.is_nan() && want.is_nan()), "{x:e}");
        }
    }
}
