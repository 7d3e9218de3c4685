//! Launchers of `cuda/binary.cu`: the elementwise two-input ops and `where`.
use crate::opdefs::BinaryOp;
use super::compile::{suffix, Family};
use super::launch::{base_ptr, elementwise_cfg, launch, same_device, strides, Operands};
use super::gpu_of;
use crate::error::Result;
use crate::tensor::Tensor;
use cudarc::driver::PushKernelArg;

fn binary_name(op: BinaryOp) -> &'static str {
    use BinaryOp::*;
    match op {
        Shl => "shl",
        Shr => "shr",
        op => op.name(),
    }
}

/// `out = op(a, b)` with a, b in the compute dtype, broadcast to out's shape.
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    same_device(op.name(), &[a, b, out])?;
    let name = binary_name(op);
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    let d = a.dtype();
    let gpu = gpu_of(out.device())?;
    let f = gpu.func(Family::Binary, d, &format!("binary_{}_{}", name, suffix(d)))?;
    let s = strides(Operands { a: Some(a), b: Some(b), c: None, out })?;
    let (pa, pb, po, n64) = (base_ptr(a), base_ptr(b), base_ptr(out), n as i64);
    launch!(gpu, f, elementwise_cfg(n, &s); &n64, &s, &pa, &pb, &po)
}

/// `out = cond ? a : b` (all broadcast to out's shape; cond is bool).
pub fn where_(cond: &Tensor, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    same_device("where", &[cond, a, b, out])?;
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    let d = out.dtype();
    let gpu = gpu_of(out.device())?;
    let f = gpu.func(Family::Binary, d, &format!("ternary_where_{}", suffix(d)))?;
    let s = strides(Operands { a: Some(a), b: Some(b), c: Some(cond), out })?;
    let (pc, pa, pb, po, n64) = (base_ptr(cond), base_ptr(a), base_ptr(b), base_ptr(out), n as i64);
    launch!(gpu, f, elementwise_cfg(n, &s); &n64, &s, &pc, &pa, &pb, &po)
}
