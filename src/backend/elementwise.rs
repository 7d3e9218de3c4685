//! Elementwise kernels: dtype-converting copies, fill, the one- and two-input ops and `where`.
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::opdefs::{BinaryOp, UnaryOp};
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::{cpu, cuda};

/// Copy `src` (broadcast to `dst`'s shape) into `dst`, converting dtype; across devices too.
pub fn copy_cast(src: &Tensor, dst: &Tensor) -> Result<()> {
    match (src.device(), dst.device()) {
        (Device::Cpu, Device::Cpu) => cpu::copy_cast(src, dst),
        // CUDA has no complex kernels: complex copies and casts run on the real (re, im) views.
        (a, b) if a == b && (src.dtype().is_complex() || dst.dtype().is_complex()) => {
            use super::dtypes::{part, real_pairs};
            match (src.dtype().is_complex(), dst.dtype().is_complex()) {
                (true, true) => cuda::unary::copy_cast(&real_pairs(src), &real_pairs(dst)),
                (true, false) => cuda::unary::copy_cast(&part(src, 0), dst),
                _ => {
                    cuda::unary::copy_cast(src, &part(dst, 0))?;
                    cuda::unary::fill(&part(dst, 1), Scalar::Float(0.0))
                }
            }
        }
        (a, b) if a == b => cuda::unary::copy_cast(src, dst),
        // Across devices: move the source (contiguous, same dtype) first, then cast on dst's side.
        (_, to) => {
            let moved = if src.numel() == dst.numel() || src.ndim() == 0 {
                super::transfer(src, to, false)?
            } else {
                super::transfer(&super::contiguous(src)?, to, false)?
            };
            let moved = if moved.shape() == dst.shape() { moved } else { moved.with_layout(moved.layout().broadcast_to(dst.shape())?) };
            copy_cast(&moved, dst)
        }
    }
}

/// `t` converted to `dtype` on its device: a fresh contiguous tensor, no autograd.
pub fn cast(t: &Tensor, dtype: DType) -> Result<Tensor> {
    let out = Tensor::alloc(t.shape(), dtype, t.device(), false)?;
    copy_cast(t, &out)?;
    Ok(out)
}

/// `t` itself when contiguous, else a contiguous copy (no autograd).
pub fn contiguous(t: &Tensor) -> Result<Tensor> {
    if t.is_contiguous() {
        return Ok(t.clone());
    }
    cast(t, t.dtype())
}

/// Write `value` (converted to the tensor's dtype) into every element of the view.
pub fn fill(t: &Tensor, value: Scalar) -> Result<()> {
    match t.device() {
        Device::Cpu => cpu::fill(t, value),
        Device::Cuda(_) if t.dtype().is_complex() => {
            let (re, im) = value.to_c64();
            cuda::unary::fill(&super::dtypes::part(t, 0), Scalar::Float(re))?;
            cuda::unary::fill(&super::dtypes::part(t, 1), Scalar::Float(im))
        }
        Device::Cuda(_) => cuda::unary::fill(t, value),
    }
}

/// `out = op(x)`: `x` has `out`'s dtype, except for predicates (bool `out`, any `x`).
pub fn unary(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    super::dtypes::complex_on_cuda(op.name(), x)?;
    match out.device() {
        Device::Cpu if cpu::inplace::unary(op, x, out) => Ok(()),
        Device::Cpu => cpu::unary::unary(op, x, out),
        Device::Cuda(_) => cuda::unary::unary(op, x, out),
    }
}

/// `out = op(a, b)` with `a`, `b` in the op's compute dtype, broadcast to `out`'s shape.
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    super::dtypes::complex_on_cuda(op.name(), a)?;
    match out.device() {
        Device::Cpu if cpu::inplace::binary(op, a, b, out) => Ok(()),
        Device::Cpu => cpu::binary::binary(op, a, b, out),
        Device::Cuda(_) => cuda::binary::binary(op, a, b, out),
    }
}

/// `out = clamp(x, lo, hi)` with number bounds in one pass, where a backend has that kernel
/// (CPU float32/float64): `Some(())` when written, None otherwise (nothing written; the caller
/// composes it from `maximum` and `minimum`, which every device has).
pub fn clamp_scalar(x: &Tensor, lo: Scalar, hi: Scalar, out: &Tensor) -> Result<Option<()>> {
    match out.device() {
        Device::Cpu if x.device() == Device::Cpu && cpu::inplace::clamp_scalar(x, lo, hi, out) => Ok(Some(())),
        _ => Ok(None),
    }
}

/// `out = cond ? a : b`, all broadcast to `out`'s shape (`cond` bool, `a`/`b` of `out`'s dtype).
pub fn where_(cond: &Tensor, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    super::dtypes::complex_on_cuda("where", out)?;
    match out.device() {
        Device::Cpu => cpu::where_(cond, a, b, out),
        Device::Cuda(_) => cuda::binary::where_(cond, a, b, out),
    }
}
