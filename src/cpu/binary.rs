//! CPU kernels of the elementwise two-input ops (`BinaryOp`) per dtype family: floats (half
//! types in f32 lanes), and integers and bool through wrapping i64 arithmetic.
use super::map2;
use super::math::FloatMath;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::opdefs::BinaryOp::{self, *};
use crate::tensor::Tensor;
use crate::{bail, with_dtype};

/// `out = op(a, b)`: `a`, `b` in the op's compute dtype, broadcast to `out`'s shape.
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    match a.dtype() {
        DType::F32 => float_kernel::<f32>(op, a, b, out),
        DType::F64 => float_kernel::<f64>(op, a, b, out),
        DType::F16 | DType::BF16 => {
            let (af, bf) = (super::cast(a, DType::F32)?, super::cast(b, DType::F32)?);
            let od = if op.is_comparison() { DType::Bool } else { DType::F32 };
            let of = Tensor::alloc(out.shape(), od, crate::Device::Cpu, false)?;
            float_kernel::<f32>(op, &af, &bf, &of);
            super::copy_cast(&of, out)?;
        }
        d => with_dtype!(d, T => int_kernel::<T>(op, a, b, out)?),
    }
    Ok(())
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
        if super::any_elem::<T>(b, |v| v.to_i64() == 0) {
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
            let neg = super::any_elem::<T>(b, |v| v.to_i64() < 0);
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
