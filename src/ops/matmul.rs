//! Matrix products through the `gemm` crate (runtime SIMD dispatch, arbitrary strides so
//! transposed views need no copy). `matmul` follows NumPy's 1-D and batch-broadcast rules.
use crate::tape::{record1, Backward, Saved};
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::layout::broadcast_shapes;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};
use gemm::{gemm, Parallelism};

fn parallelism(m: usize, n: usize, k: usize) -> Parallelism {
    let threads = crate::cpu::threads::num_threads();
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

/// out[b] = a[b] @ b[b] for 3-D operands with equal batch (strided, no copies).
fn bmm_kernel(a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    if out.device() != crate::Device::Cpu {
        return crate::cuda::blas::bmm(a, b, out);
    }
    let (bs, m, k) = (a.shape()[0], a.shape()[1], a.shape()[2]);
    let n = b.shape()[2];
    let threads = crate::cpu::threads::num_threads();
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
    use crate::cpu::iter::SendPtr;
    let (sa, sb, so) = (a.strides(), b.strides(), out.strides());
    macro_rules! run {
        ($T:ty, $zero:expr, $one:expr) => {{
            let (pa, pb, po) = unsafe { (SendPtr(a.data_ptr::<$T>()), SendPtr(b.data_ptr::<$T>()), SendPtr(out.data_ptr::<$T>())) };
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
                Split::Batches => crate::cpu::threads::parallel_for(bs, bs, |i| one(i as isize, Parallelism::None)),
                Split::Serial => (0..bs as isize).for_each(|i| one(i, Parallelism::None)),
                Split::Inside(p) => (0..bs as isize).for_each(|i| one(i, p)),
                Split::Tiles(parts) => {
                    // Cut the longer side, at multiples of 16 (whole SIMD lanes).
                    let len = m.max(n);
                    let cut = |p: usize| (p * len / parts).next_multiple_of(16).min(len);
                    crate::cpu::threads::parallel_for(bs * parts, bs * parts, |j| {
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
        DType::BF16 => {
            let (af, bf) = (a.to_dtype(DType::F32)?, b.to_dtype(DType::F32)?);
            let of = Tensor::alloc(out.shape(), DType::F32, out.device(), false)?;
            bmm_kernel(&af, &bf, &of)?;
            crate::cpu::copy_cast(&of, out)?;
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

fn check_pair(op: &str, a: &Tensor, b: &Tensor) -> Result<DType> {
    if a.dtype() != b.dtype() {
        bail!(
            DType,
            "expected m1 and m2 to have the same dtype, but got: {} != {}",
            a.dtype(),
            b.dtype()
        );
    }
    if a.device() != b.device() {
        bail!(Device, "{}: Expected all tensors to be on the same device, but found {} and {}", op, a.device(), b.device());
    }
    if a.dtype() == DType::Bool {
        bail!(DType, "\"{}\" not implemented for 'Bool'", op);
    }
    Ok(a.dtype())
}

/// Batched product of 3-D tensors with equal batch size, recorded for autograd.
pub fn bmm(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    if a.ndim() != 3 || b.ndim() != 3 {
        bail!(Shape, "batch1 must be a 3D tensor (got {}D and {}D)", a.ndim(), b.ndim());
    }
    let dt = check_pair("bmm", a, b)?;
    if a.shape()[0] != b.shape()[0] || a.shape()[2] != b.shape()[1] {
        bail!(
            Shape,
            "Expected size for first two dimensions of batch2 tensor to be: [{}, {}] but got: [{}, {}].",
            a.shape()[0],
            a.shape()[2],
            b.shape()[0],
            b.shape()[1]
        );
    }
    let out = Tensor::alloc(&[a.shape()[0], a.shape()[1], b.shape()[2]], dt, a.device(), a.shape()[2] == 0)?;
    if a.shape()[2] > 0 || out.numel() == 0 {
        bmm_kernel(a, b, &out)?;
    }
    record1(&out, &[a, b], || Backward::Bmm { a: Saved::input(a), b: Saved::input(b) });
    Ok(out)
}

/// 2-D matrix product.
pub fn mm(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    if a.ndim() != 2 || b.ndim() != 2 {
        bail!(Shape, "mm: expected 2D tensors, got {}D and {}D", a.ndim(), b.ndim());
    }
    if a.shape()[1] != b.shape()[0] {
        bail!(
            Shape,
            "mat1 and mat2 shapes cannot be multiplied ({}x{} and {}x{})",
            a.shape()[0],
            a.shape()[1],
            b.shape()[0],
            b.shape()[1]
        );
    }
    bmm(&a.unsqueeze(0)?, &b.unsqueeze(0)?)?.squeeze(Some(&[0]))
}

/// NumPy/PyTorch `matmul`: 1-D operands are promoted and squeezed, batch dims broadcast.
pub fn matmul(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let (da, db) = (a.ndim(), b.ndim());
    if da == 0 || db == 0 {
        bail!(
            Runtime,
            "both arguments to matmul need to be at least 1D, but they are {}D and {}D",
            da,
            db
        );
    }
    if da == 1 && db == 1 {
        if a.shape()[0] != b.shape()[0] {
            bail!(
                Shape,
                "inconsistent tensor size, expected tensor [{}] and src [{}] to have the same number of elements, but got {} and {} elements respectively",
                a.shape()[0],
                b.shape()[0],
                a.shape()[0],
                b.shape()[0]
            );
        }
        return mm(&a.unsqueeze(0)?, &b.unsqueeze(1)?)?.reshape(&[]);
    }
    let a2 = if da == 1 { a.unsqueeze(0)? } else { a.clone() };
    let b2 = if db == 1 { b.unsqueeze(1)? } else { b.clone() };
    let (m, k) = (a2.shape()[a2.ndim() - 2], a2.shape()[a2.ndim() - 1]);
    let (k2, n) = (b2.shape()[b2.ndim() - 2], b2.shape()[b2.ndim() - 1]);
    if k != k2 {
        bail!(
            Shape,
            "mat1 and mat2 shapes cannot be multiplied ({}x{} and {}x{})",
            m,
            k,
            k2,
            n
        );
    }
    let batch = broadcast_shapes(&a2.shape()[..a2.ndim() - 2], &b2.shape()[..b2.ndim() - 2])?;
    let nb: usize = batch.iter().product();
    let out = if db == 2 && da > 2 && a2.layout().view(&[nb * m, k]).is_some() {
        // Fold the batch of `a` into rows: one big gemm instead of many small ones.
        let r = mm(&a2.reshape_u(&[nb * m, k])?, &b2)?;
        let mut s = batch.clone();
        s.extend([m, n]);
        r.reshape_u(&s)?
    } else {
        let mut sa = batch.clone();
        sa.extend([m, k]);
        let mut sb = batch.clone();
        sb.extend([k, n]);
        let ae = a2.expand(&sa)?.reshape_u(&[nb, m, k])?;
        let be = b2.expand(&sb)?.reshape_u(&[nb, k, n])?;
        let mut so = batch.clone();
        so.extend([m, n]);
        bmm(&ae, &be)?.reshape_u(&so)?
    };
    let mut out = out;
    if da == 1 {
        out = out.squeeze(Some(&[-2]))?;
    }
    if db == 1 {
        out = out.squeeze(Some(&[-1]))?;
    }
    Ok(out)
}
