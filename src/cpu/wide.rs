//! The AVX-512 frame of the compute-bound elementwise loops (the `fma` rows: exp/log family, pow,
//! activations and their backward kernels): the same loop bodies as the AVX2+FMA frame, compiled
//! with AVX-512 enabled so LLVM vectorises them 16 lanes wide (PyTorch's AVX-512 build does the
//! same on CPUs that have it). Results are bit-identical to the AVX2 frame: both run the `FMA`
//! copy of the kernel, and an elementwise kernel has no reduction order to change.
//! `RTORCH_SIMD=avx2` (see `super::simd_cap`) keeps these loops on AVX2.
use std::sync::OnceLock;

/// Which compiled copy of a loop runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Frame {
    Plain,
    Avx2,
    Avx512,
}

/// Whether the CPU (and OS) run AVX-512 F/VL/DQ/BW, and `RTORCH_SIMD` does not cap it lower.
pub fn has_avx512() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        let off = super::simd_cap() < super::SimdLevel::Avx512;
        #[cfg(target_arch = "x86_64")]
        {
            !off && super::has_avx2()
                && std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512vl")
                && std::is_x86_feature_detected!("avx512dq")
                && std::is_x86_feature_detected!("avx512bw")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = off;
            false
        }
    })
}

/// The widest frame this CPU runs; `WIDE` false stops at AVX2 (the memory-bound loops, where a
/// third compiled copy would only cost build time and code size).
#[inline]
pub fn frame<const WIDE: bool>() -> Frame {
    if WIDE && has_avx512() {
        Frame::Avx512
    } else if super::has_avx2() {
        Frame::Avx2
    } else {
        Frame::Plain
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")]
unsafe fn l1_512<A: Copy, O: Copy, F: Fn(A) -> O>(a: *const A, sa: isize, o: *mut O, n: usize, f: &F) {
    super::loops::l1(a, sa, o, 1, n, f)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")]
unsafe fn l2_512<A: Copy, B: Copy, O, F: Fn(A, B) -> O>(a: *const A, sa: isize, b: *const B, sb: isize, o: *mut O, n: usize, f: &F) {
    super::loops::l2(a, sa, b, sb, o, 1, n, f)
}

/// One unit-stride (or broadcast: `sa` 0) run of `n` elements in `frame`: `fma` in the AVX2 and
/// AVX-512 frames, `plain` elsewhere.
///
/// # Safety
/// `n` elements at `o` (and at `a`, or one when `sa` is 0) are valid; `frame` came from `frame()`.
#[inline(always)]
pub unsafe fn run1<A: Copy, O: Copy, F1: Fn(A) -> O, F2: Fn(A) -> O>(
    frame: Frame, a: *const A, sa: isize, o: *mut O, n: usize, fma: &F1, plain: &F2,
) {
    #[cfg(target_arch = "x86_64")]
    match frame {
        Frame::Avx512 => return l1_512(a, sa, o, n, fma),
        Frame::Avx2 => return super::loops::avx2::l1(a, sa, o, 1, n, fma),
        Frame::Plain => {}
    }
    let _ = (frame, fma);
    super::loops::l1(a, sa, o, 1, n, plain)
}

/// `run1` with two inputs (strides 1 or 0).
///
/// # Safety
/// As `run1`, for both inputs.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn run2<A: Copy, B: Copy, O: Copy, F1: Fn(A, B) -> O, F2: Fn(A, B) -> O>(
    frame: Frame, a: *const A, sa: isize, b: *const B, sb: isize, o: *mut O, n: usize, fma: &F1, plain: &F2,
) {
    #[cfg(target_arch = "x86_64")]
    match frame {
        Frame::Avx512 => return l2_512(a, sa, b, sb, o, n, fma),
        Frame::Avx2 => return super::loops::avx2::l2(a, sa, b, sb, o, 1, n, fma),
        Frame::Plain => {}
    }
    let _ = (frame, fma);
    super::loops::l2(a, sa, b, sb, o, 1, n, plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AVX-512 frame computes exactly what the AVX2 frame does, past the vector width and in
    /// the scalar tail (lengths that are not multiples of 16), for a few kernels of each shape.
    #[test]
    fn avx512_frame_matches_avx2() {
        if !has_avx512() {
            return;
        }
        use crate::cpu::math::FloatMath;
        let n = 1000 + 13;
        let xs: Vec<f32> = (0..n).map(|i| (i as f32 * 0.731).sin() * 30.0 + if i % 97 == 0 { f32::NAN } else { 0.0 }).collect();
        let ys: Vec<f32> = (0..n).map(|i| (i as f32 * 0.377).cos() * 3.0).collect();
        let k1 = |v: f32| v.vlog1p::<true>() + v.vexp2::<true>() - v.vatanh::<true>();
        let k2 = |x: f32, y: f32| x.abs().vpow::<true>(y) + crate::cpu::fmath::pow_real_f32::<true>(x.abs(), y);
        for len in [0, 1, 15, 16, 17, 255, n] {
            let (mut o1, mut o2) = (vec![0f32; len], vec![0f32; len]);
            unsafe {
                run1(Frame::Avx512, xs.as_ptr(), 1, o1.as_mut_ptr(), len, &k1, &k1);
                run1(Frame::Avx2, xs.as_ptr(), 1, o2.as_mut_ptr(), len, &k1, &k1);
            }
            assert!(o1.iter().zip(&o2).all(|(a, b)| a.to_bits() == b.to_bits()), "unary, {len}");
            unsafe {
                run2(Frame::Avx512, xs.as_ptr(), 1, ys.as_ptr(), 1, o1.as_mut_ptr(), len, &k2, &k2);
                run2(Frame::Avx2, xs.as_ptr(), 1, ys.as_ptr(), 1, o2.as_mut_ptr(), len, &k2, &k2);
            }
            assert!(o1.iter().zip(&o2).all(|(a, b)| a.to_bits() == b.to_bits()), "binary, {len}");
        }
    }
}
