//! CPU kernels of the elementwise one-input ops (`UnaryOp`): one closure per op, monomorphised per
//! dtype family; half types compute in f32 lanes and round once at the end.
use super::math::FloatMath;
use super::{map1, map1_fma};
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::opdefs::UnaryOp;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};

/// `out = op(x)`: `x` has `out`'s dtype, except for predicates (bool `out`, any `x`).
pub fn unary(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    if op.is_predicate() {
        return predicate_kernel(op, x, out);
    }
    match out.dtype() {
        DType::F32 => float_kernel::<f32>(op, x, out),
        DType::F64 => float_kernel::<f64>(op, x, out),
        DType::F16 | DType::BF16 => {
            let xf = super::cast(x, DType::F32)?;
            let of = Tensor::alloc(out.shape(), DType::F32, crate::Device::Cpu, false)?;
            float_kernel::<f32>(op, &xf, &of)?;
            super::copy_cast(&of, out)
        }
        _ => int_kernel(op, x, out),
    }
}

/// One kernel body per form of a row's `cpu` / `int` field.
macro_rules! float_body {
    ($F:ident, $x:ident, $out:ident; fma |$v:ident| $e:expr) => {
        // `FMA` is true in the copy that runs in the AVX2+FMA loop (see `math::madd`).
        map1_fma::<$F, $F, _, _>($x, $out, |$v: $F| { const FMA: bool = true; $e }, |$v: $F| { const FMA: bool = false; $e })
    };
    ($F:ident, $x:ident, $out:ident; fn $f:ident) => { return $f::<$F>(op_of!(), $x, $out) };
    ($F:ident, $x:ident, $out:ident; |$v:ident| $e:expr) => { map1::<$F, $F, _>($x, $out, |$v: $F| $e) };
    ($F:ident, $x:ident, $out:ident;) => { bail!(DType, "internal error: no float kernel for this op") };
}

/// The float kernel of a row whose kind computes in floats (float, keep); others have none.
macro_rules! float_arm {
    (float, $($t:tt)*) => { float_body!($($t)*) };
    (keep, $($t:tt)*) => { float_body!($($t)*) };
    (pred, $($t:tt)*) => { bail!(DType, "internal error: a predicate has no float kernel") };
    (bits, $($t:tt)*) => { bail!(DType, "internal error: a bitwise op has no float kernel") };
}

/// Integer rows compute in wrapping i64; bool results keep one bit (bitwise_not of true is false).
macro_rules! int_body {
    ($T:ident, $x:ident, $out:ident, $op:ident; |$v:ident| $e:expr) => {{
        let mask: i64 = if $T::DTYPE == DType::Bool { 1 } else { -1 };
        map1::<$T, $T, _>($x, $out, |v: $T| $T::from_i64({ let $v = v.to_i64(); $e } & mask))
    }};
    ($T:ident, $x:ident, $out:ident, $op:ident;) => { bail!(DType, "{}: not implemented for '{}'", $op.name(), $x.dtype()) };
}

/// The predicate kernel of a `pred` row, on the element type.
macro_rules! pred_arm {
    (pred, $T:ident, $x:ident, $out:ident; |$v:ident| $e:expr) => { map1::<$T, bool, _>($x, $out, |$v: $T| $e) };
    ($kind:ident, $T:ident, $x:ident, $out:ident; $($t:tt)*) => { bail!(DType, "internal error: not a predicate") };
}

macro_rules! cpu_unary {
    ($( ($V:ident $({ $($p:ident),* })? $id:ident $display:literal $kind:ident
         cpu { $($cpu:tt)* } int { $($int:tt)* } cuda($group:ident) $cuda:literal
         grad $gk:tt $($grad:expr)?;
         names [$(($py:ident $pyi:tt))*] function $func:ident
         $doc:literal) )*) => {
        /// The float kernels (f32, f64): one closure per row.
        #[allow(unused_variables, unreachable_code)]
        fn float_kernel<F: FloatMath>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
            macro_rules! op_of { () => { op } }
            match op {
                $( UnaryOp::$V $({ $($p),* })? => float_arm!($kind, F, x, out; $($cpu)*), )*
            }
            Ok(())
        }

        /// The integer and bool kernels: rows with an `int` field.
        #[allow(unused_variables, unreachable_code)]
        fn int_kernel_t<T: Element>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
            match op {
                $( UnaryOp::$V $({ $($p),* })? => int_body!(T, x, out, op; $($int)*), )*
            }
            Ok(())
        }

        /// The predicates (bool result) on any input dtype.
        #[allow(unused_variables, unreachable_code)]
        fn predicate_kernel_t<T: Element>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
            match op {
                $( UnaryOp::$V $({ $($p),* })? => pred_arm!($kind, T, x, out; $($cpu)*), )*
            }
            Ok(())
        }
    };
}
crate::unary_table!(cpu_unary);

/// sin / cos: the f32 polynomials when every |x| is small enough for them, else libm.
fn trig_kernel<F: FloatMath>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    let sin = op == UnaryOp::Sin;
    if F::DTYPE != DType::F32 || !within::<F>(x, super::math::TRIG_FAST_LIMIT) {
        if sin { map1::<F, F, _>(x, out, |v: F| v.sin()) } else { map1::<F, F, _>(x, out, |v: F| v.cos()) }
    } else if sin {
        map1_fma::<F, F, _, _>(x, out, |v: F| v.vsin::<true>(), |v: F| v.vsin::<false>())
    } else {
        map1_fma::<F, F, _, _>(x, out, |v: F| v.vcos::<true>(), |v: F| v.vcos::<false>())
    }
    Ok(())
}

/// x^e with exact small cases: a multiply for 2, sqrt for 0.5, repeated products for small
/// integers, `powf` otherwise.
fn pow_scalar_kernel<F: FloatMath>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    let UnaryOp::PowScalar { exponent: e } = op else { bail!(Runtime, "internal error: pow_scalar_kernel got {:?}", op) };
    let ef = F::c(e);
    if e == 2.0 {
        map1::<F, F, _>(x, out, |v: F| v * v)
    } else if e == 0.5 {
        map1::<F, F, _>(x, out, |v: F| v.sqrt())
    } else if e.fract() == 0.0 && e.abs() < 64.0 {
        let n = e as i32;
        map1::<F, F, _>(x, out, |v: F| v.powi(n))
    } else {
        map1::<F, F, _>(x, out, |v: F| v.powf(ef))
    }
    Ok(())
}

fn int_kernel(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    with_dtype!(x.dtype(), T => int_kernel_t::<T>(op, x, out))
}

fn predicate_kernel(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    with_dtype!(x.dtype(), T => predicate_kernel_t::<T>(op, x, out))
}

/// Whether every element of a float tensor has |x| <= limit (NaN counts as inside).
fn within<F: FloatMath>(x: &Tensor, limit: f64) -> bool {
    use std::sync::atomic::{AtomicBool, Ordering};
    let outside = AtomicBool::new(false);
    {
        let p = super::iter::SendPtr(unsafe { x.data_ptr::<F>() });
        let lim = F::from_f64(limit);
        super::iter::for_each_run(x.shape(), [x.strides()], |[o], n, [s]| {
            // SAFETY: offsets from the view's own layout; a max-fold that vectorises.
            let mut big = F::zero();
            for i in 0..n as isize {
                let v = unsafe { *p.get().offset(o + i * s) }.abs();
                big = if v > big { v } else { big };
            }
            if big > lim {
                outside.store(true, Ordering::Relaxed);
            }
        });
    }
    !outside.load(Ordering::Relaxed)
}

#[inline(always)]
fn softplus<F: FloatMath>(v: F, beta: F, threshold: F) -> F {
    if v * beta > threshold {
        v
    } else {
        (v * beta).exp().ln_1p() / beta
    }
}

/// Round half to even, like NumPy and PyTorch.
#[inline(always)]
fn round_half_even<F: FloatMath>(v: F) -> F {
    let r = v.round();
    if (v - v.trunc()).abs() == F::c(0.5) {
        F::c(2.0) * (v / F::c(2.0)).round()
    } else {
        r
    }
}

