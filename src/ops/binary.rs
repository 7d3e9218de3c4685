//! Elementwise two-input ops with broadcasting and PyTorch type promotion: the op table, the
//! kernels per dtype family, and the in-place forms. Derivatives are in `autograd/rules.rs`.
use crate::tape::{needs_grad, record1, Backward, Saved};
use crate::dtype::{default_float, result_type, DType, Operand};
use crate::backend;
use crate::error::Result;
use crate::layout::broadcast_shapes;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::bail;

use crate::opdefs::BinaryOp::{self};

/// An operand: a tensor or a Python scalar (which does not drive promotion, as in PyTorch).
#[derive(Clone, Debug)]
pub enum Arg {
    T(Tensor),
    S(Scalar),
}

impl From<&Tensor> for Arg {
    fn from(t: &Tensor) -> Arg {
        Arg::T(t.clone())
    }
}
impl From<Scalar> for Arg {
    fn from(s: Scalar) -> Arg {
        Arg::S(s)
    }
}
impl From<f64> for Arg {
    fn from(s: f64) -> Arg {
        Arg::S(Scalar::Float(s))
    }
}

impl Arg {
    fn operand(&self) -> Operand {
        match self {
            Arg::T(t) => Operand::Tensor { dtype: t.dtype(), ndim: t.ndim() },
            Arg::S(s) => Operand::Scalar(s.category()),
        }
    }
    fn shape(&self) -> &[usize] {
        match self {
            Arg::T(t) => t.shape(),
            Arg::S(_) => &[],
        }
    }
    /// As a tensor of `dtype` broadcast to `shape` (scalars become stride-0 views).
    fn materialize(&self, dtype: DType, shape: &[usize], device: crate::Device) -> Result<Tensor> {
        let t = match self {
            Arg::T(t) if t.dtype() == dtype => t.clone(),
            Arg::T(t) if t.is_contiguous() => backend::cast(t, dtype)?,
            Arg::T(t) => {
                // Converted in its own layout (`x.T + 2.5` for int x: the cast and the op each
                // one pass in memory order, no transposing copy between them).
                let out = crate::ops::result::alloc_result(t.shape(), dtype, t.device(), &[t])?;
                backend::copy_cast(t, &out)?;
                out
            }
            // Scalars are filled on the device (a queued kernel, no host round trip).
            Arg::S(s) => Tensor::full(&[], *s, dtype, device)?,
        };
        let t = if t.device() != device { backend::transfer(&t, device, false)? } else { t };
        if t.shape() == shape {
            return Ok(t);
        }
        Ok(t.with_layout(t.layout().broadcast_to(shape)?))
    }
    pub fn tensor(&self) -> Option<&Tensor> {
        match self {
            Arg::T(t) => Some(t),
            Arg::S(_) => None,
        }
    }
}

/// The device of the result: both tensor operands must share it, except that a 0-d CPU tensor may
/// join a CUDA tensor (as in PyTorch).
fn check_devices(op: BinaryOp, a: &Arg, b: &Arg) -> Result<crate::Device> {
    match (a, b) {
        (Arg::T(x), Arg::T(y)) if x.device() != y.device() => {
            if x.is_cpu_scalar() {
                return Ok(y.device());
            }
            if y.is_cpu_scalar() {
                return Ok(x.device());
            }
            bail!(
                Device,
                "{}: Expected all tensors to be on the same device, but found at least two devices, {} and {}!",
                op.name(),
                x.device(),
                y.device()
            )
        }
        (Arg::T(x), _) => Ok(x.device()),
        (_, Arg::T(y)) => Ok(y.device()),
        _ => Ok(crate::Device::Cpu),
    }
}

/// `op(a, b)` as a new tensor, broadcast and promoted, recorded for autograd.
pub fn binary(op: BinaryOp, a: impl Into<Arg>, b: impl Into<Arg>) -> Result<Tensor> {
    let (a, b) = (a.into(), b.into());
    let dev = check_devices(op, &a, &b)?;
    let promoted = result_type(&[a.operand(), b.operand()], default_float())?;
    let (cd, od) = op.dtypes(promoted)?;
    let shape = broadcast_shapes(a.shape(), b.shape())?;
    let operands: smallvec::SmallVec<[&Tensor; 2]> = [a.tensor(), b.tensor()].into_iter().flatten().collect();
    let out = crate::ops::result::alloc_result(&shape, od, dev, &operands)?;
    let (ta, tb) = (a.materialize(cd, &shape, dev)?, b.materialize(cd, &shape, dev)?);
    backend::binary(op, &ta, &tb, &out)?;
    if op.differentiable() && od.differentiable() {
        let ins: &[&Tensor] = match (a.tensor(), b.tensor()) {
            (Some(x), Some(y)) => &[x, y],
            (Some(x), None) | (None, Some(x)) => &[x],
            (None, None) => &[],
        };
        if needs_grad(ins) {
            let saved = |x: &Arg| -> Result<Saved> {
                Ok(match x {
                    Arg::T(t) => Saved::input(t),
                    Arg::S(s) => Saved::input(&Tensor::scalar(*s, od)?),
                })
            };
            let (sa, sb, sy) = op.saves();
            let wants = |x: &Arg| x.tensor().is_some_and(|t| t.requires_grad());
            let (free_a, free_b) = op.own_grad_free();
            let sa = sa && !(free_a && !wants(&b));
            let sb = sb && !(free_b && !wants(&a));
            let rule = Backward::Binary {
                op,
                a: if sa { Some(saved(&a)?) } else { None },
                b: if sb { Some(saved(&b)?) } else { None },
                a_is_tensor: a.tensor().is_some(),
                b_is_tensor: b.tensor().is_some(),
                y: if sy { Some(Saved::output(&out)) } else { None },
            };
            record1(&out, &ins, || rule);
        }
    }
    Ok(out)
}

/// Whether `binary_(op, a, b)` runs straight into `a` with nothing to record: neither operand needs
/// a gradient, `b` is on `a`'s device, promotes with `a` to `a`'s own (real, non-bool) dtype and
/// broadcasts to `a`'s shape. Composed in-place ops (`clamp_`) then write their steps into `a`
/// without a result buffer, and no step can fail after an earlier one has written.
pub fn inplace_exact(a: &Tensor, b: &Arg) -> bool {
    let d = a.dtype();
    if d == DType::Bool || d.is_complex() || needs_grad(&[a]) {
        return false;
    }
    if let Arg::T(t) = b {
        if needs_grad(&[t]) || t.device() != a.device() {
            return false;
        }
    }
    let keeps_dtype = result_type(&[Arg::T(a.clone()).operand(), b.operand()], default_float()).is_ok_and(|r| r == d);
    keeps_dtype && broadcast_shapes(a.shape(), b.shape()).is_ok_and(|s| s.as_slice() == a.shape())
}

/// In-place `a = op(a, b)`: the result must keep `a`'s shape and fit `a`'s dtype category.
pub fn binary_(op: BinaryOp, a: &Tensor, b: impl Into<Arg>) -> Result<()> {
    let b = b.into();
    a.check_inplace()?;
    if check_devices(op, &Arg::T(a.clone()), &b)? != a.device() {
        bail!(Device, "{}_: the in-place result must stay on {} (the other operand is on another device)", op.name(), a.device());
    }
    let promoted = result_type(&[Arg::T(a.clone()).operand(), b.operand()], default_float())?;
    let (cd, od) = op.dtypes(promoted)?;
    if od.category() > a.dtype().category() || (od == DType::Bool && a.dtype() != DType::Bool && !op.is_comparison()) {
        bail!(
            Runtime,
            "result type {} can't be cast to the desired output type {}",
            od.legacy_name(),
            a.dtype().legacy_name()
        );
    }
    let shape = broadcast_shapes(a.shape(), b.shape())?;
    if shape.as_slice() != a.shape() {
        bail!(
            Shape,
            "output with shape {:?} doesn't match the broadcast shape {:?}",
            a.shape(),
            shape
        );
    }
    let grad = needs_grad(&[a]) || b.tensor().is_some_and(|t| needs_grad(&[t]));
    if grad {
        // Autograd: compute out of place (recording the graph), then write back and take the history.
        // The op reads a snapshot of `a`, so what it saves for backward is not overwritten below.
        let r = binary(op, &a.snapshot_for_inplace()?, b)?;
        let r = if r.dtype() != a.dtype() { crate::ops::cast::to_dtype(&r, a.dtype())? } else { r };
        crate::ops::cast::copy_into(a, &r.detach())?;
        a.take_history(&r)?;
        return Ok(());
    }
    let ta = if a.dtype() == cd { a.clone() } else { crate::ops::cast::to_dtype(a, cd)? };
    let tb = b.materialize(cd, a.shape(), a.device())?;
    kernel_into(op, &ta, &tb, a, od)
}

/// `op(a, b)` written into `out` (the `out=` form): the kernel runs straight into `out`, so no
/// result buffer is allocated when the dtypes agree.
pub fn binary_out(op: BinaryOp, a: impl Into<Arg>, b: impl Into<Arg>, out: &Tensor) -> Result<()> {
    let (a, b) = (a.into(), b.into());
    let dev = check_devices(op, &a, &b)?;
    let promoted = result_type(&[a.operand(), b.operand()], default_float())?;
    let (cd, od) = op.dtypes(promoted)?;
    let shape = broadcast_shapes(a.shape(), b.shape())?;
    let ins: Vec<&Tensor> = [a.tensor(), b.tensor()].into_iter().flatten().collect();
    crate::ops::out::check_out(op.name(), out, &shape, od, dev, &ins)?;
    let (ta, tb) = (a.materialize(cd, &shape, dev)?, b.materialize(cd, &shape, dev)?);
    kernel_into(op, &ta, &tb, out, od)
}

/// Run the kernel computing dtype `od` into `dest` (casting through a temporary when `dest` has
/// another dtype); operands aliasing `dest` in another layout are read from a copy.
fn kernel_into(op: BinaryOp, ta: &Tensor, tb: &Tensor, dest: &Tensor, od: DType) -> Result<()> {
    use crate::ops::out::alias_safe;
    let (ta, tb) = (alias_safe(ta, dest)?, alias_safe(tb, dest)?);
    if od == dest.dtype() {
        backend::binary(op, &ta, &tb, dest)?;
    } else {
        let tmp = Tensor::alloc(dest.shape(), od, dest.device(), false)?;
        backend::binary(op, &ta, &tb, &tmp)?;
        backend::copy_cast(&tmp, dest)?;
    }
    dest.storage().bump_version();
    Ok(())
}

/// `div(a, b, rounding_mode='trunc')`: the true quotient truncated for floats; for integers the
/// exact integer quotient (no round trip through floats, which loses precision past 2**53),
/// raising ZeroDivisionError on a zero divisor as 'floor' does. `i64::MIN / -1` wraps, as in
/// PyTorch's 'floor' (PyTorch's own 'trunc' dies with SIGFPE there).
pub fn div_trunc(a: &Tensor, b: Arg) -> Result<Tensor> {
    let float = a.dtype().is_float() || matches!(&b, Arg::T(t) if t.dtype().is_float()) || matches!(b, Arg::S(Scalar::Float(_)));
    if float {
        return binary(BinaryOp::Div, a, b)?.trunc();
    }
    // trunc(a / b) = floor(a / b) + 1 where the division is inexact and the signs differ.
    let floor = binary(BinaryOp::FloorDiv, a, b.clone())?;
    let inexact = binary(BinaryOp::Ne, &binary(BinaryOp::Fmod, a, b.clone())?, Scalar::Int(0))?;
    let a_neg = binary(BinaryOp::Lt, a, Scalar::Int(0))?;
    let b_neg = match &b {
        Arg::T(t) => binary(BinaryOp::Lt, t, Scalar::Int(0))?,
        Arg::S(s) => Tensor::scalar(Scalar::Bool(s.to_i64() < 0), DType::Bool)?,
    };
    let fix = binary(BinaryOp::LogicalAnd, &inexact, &binary(BinaryOp::Ne, &a_neg, &b_neg)?)?;
    binary(BinaryOp::Add, &floor, &fix.to_dtype(floor.dtype())?)
}
