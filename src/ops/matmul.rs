//! Matrix products through the `gemm` crate (runtime SIMD dispatch, arbitrary strides so
//! transposed views need no copy). `matmul` follows NumPy's 1-D and batch-broadcast rules.
use crate::autograd::{record1, Backward, Saved};
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
}

/// out[b] = a[b] @ b[b] for 3-D operands with equal batch (strided, no copies).
fn bmm_kernel(a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    if out.device() != crate::Device::Cpu {
        return crate::cuda::blas::bmm(a, b, out);
    }
    let (bs, m, k) = (a.shape()[0], a.shape()[1], a.shape()[2]);
    let n = b.shape()[2];
    // A row-major left operand times a transposed right one (`x @ w.t()`, every Linear's forward):
    // gemm's threaded path runs this layout at half speed; a contiguous copy of the right operand
    // costs less than that (128x784 @ (256x784).t(): 0.67 -> 0.33 ms, 2 threads; one thread gains
    // nothing, so only the threaded path copies).
    let (sb, sa) = (b.strides(), a.strides());
    let threaded = crate::cpu::threads::num_threads() > 1 && bs * m * n * k >= 64 * 64 * 64;
    if threaded && a.dtype().is_float() && sa[2] == 1 && sb[1] == 1 && sb[2] != 1 && n > 1 && k > 1 && m >= 32 && bs * k * n <= 1 << 23 {
        return bmm_kernel(a, &b.detach().contiguous_copy()?, out);
    }
    let threads = crate::cpu::threads::num_threads();
    let split = if threads > 1 && bs >= threads && bs * m * n * k >= 64 * 64 * 64 {
        Split::Batches
    } else {
        match parallelism(m, n, k) {
            Parallelism::None => Split::Serial,
            p => Split::Inside(p),
        }
    };
    // gemm's Rayon parallelism runs in whichever pool is current: make it ours (only then: entering
    // the pool costs microseconds, which small products must not pay).
    match split {
        Split::Serial => bmm_strided(a, b, out, bs, m, n, k, split),
        _ => crate::cpu::threads::install(|| bmm_strided(a, b, out, bs, m, n, k, split)),
    }
}

#[allow(clippy::too_many_arguments)]
fn bmm_strided(a: &Tensor, b: &Tensor, out: &Tensor, bs: usize, m: usize, n: usize, k: usize, split: Split) -> Result<()> {
    use crate::cpu::iter::SendPtr;
    use rayon::prelude::*;
    let (sa, sb, so) = (a.strides(), b.strides(), out.strides());
    macro_rules! run {
        ($T:ty, $zero:expr, $one:expr) => {{
            let (pa, pb, po) = unsafe { (SendPtr(a.data_ptr::<$T>()), SendPtr(b.data_ptr::<$T>()), SendPtr(out.data_ptr::<$T>())) };
            let one = |i: isize, par: Parallelism| {
                // SAFETY: pointers and strides come from valid layouts of these shapes; batch i
                // writes only its own output matrix.
                // gemm computes dst = alpha*dst + beta*lhs*rhs (alpha/beta swapped vs BLAS).
                unsafe {
                    gemm(
                        m, n, k,
                        po.get().offset(i * so[0]), so[2], so[1],
                        false,
                        pa.get().offset(i * sa[0]), sa[2], sa[1],
                        pb.get().offset(i * sb[0]), sb[2], sb[1],
                        $zero, $one, false, false, false, par,
                    )
                }
            };
            match split {
                Split::Batches => (0..bs as isize).into_par_iter().for_each(|i| one(i, Parallelism::None)),
                Split::Serial => (0..bs as isize).for_each(|i| one(i, Parallelism::None)),
                Split::Inside(p) => (0..bs as isize).for_each(|i| one(i, p)),
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
