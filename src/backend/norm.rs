//! Fused set normalisations (layer, RMS, group, batch norm): the forward saving each set's mean
//! and 1/std, and the backward from them. The CPU fuses every kind; CUDA has layer_norm kernels,
//! and returns None for the other kinds (the op layer composes tensor ops there).
use crate::device::Device;
use crate::error::Result;
use crate::opdefs::norm::Sets;
use crate::opdefs::{BinaryOp, NormKind, ReduceOp};
use crate::tensor::Tensor;
use crate::{cpu, cuda};

/// (y, mean, rstd, var) of a contiguous input whose sets are `q` (`ch` affine channels), or None
/// where the device has no fused kernel for `kind`.
#[allow(clippy::too_many_arguments)]
pub fn forward(kind: NormKind, ch: usize, x: &Tensor, w: Option<&Tensor>, b: Option<&Tensor>, given: Option<(Tensor, Tensor)>, q: Sets, eps: f64) -> Result<Option<(Tensor, Tensor, Tensor, Option<Tensor>)>> {
    super::dtypes::real_only("norm", x)?;
    match (x.device(), kind) {
        (Device::Cpu, _) => cpu::norm::forward(kind, ch, x, w, b, given, q, eps).map(Some),
        (Device::Cuda(_), NormKind::Layer { .. }) => {
            let (y, mean, rstd) = cuda::reduce::layer_norm_rows(x, w, b, q.count, q.len(), eps)?;
            Ok(Some((y, mean, rstd, None)))
        }
        (Device::Cuda(_), _) => Ok(None),
    }
}

/// (dx, dweight?, dbias?) from the saved statistics, or None where the device has no fused
/// backward for `kind`.
#[allow(clippy::too_many_arguments)]
pub fn backward(kind: NormKind, q: Sets, ch: usize, g: &Tensor, x: &Tensor, w: Option<&Tensor>, has_bias: bool, mean: &Tensor, rstd: &Tensor) -> Result<Option<(Tensor, Option<Tensor>, Option<Tensor>)>> {
    super::dtypes::real_only("norm_backward", x)?;
    match (x.device(), kind) {
        (Device::Cpu, _) => cpu::norm::backward(kind, q, ch, g, x, w, has_bias, mean, rstd).map(Some),
        (Device::Cuda(_), NormKind::Layer { .. }) => {
            // The input gradient from the kernel; the parameter gradients are column sums of
            // dy * xhat and dy over the [m, n] rows.
            let (m, n) = (q.count, q.len());
            let rows = |t: &Tensor| -> Result<Tensor> { Ok(super::contiguous(t)?.with_layout(crate::layout::Layout::contiguous(&[m, n]))) };
            let (x2, g2) = (rows(x)?, rows(&super::cast(g, x.dtype())?)?);
            let wc = w.map(super::contiguous).transpose()?;
            let gx = cuda::reduce::layer_norm_backward_rows(&x2, &g2, wc.as_ref(), mean, rstd, m, n)?;
            let col = |t: &Tensor| -> Result<Tensor> { let s = super::reduce::reduce(ReduceOp::Sum, t, &[0], t.dtype())?; Ok(s) };
            let gw = match w {
                Some(_) => {
                    let stat = |s: &Tensor| -> Result<Tensor> {
                        let s = super::cast(s, x.dtype())?;
                        Ok(s.with_layout(crate::layout::Layout::contiguous(&[m, 1]).broadcast_to(&[m, n])?))
                    };
                    let bin = |op: BinaryOp, a: &Tensor, b: &Tensor| -> Result<Tensor> {
                        let out = Tensor::alloc(&[m, n], x.dtype(), x.device(), false)?;
                        super::binary(op, a, b, &out)?;
                        Ok(out)
                    };
                    let xhat = bin(BinaryOp::Mul, &bin(BinaryOp::Sub, &x2, &stat(mean)?)?, &stat(rstd)?)?;
                    Some(col(&bin(BinaryOp::Mul, &g2, &xhat)?)?)
                }
                None => None,
            };
            let gb = if has_bias { Some(col(&g2)?) } else { None };
            Ok(Some((gx, gw, gb)))
        }
        (Device::Cuda(_), _) => Ok(None),
    }
}
