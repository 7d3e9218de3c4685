//! Elementwise two-input ops with broadcasting and PyTorch type promotion: the op table, the
//! kernels per dtype family, and the in-place forms. Derivatives are in `autograd/rules.rs`.
use crate::tape::{needs_grad, record1, Backward, Saved};
use crate::cpu::math::FloatMath;
use crate::cpu::map2;
use crate::dtype::{default_float, result_type, DType, Element, Operand};
use crate::error::Result;
use crate::layout::broadcast_shapes;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};

use crate::opdefs::BinaryOp::{self, *};

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
            Arg::T(t) => crate::ops::cast::to_dtype(&t.detach(), dtype)?,
            // Scalars are filled on the device (a queued kernel, no host round trip).
            Arg::S(s) => Tensor::full(&[], *s, dtype, device)?,
        };
        let t = if t.device() != device { crate::cuda::memory::transfer(&t.detach(), device)? } else { t };
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

fn float_kernel<F: FloatMath>(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) {
    macro_rules! go {
        (|$x:ident, $y:ident| $e:expr) => {
            map2::<F, F, F, _>(a, b, out, |$x: F, $y: F| $e)
        };
    }
    macro_rules! cmp {
        (|$x:ident, $y:ident| $e:expr) => {
            map2::<F, F, bool, _>(a, b, out, |$x: F, $y: F| $e)
        };
    }
    let z = F::zero();
    match op {
        Add => go!(|x, y| x + y),
        Sub => go!(|x, y| x - y),
        Mul => go!(|x, y| x * y),
        Div => go!(|x, y| x / y),
        FloorDiv => go!(|x, y| py_floordiv(x, y)),
        Remainder => go!(|x, y| {
            let r = x % y;
            if r != z && ((r < z) != (y < z)) { r + y } else { r }
        }),
        Fmod => go!(|x, y| x % y),
        Pow => go!(|x, y| x.powf(y)),
        Atan2 => go!(|x, y| x.atan2(y)),
        Hypot => go!(|x, y| x.hypot(y)),
        Maximum => go!(|x, y| if x.is_nan() || y.is_nan() { x + y } else if x > y { x } else { y }),
        Minimum => go!(|x, y| if x.is_nan() || y.is_nan() { x + y } else if x < y { x } else { y }),
        Fmax => go!(|x, y| x.max(y)),
        Fmin => go!(|x, y| x.min(y)),
        CopySign => go!(|x, y| x.copysign(y)),
        Eq => cmp!(|x, y| x == y),
        Ne => cmp!(|x, y| x != y),
        Lt => cmp!(|x, y| x < y),
        Le => cmp!(|x, y| x <= y),
        Gt => cmp!(|x, y| x > y),
        Ge => cmp!(|x, y| x >= y),
        LogicalAnd => cmp!(|x, y| x != z && y != z),
        LogicalOr => cmp!(|x, y| x != z || y != z),
        LogicalXor => cmp!(|x, y| (x != z) != (y != z)),
        BitAnd | BitOr | BitXor | Shl | Shr => unreachable!("rejected by dtypes()"),
    }
}

/// Python's floor division for floats (sign of the divisor, like torch.floor_divide).
#[inline(always)]
fn py_floordiv<F: FloatMath>(x: F, y: F) -> F {
    if y == F::zero() {
        return x / y;
    }
    let m = x % y;
    let mut d = (x - m) / y;
    if m != F::zero() && ((y < F::zero()) != (m < F::zero())) {
        d = d - F::one();
    }
    if d == F::zero() {
        return F::zero().copysign(x / y);
    }
    let fl = d.floor();
    if d - fl > F::c(0.5) { fl + F::one() } else { fl }
}

fn int_kernel<T: Element>(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    let is_bool = T::DTYPE == DType::Bool;
    if matches!(op, FloorDiv | Remainder | Fmod) {
        // Integer division by zero is an error in PyTorch, not a silent value.
        if b.to_vec::<i64>()?.contains(&0) {
            bail!(Runtime, "ZeroDivisionError: integer division or modulo by zero in {}", op.name());
        }
    }
    macro_rules! go {
        (|$x:ident, $y:ident| $e:expr) => {
            map2::<T, T, T, _>(a, b, out, |$x: T, $y: T| T::from_i64({
                let ($x, $y) = ($x.to_i64(), $y.to_i64());
                $e
            }))
        };
    }
    macro_rules! cmp {
        (|$x:ident, $y:ident| $e:expr) => {
            map2::<T, T, bool, _>(a, b, out, |$x: T, $y: T| {
                let ($x, $y) = ($x.to_i64(), $y.to_i64());
                $e
            })
        };
    }
    match op {
        Add if is_bool => go!(|x, y| x | y),
        Mul if is_bool => go!(|x, y| x & y),
        Add => go!(|x, y| x.wrapping_add(y)),
        Sub => go!(|x, y| x.wrapping_sub(y)),
        Mul => go!(|x, y| x.wrapping_mul(y)),
        FloorDiv => go!(|x, y| x.wrapping_div(y) - (((x % y != 0) && ((x < 0) != (y < 0))) as i64)),
        Remainder => go!(|x, y| {
            let r = x.wrapping_rem(y);
            if r != 0 && ((r < 0) != (y < 0)) { r + y } else { r }
        }),
        Fmod => go!(|x, y| x.wrapping_rem(y)),
        Pow => {
            let neg = b.to_vec::<i64>()?.iter().any(|&e| e < 0);
            if neg && !is_bool {
                bail!(Runtime, "Integers to negative integer powers are not allowed.");
            }
            go!(|x, y| x.wrapping_pow(y.clamp(0, u32::MAX as i64) as u32))
        }
        Maximum | Fmax => go!(|x, y| x.max(y)),
        Minimum | Fmin => go!(|x, y| x.min(y)),
        BitAnd => go!(|x, y| x & y),
        BitOr => go!(|x, y| x | y),
        BitXor => go!(|x, y| x ^ y),
        // Shifts past the width give 0 (or -1 for negative right shifts), like PyTorch.
        Shl => {
            let bits = (T::DTYPE.size() * 8) as i64;
            go!(|x, y| if y < 0 || y >= bits { 0 } else { x.wrapping_shl(y as u32) })
        }
        Shr => {
            let bits = (T::DTYPE.size() * 8) as i64;
            go!(|x, y| if y < 0 || y >= bits { if x < 0 { -1 } else { 0 } } else { x >> y })
        }
        Eq => cmp!(|x, y| x == y),
        Ne => cmp!(|x, y| x != y),
        Lt => cmp!(|x, y| x < y),
        Le => cmp!(|x, y| x <= y),
        Gt => cmp!(|x, y| x > y),
        Ge => cmp!(|x, y| x >= y),
        LogicalAnd => cmp!(|x, y| x != 0 && y != 0),
        LogicalOr => cmp!(|x, y| x != 0 || y != 0),
        LogicalXor => cmp!(|x, y| (x != 0) != (y != 0)),
        Div | Atan2 | Hypot | CopySign => unreachable!("float-only ops promote first"),
    }
    Ok(())
}

/// Run the kernel for `op` on `a`, `b` (compute dtype, broadcast to `out`'s shape).
fn kernel(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    if out.device() != crate::Device::Cpu {
        if crate::cuda::ops::binary(op, a, b, out)? {
            return Ok(());
        }
        // No device kernel (copysign): compute on the host.
        let h = |t: &Tensor| crate::cuda::memory::transfer(t, crate::Device::Cpu);
        let host_out = Tensor::alloc(out.shape(), out.dtype(), crate::Device::Cpu, false)?;
        kernel(op, &h(a)?, &h(b)?, &host_out)?;
        return crate::cpu::copy_cast(&host_out, out);
    }
    match a.dtype() {
        DType::F32 => float_kernel::<f32>(op, a, b, out),
        DType::F64 => float_kernel::<f64>(op, a, b, out),
        DType::F16 | DType::BF16 => {
            let f = |t: &Tensor| crate::ops::cast::to_dtype(t, DType::F32);
            let (af, bf) = (f(a)?, f(b)?);
            let od = if op.is_comparison() { DType::Bool } else { DType::F32 };
            let of = Tensor::alloc(out.shape(), od, out.device(), false)?;
            float_kernel::<f32>(op, &af, &bf, &of);
            crate::cpu::copy_cast(&of, out)?;
        }
        d => with_dtype!(d, T => int_kernel::<T>(op, a, b, out)?),
    }
    Ok(())
}

/// The device of the result: both tensor operands must share it, except that a 0-d CPU tensor may
/// join a CUDA tensor (as in PyTorch).
fn check_devices(op: BinaryOp, a: &Arg, b: &Arg) -> Result<crate::Device> {
    use crate::Device::Cpu;
    match (a, b) {
        (Arg::T(x), Arg::T(y)) if x.device() != y.device() => {
            if x.ndim() == 0 && x.device() == Cpu {
                return Ok(y.device());
            }
            if y.ndim() == 0 && y.device() == Cpu {
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
        _ => Ok(Cpu),
    }
}

/// `op(a, b)` as a new tensor, broadcast and promoted, recorded for autograd.
pub fn binary(op: BinaryOp, a: impl Into<Arg>, b: impl Into<Arg>) -> Result<Tensor> {
    let (a, b) = (a.into(), b.into());
    let dev = check_devices(op, &a, &b)?;
    let promoted = result_type(&[a.operand(), b.operand()], default_float())?;
    let (cd, od) = op.dtypes(promoted)?;
    let shape = broadcast_shapes(a.shape(), b.shape())?;
    let out = Tensor::alloc(&shape, od, dev, false)?;
    let (ta, tb) = (a.materialize(cd, &shape, dev)?, b.materialize(cd, &shape, dev)?);
    kernel(op, &ta, &tb, &out)?;
    if op.differentiable() && od.is_float() {
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
        kernel(op, &ta, &tb, dest)?;
    } else {
        let tmp = Tensor::alloc(dest.shape(), od, dest.device(), false)?;
        kernel(op, &ta, &tb, &tmp)?;
        crate::cpu::copy_cast(&tmp, dest)?;
    }
    dest.storage().bump_version();
    Ok(())
}
