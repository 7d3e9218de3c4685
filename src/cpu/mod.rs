//! CPU kernels: the generic strided map loops every elementwise op runs through, with a run-time
//! AVX2 path for the contiguous case, plus fill and dtype-converting copy.
pub mod attention;
pub mod binary;
pub mod conv;
pub mod index;
pub mod iter;
pub mod loss;
pub mod matmul;
pub mod math;
pub mod norm;
pub mod optim;
pub mod pool;
pub mod reduce;
pub mod random;
pub mod softmax;
pub mod sort;
pub mod threads;
mod transpose;
pub mod unary;

use crate::dtype::Element;
use crate::error::Result;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::with_dtype;
use iter::{for_each_run, SendPtr};

#[inline]
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Inner loops, written once; `simd_variants!` compiles each again with AVX2+FMA enabled.
mod loops {
    #[inline(always)]
    pub unsafe fn l1<A: Copy, O, F: Fn(A) -> O>(a: *const A, sa: isize, o: *mut O, so: isize, n: usize, f: &F) {
        if sa == 1 && so == 1 {
            for i in 0..n {
                *o.add(i) = f(*a.add(i));
            }
        } else {
            for i in 0..n as isize {
                *o.offset(i * so) = f(*a.offset(i * sa));
            }
        }
    }
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn l2<A: Copy, B: Copy, O, F: Fn(A, B) -> O>(
        a: *const A, sa: isize, b: *const B, sb: isize, o: *mut O, so: isize, n: usize, f: &F,
    ) {
        if so == 1 && sa == 1 && sb == 1 {
            for i in 0..n {
                *o.add(i) = f(*a.add(i), *b.add(i));
            }
        } else if so == 1 && sa == 1 && sb == 0 {
            let bv = *b;
            for i in 0..n {
                *o.add(i) = f(*a.add(i), bv);
            }
        } else if so == 1 && sa == 0 && sb == 1 {
            let av = *a;
            for i in 0..n {
                *o.add(i) = f(av, *b.add(i));
            }
        } else {
            for i in 0..n as isize {
                *o.offset(i * so) = f(*a.offset(i * sa), *b.offset(i * sb));
            }
        }
    }
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn l3<A: Copy, B: Copy, C: Copy, O, F: Fn(A, B, C) -> O>(
        a: *const A, sa: isize, b: *const B, sb: isize, c: *const C, sc: isize, o: *mut O, so: isize, n: usize, f: &F,
    ) {
        for i in 0..n as isize {
            *o.offset(i * so) = f(*a.offset(i * sa), *b.offset(i * sb), *c.offset(i * sc));
        }
    }

    #[cfg(target_arch = "x86_64")]
    pub mod avx2 {
        #[target_feature(enable = "avx2,fma")]
        pub unsafe fn l1<A: Copy, O, F: Fn(A) -> O>(a: *const A, sa: isize, o: *mut O, so: isize, n: usize, f: &F) {
            super::l1(a, sa, o, so, n, f)
        }
        #[target_feature(enable = "avx2,fma")]
        #[allow(clippy::too_many_arguments)]
        pub unsafe fn l2<A: Copy, B: Copy, O, F: Fn(A, B) -> O>(
            a: *const A, sa: isize, b: *const B, sb: isize, o: *mut O, so: isize, n: usize, f: &F,
        ) {
            super::l2(a, sa, b, sb, o, so, n, f)
        }
    }
}

/// `out[i] = f(a[i])` over same-shaped (possibly broadcast/strided) views.
pub fn map1<A: Element, O: Element, F: Fn(A) -> O + Sync>(a: &Tensor, out: &Tensor, f: F) {
    map1_fma(a, out, &f, &f)
}

/// `map1` with one closure for the AVX2+FMA loop and one for the plain loop, so that kernels
/// built on `math::madd::<FMA>` get fused multiply-adds only where the CPU has them.
pub fn map1_fma<A: Element, O: Element, F1: Fn(A) -> O + Sync, F2: Fn(A) -> O + Sync>(
    a: &Tensor, out: &Tensor, fma: F1, plain: F2,
) {
    let (pa, po) = unsafe { (SendPtr(a.data_ptr::<A>()), SendPtr(out.data_ptr::<O>())) };
    let avx = has_avx2();
    for_each_run(out.shape(), [a.strides(), out.strides()], |[oa, oo], n, [sa, so]| {
        // SAFETY: offsets come from the views' own layouts, checked when the views were made.
        unsafe {
            let (a, o) = (pa.get().offset(oa) as *const A, po.get().offset(oo));
            #[cfg(target_arch = "x86_64")]
            if avx {
                return loops::avx2::l1(a, sa, o, so, n, &fma);
            }
            let _ = (avx, &fma);
            loops::l1(a, sa, o, so, n, &plain)
        }
    });
}

/// Sum of a short block with 32 independent lanes in the element type, returned as f64.
pub fn sum_block<F: Element + num_traits::Float>(b: &[F]) -> f64 {
    #[inline(always)]
    fn body<F: Element + num_traits::Float>(b: &[F]) -> f64 {
        let mut acc = [F::zero(); 32];
        let mut it = b.chunks_exact(32);
        for c in &mut it {
            for k in 0..32 {
                acc[k] = acc[k] + c[k];
            }
        }
        let mut t = 0f64;
        for v in acc.iter().chain(it.remainder()) {
            t += Element::to_f64(*v);
        }
        t
    }
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        #[target_feature(enable = "avx2,fma")]
        unsafe fn avx2<F: Element + num_traits::Float>(b: &[F]) -> f64 {
            body(b)
        }
        // SAFETY: the CPU supports AVX2 and FMA (checked above).
        return unsafe { avx2(b) };
    }
    body(b)
}

/// A kernel split into independent jobs (rows, column strips...) that write disjoint memory.
pub trait Job: Sync {
    /// `FMA`: whether this copy runs in the AVX2+FMA frame (see `math::madd`).
    ///
    /// # Safety
    /// `i` is below the job count given to `run_jobs` and the kernel's pointers are valid.
    unsafe fn run<const FMA: bool>(&self, i: usize);
}

/// Run jobs `0..n` of about `cost` elements each: on the calling thread below the grain size, else
/// in a few chunks per pool thread. Each chunk runs in a frame compiled for AVX2+FMA when the CPU
/// has them, so the `#[inline(always)]` job bodies vectorise there.
///
/// # Safety
/// As for `Job::run`.
pub unsafe fn run_jobs<K: Job>(k: &K, n: usize, cost: usize) {
    #[inline(always)]
    unsafe fn range<const FMA: bool, K: Job>(k: &K, lo: usize, hi: usize) {
        for i in lo..hi {
            k.run::<FMA>(i)
        }
    }
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn range_avx2<K: Job>(k: &K, lo: usize, hi: usize) {
        range::<true, K>(k, lo, hi)
    }
    let avx = has_avx2();
    let chunk = |lo: usize, hi: usize| {
        // SAFETY: the caller's contract; AVX2/FMA only when detected.
        #[cfg(target_arch = "x86_64")]
        if avx {
            return range_avx2(k, lo, hi);
        }
        let _ = avx;
        range::<false, K>(k, lo, hi)
    };
    let total = n.saturating_mul(cost.max(1));
    let threads = threads::num_threads();
    if total < iter::GRAIN || threads == 1 || n <= 1 {
        return chunk(0, n);
    }
    let chunks = iter::chunks_for(n, total);
    threads::parallel_for(chunks, chunks, |c| chunk(c * n / chunks, (c + 1) * n / chunks));
}

/// `out[i] = f(a[i], b[i])` over same-shaped views.
pub fn map2<A: Element, B: Element, O: Element, F: Fn(A, B) -> O + Sync>(a: &Tensor, b: &Tensor, out: &Tensor, f: F) {
    let (pa, pb, po) = unsafe { (SendPtr(a.data_ptr::<A>()), SendPtr(b.data_ptr::<B>()), SendPtr(out.data_ptr::<O>())) };
    let avx = has_avx2();
    for_each_run(out.shape(), [a.strides(), b.strides(), out.strides()], |[oa, ob, oo], n, [sa, sb, so]| {
        // SAFETY: as in map1.
        unsafe {
            let (a, b, o) = (pa.get().offset(oa) as *const A, pb.get().offset(ob) as *const B, po.get().offset(oo));
            #[cfg(target_arch = "x86_64")]
            if avx {
                return loops::avx2::l2(a, sa, b, sb, o, so, n, &f);
            }
            let _ = avx;
            loops::l2(a, sa, b, sb, o, so, n, &f)
        }
    });
}

/// `out[i] = f(a[i], b[i], c[i])` over same-shaped views.
pub fn map3<A: Element, B: Element, C: Element, O: Element, F: Fn(A, B, C) -> O + Sync>(
    a: &Tensor, b: &Tensor, c: &Tensor, out: &Tensor, f: F,
) {
    let p = unsafe {
        (SendPtr(a.data_ptr::<A>()), SendPtr(b.data_ptr::<B>()), SendPtr(c.data_ptr::<C>()), SendPtr(out.data_ptr::<O>()))
    };
    for_each_run(
        out.shape(),
        [a.strides(), b.strides(), c.strides(), out.strides()],
        |[oa, ob, oc, oo], n, [sa, sb, sc, so]| {
            // SAFETY: as in map1.
            unsafe {
                loops::l3(
                    p.0.get().offset(oa) as *const A, sa,
                    p.1.get().offset(ob) as *const B, sb,
                    p.2.get().offset(oc) as *const C, sc,
                    p.3.get().offset(oo), so, n, &f,
                )
            }
        },
    );
}

/// Write `value` (converted to the tensor's dtype) into every element of the view.
pub fn fill(t: &Tensor, value: Scalar) -> Result<()> {
    with_dtype!(t.dtype(), T => {
        let v: T = value.to_elem();
        let p = unsafe { SendPtr(t.data_ptr::<T>()) };
        for_each_run(t.shape(), [t.strides()], |[o], n, [s]| unsafe {
            for i in 0..n as isize {
                *p.get().offset(o + i * s) = v;
            }
        });
    });
    Ok(())
}

/// Elementwise conversion between any two dtypes, following PyTorch's cast semantics.
#[inline(always)]
pub fn convert<A: Element, B: Element>(a: A) -> B {
    use crate::dtype::Category::*;
    match (A::DTYPE.category(), B::DTYPE.category()) {
        (_, Bool) => B::from_bool(a.to_bool()),
        (Float, Int) => B::from_f64(a.to_f64()),
        (Float, Float) => B::from_f64(a.to_f64()),
        (_, Float) => B::from_f64(a.to_f64()),
        _ => B::from_i64(a.to_i64()),
    }
}

/// Copy `src` (already broadcast to `dst`'s shape) into `dst`, converting dtype.
pub fn copy_cast(src: &Tensor, dst: &Tensor) -> Result<()> {
    if src.dtype() == dst.dtype() {
        with_dtype!(src.dtype(), T => {
            if !transpose::transpose_copy::<T>(src, dst) {
                map1::<T, T, _>(src, dst, |x| x)
            }
        });
        return Ok(());
    }
    with_dtype!(src.dtype(), A => with_dtype!(dst.dtype(), B => map1::<A, B, _>(src, dst, convert::<A, B>)));
    Ok(())
}


/// `t` converted to `dtype`: a fresh contiguous CPU tensor.
pub fn cast(t: &Tensor, dtype: crate::dtype::DType) -> Result<Tensor> {
    let out = Tensor::alloc(t.shape(), dtype, crate::Device::Cpu, false)?;
    copy_cast(t, &out)?;
    Ok(out)
}

/// `t` itself when contiguous, else a contiguous copy.
pub fn contiguous(t: &Tensor) -> Result<Tensor> {
    if t.is_contiguous() {
        return Ok(t.clone());
    }
    cast(t, t.dtype())
}

/// Whether `f` holds for some element of the view (`T` is its dtype).
pub fn any_elem<T: Element>(t: &Tensor, f: impl Fn(T) -> bool + Sync) -> bool {
    use std::sync::atomic::{AtomicBool, Ordering};
    let hit = AtomicBool::new(false);
    // SAFETY: offsets come from the view's own layout.
    let p = unsafe { SendPtr(t.data_ptr::<T>()) };
    for_each_run(t.shape(), [t.strides()], |[o], n, [s]| {
        if hit.load(Ordering::Relaxed) {
            return;
        }
        for i in 0..n as isize {
            if f(unsafe { *p.get().offset(o + i * s) }) {
                hit.store(true, Ordering::Relaxed);
                return;
            }
        }
    });
    hit.load(Ordering::Relaxed)
}

/// `out = cond ? a : b` (all broadcast to `out`'s shape; `cond` bool).
pub fn where_(cond: &Tensor, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    with_dtype!(out.dtype(), T => map3::<bool, T, T, T, _>(cond, a, b, out, |c, x, y| if c { x } else { y }));
    Ok(())
}
