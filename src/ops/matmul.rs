//! Matrix products through the `gemm` crate (runtime SIMD dispatch, arbitrary strides so
//! transposed views need no copy). `matmul` follows NumPy's 1-D and batch-broadcast rules.
use crate::backend;
use crate::dtype::DType;
use crate::tape::{record1, Backward, Saved};
use crate::error::Result;
use crate::layout::broadcast_shapes;
use crate::tensor::Tensor;
use crate::bail;

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
        backend::matmul::bmm(a, b, &out)?;
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

/// `beta * input + alpha * product` (addmm, baddbmm, addmv), with beta == 0 ignoring `input`
/// entirely, NaN included, as PyTorch does.
pub fn scaled_sum(input: &Tensor, beta: f64, p: &Tensor, alpha: f64) -> Result<Tensor> {
    let ap = if alpha == 1.0 { p.clone() } else { p.mul_scalar(alpha)? };
    if beta == 0.0 {
        // input * 0 keeps the broadcast shape; its NaNs become 0 rather than poisoning the sum.
        let zeros = input.mul_scalar(0.0)?;
        let zeros = crate::ops::index::where_(&zeros.isnan()?, crate::scalar::Scalar::Float(0.0), &zeros)?;
        return ap.add(&zeros);
    }
    let bi = if beta == 1.0 { input.clone() } else { input.mul_scalar(beta)? };
    bi.add(&ap)
}
