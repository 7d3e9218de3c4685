//! CPU matrix products through the `gemm` crate (runtime SIMD dispatch, arbitrary strides so
//! transposed views need no copy), split over the pool by batch or by row/column blocks; bfloat16
//! computes in f32, integers through wrapping i64 sums.
use super::iter::SendPtr;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::tensor::Tensor;
use crate::with_dtype;
use gemm::{gemm, Parallelism};

fn parallelism(m: usize, n: usize, k: usize) -> Parallelism {
    let threads = super::threads::num_threads();
    if threads > 1 && m * n * k >= 64 * 64 * 64 {
        Parallelism::Rayon(threads)
    } else {
        Parallelism::None
    }
}

/// How a batch of products uses the threads: whole products side by side when there are at least
/// as many as threads (no synchronisation inside a product), else threads inside each product.
#[derive(Clone, Copy)]
enum Split {
    Serial,
    Batches,
    Inside(Parallelism),
    /// Each product cut into this many row or column blocks, one single-threaded gemm per block.
    Tiles(usize),
}

/// `out[b] = a[b] @ b[b]` for 3-D operands with equal batch (strided, no copies).
pub fn bmm(a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    let (bs, m, k) = (a.shape()[0], a.shape()[1], a.shape()[2]);
    let n = b.shape()[2];
    let threads = super::threads::num_threads();
    let split = if threads > 1 && bs >= threads && bs * m * n * k >= 64 * 64 * 64 {
        Split::Batches
    } else if threads > 1 && bs * m * n * k >= 64 * 64 * 64 && m.max(n) >= 16 * threads {
        // Our own split (one single-threaded gemm per block) beats gemm's internal threads on
        // every shape measured (matmul 256-2048 1.04-1.12x faster; x @ w.t() of a Linear 300 ->
        // 255 us), and runs on our spinning pool instead of rayon's sleeping one.
        Split::Tiles(threads)
    } else {
        match parallelism(m, n, k) {
            Parallelism::None => Split::Serial,
            p => Split::Inside(p),
        }
    };
    bmm_strided(a, b, out, bs, m, n, k, split)
}

#[allow(clippy::too_many_arguments)]
fn bmm_strided(a: &Tensor, b: &Tensor, out: &Tensor, bs: usize, m: usize, n: usize, k: usize, split: Split) -> Result<()> {
    let (sa, sb, so) = (a.strides(), b.strides(), out.strides());
    macro_rules! run {
        ($T:ty, $zero:expr, $one:expr) => { run!($T as $T, $zero, $one) };
        // `$T` is the element type, `$G` the layout-identical type gemm computes in (complex: gemm's c32/c64).
        ($T:ty as $G:ty, $zero:expr, $one:expr) => {{
            let (pa, pb, po) = unsafe {
                (SendPtr(a.data_ptr::<$T>() as *mut $G), SendPtr(b.data_ptr::<$T>() as *mut $G), SendPtr(out.data_ptr::<$T>() as *mut $G))
            };
            // Rows r0..r1 and columns c0..c1 of product i.
            let block = |i: isize, (r0, r1): (usize, usize), (c0, c1): (usize, usize), par: Parallelism| {
                let (ro, co) = (r0 as isize, c0 as isize);
                // SAFETY: pointers and strides come from valid layouts of these shapes; each block
                // writes only its own part of the output.
                // gemm computes dst = alpha*dst + beta*lhs*rhs (alpha/beta swapped vs BLAS).
                unsafe {
                    gemm(
                        r1 - r0, c1 - c0, k,
                        po.get().offset(i * so[0] + ro * so[1] + co * so[2]), so[2], so[1],
                        false,
                        pa.get().offset(i * sa[0] + ro * sa[1]), sa[2], sa[1],
                        pb.get().offset(i * sb[0] + co * sb[2]), sb[2], sb[1],
                        $zero, $one, false, false, false, par,
                    )
                }
            };
            let one = |i: isize, par: Parallelism| block(i, (0, m), (0, n), par);
            match split {
                Split::Batches => super::threads::parallel_for(bs, bs, |i| one(i as isize, Parallelism::None)),
                Split::Serial => (0..bs as isize).for_each(|i| one(i, Parallelism::None)),
                Split::Inside(p) => (0..bs as isize).for_each(|i| one(i, p)),
                Split::Tiles(parts) => {
                    // Cut the longer side, at multiples of 16 (whole SIMD lanes).
                    let len = m.max(n);
                    let cut = |p: usize| (p * len / parts).next_multiple_of(16).min(len);
                    super::threads::parallel_for(bs * parts, bs * parts, |j| {
                        let (i, p) = ((j / parts) as isize, j % parts);
                        let span = (cut(p), cut(p + 1));
                        if span.0 < span.1 {
                            if n >= m { block(i, (0, m), span, Parallelism::None) } else { block(i, span, (0, n), Parallelism::None) }
                        }
                    })
                }
            }
        }};
    }
    match a.dtype() {
        DType::F32 => run!(f32, 0f32, 1f32),
        DType::F64 => run!(f64, 0f64, 1f64),
        DType::F16 => run!(half::f16, half::f16::ZERO, half::f16::ONE),
        DType::C64 => run!(crate::complex::Complex32 as gemm::c32, gemm::c32::new(0.0, 0.0), gemm::c32::new(1.0, 0.0)),
        DType::C128 => run!(crate::complex::Complex64 as gemm::c64, gemm::c64::new(0.0, 0.0), gemm::c64::new(1.0, 0.0)),
        DType::BF16 => {
            let (af, bf) = (super::cast(a, DType::F32)?, super::cast(b, DType::F32)?);
            let of = Tensor::alloc(out.shape(), DType::F32, crate::Device::Cpu, false)?;
            bmm(&af, &bf, &of)?;
            super::copy_cast(&of, out)?;
        }
        d => with_dtype!(d, T => int_bmm::<T>(a, b, out)),
    }
    Ok(())
}

fn int_bmm<T: Element>(a: &Tensor, b: &Tensor, out: &Tensor) {
    let (bs, m, k, n) = (a.shape()[0], a.shape()[1], a.shape()[2], b.shape()[2]);
    let (sa, sb, so) = (a.strides(), b.strides(), out.strides());
    let (pa, pb, po) = unsafe { (a.data_ptr::<T>(), b.data_ptr::<T>(), out.data_ptr::<T>()) };
    for bi in 0..bs as isize {
        for i in 0..m as isize {
            for j in 0..n as isize {
                let mut acc = 0i64;
                for l in 0..k as isize {
                    // SAFETY: indices inside the shapes.
                    unsafe {
                        acc = acc.wrapping_add(
                            (*pa.offset(bi * sa[0] + i * sa[1] + l * sa[2])).to_i64().wrapping_mul(
                                (*pb.offset(bi * sb[0] + l * sb[1] + j * sb[2])).to_i64(),
                            ),
                        )
                    };
                }
                unsafe { *po.offset(bi * so[0] + i * so[1] + j * so[2]) = T::from_i64(acc) };
            }
        }
    }
}
