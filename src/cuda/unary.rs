//! Launchers of `cuda/unary.cu`: dtype-converting copies, fill and the elementwise one-input ops.
use crate::opdefs::UnaryOp;
use super::compile::{suffix, Family};
use super::launch::{base_ptr, elementwise_cfg, launch, same_device, strides, Operands};
use super::gpu_of;
use crate::dtype::DType;
use crate::error::Result;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::with_dtype;
use cudarc::driver::PushKernelArg;

/// Copy `src` (broadcast to `dst`'s shape) into `dst`, converting dtype.
pub fn copy_cast(src: &Tensor, dst: &Tensor) -> Result<()> {
    same_device("copy_", &[src, dst])?;
    let n = dst.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(dst.device())?;
    let name = format!("cast_{}_{}", suffix(src.dtype()), suffix(dst.dtype()));
    let f = gpu.func(Family::Unary, src.dtype(), &name)?;
    let s = strides(Operands { a: Some(src), b: None, c: None, out: dst })?;
    let (pa, po, n64) = (base_ptr(src), base_ptr(dst), n as i64);
    launch!(gpu, f, elementwise_cfg(n, &s); &n64, &s, &pa, &po)
}

/// Write `value` into every element of the view.
pub fn fill(t: &Tensor, value: Scalar) -> Result<()> {
    let n = t.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(t.device())?;
    let f = gpu.func(Family::Unary, t.dtype(), &format!("fill_{}", suffix(t.dtype())))?;
    let s = strides(Operands { a: None, b: None, c: None, out: t })?;
    let (po, n64) = (base_ptr(t), n as i64);
    // The value travels as its raw bits in an integer of the element's size.
    let mut bits = 0u64;
    with_dtype!(t.dtype(), T => {
        let v: T = value.to_elem();
        // SAFETY: copies size_of::<T>() <= 8 bytes of a plain value.
        unsafe { std::ptr::copy_nonoverlapping(&v as *const T as *const u8, &mut bits as *mut u64 as *mut u8, std::mem::size_of::<T>()) };
    });
    let cfg = elementwise_cfg(n, &s);
    let (b1, b2, b4) = (bits as u8, bits as u16, bits as u32);
    match t.dtype().size() {
        1 => launch!(gpu, f, cfg; &n64, &s, &po, &b1),
        2 => launch!(gpu, f, cfg; &n64, &s, &po, &b2),
        4 => launch!(gpu, f, cfg; &n64, &s, &po, &b4),
        _ => launch!(gpu, f, cfg; &n64, &s, &po, &bits),
    }
}

/// The dispatcher's host-only key for `op` on `dtype`, when cuda/unary.cu has no kernel for it.
pub fn host_key(op: UnaryOp, dtype: DType) -> Option<&'static str> {
    match op {
        UnaryOp::Hardtanh { .. } if !dtype.is_float() => Some("unary.hardtanh.int"),
        _ => None,
    }
}

/// The kernel name and parameters of a unary op.
fn unary_kernel(op: UnaryOp) -> (&'static str, f64, f64) {
    use UnaryOp::*;
    match op {
        Hardtanh { min, max } => ("hardtanh", min, max),
        Softplus { beta, threshold } => ("softplus", beta, threshold),
        Elu { alpha } => ("elu", alpha, 0.0),
        LeakyRelu { slope } => ("leaky_relu", slope, 0.0),
        PowScalar(e) => ("pow_scalar", e, 0.0),
        RoundDecimals(d) => ("round_decimals", 10f64.powi(d as i32), 0.0),
        GeluTanh => ("gelu_tanh", 0.0, 0.0),
        IsNan => ("isnan", 0.0, 0.0),
        IsInf => ("isinf", 0.0, 0.0),
        IsFinite => ("isfinite", 0.0, 0.0),
        LogicalNot => ("logical_not", 0.0, 0.0),
        BitNot => ("bitwise_not", 0.0, 0.0),
        op => (op.name(), 0.0, 0.0),
    }
}

/// `out = op(x)` where x already has the kernel's input dtype (ops named by `host_key` have none).
pub fn unary(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    use UnaryOp::*;
    same_device(op.name(), &[x, out])?;
    let (name, p0, p1) = unary_kernel(op);
    let d = x.dtype();
    // Rounding is the identity on integers; isnan & co. are constant there.
    if !d.is_float() {
        match op {
            Floor | Ceil | Round | Trunc => {
                return copy_cast(x, out);
            }
            IsNan | IsInf => return fill(out, Scalar::Bool(false)),
            IsFinite => return fill(out, Scalar::Bool(true)),
            _ => {}
        }
    }
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(x.device())?;
    let f = gpu.func(Family::Unary, d, &format!("unary_{}_{}", name, suffix(d)))?;
    let s = strides(Operands { a: Some(x), b: None, c: None, out })?;
    let (pa, po, n64) = (base_ptr(x), base_ptr(out), n as i64);
    launch!(gpu, f, elementwise_cfg(n, &s); &n64, &s, &pa, &po, &p0, &p1)
}
