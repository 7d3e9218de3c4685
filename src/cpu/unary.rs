//! CPU kernels of the elementwise one-input ops (`UnaryOp`): one closure per op, monomorphised per
//! dtype family; half types compute in f32 lanes and round once at the end.
use super::math::FloatMath;
use super::{map1, map1_fma};
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::opdefs::UnaryOp::{self, *};
use crate::tensor::Tensor;
use crate::{bail, with_dtype};

/// `out = op(x)`: `x` has `out`'s dtype, except for predicates (bool `out`, any `x`).
pub fn unary(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    if op.is_predicate() {
        predicate_kernel(op, x, out);
        return Ok(());
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

/// The float kernels: one closure per op, monomorphised for f32 and f64.
fn float_kernel<F: FloatMath>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    let c = F::c;
    macro_rules! go {
        (|$v:ident| $e:expr) => {
            map1::<F, F, _>(x, out, |$v: F| $e)
        };
    }
    // Ops on the polynomial exp/tanh/erf: `$fma` is true in the copy that runs in the FMA loop.
    macro_rules! go_fma {
        (|$v:ident, $fma:ident| $e:expr) => {
            map1_fma::<F, F, _, _>(
                x, out,
                |$v: F| { const $fma: bool = true; $e },
                |$v: F| { const $fma: bool = false; $e },
            )
        };
    }
    match op {
        Neg => go!(|v| -v),
        Abs => go!(|v| v.abs()),
        Sign => go!(|v| if v > F::zero() { F::one() } else if v < F::zero() { -F::one() } else { v * F::zero() }),
        Square => go!(|v| v * v),
        Relu => go!(|v| if v > F::zero() { v } else if v.is_nan() { v } else { F::zero() }),
        Floor => go!(|v| v.floor()),
        Ceil => go!(|v| v.ceil()),
        Round => go!(|v| round_half_even(v)),
        RoundDecimals(d) => {
            let s = c(10f64.powi(d as i32));
            go!(|v| round_half_even(v * s) / s)
        }
        Trunc => go!(|v| v.trunc()),
        Hardtanh { min, max } => {
            let (lo, hi) = (c(min), c(max));
            go!(|v| if v < lo { lo } else if v > hi { hi } else { v })
        }
        Frac => go!(|v| v - v.trunc()),
        Exp => go_fma!(|v, FMA| v.vexp_full::<FMA>()),
        Exp2 => go!(|v| v.exp2()),
        Expm1 => go!(|v| v.exp_m1()),
        Log => go_fma!(|v, FMA| v.vln::<FMA>()),
        Log2 => go!(|v| v.log2()),
        Log10 => go!(|v| v.log10()),
        Log1p => go!(|v| v.ln_1p()),
        Sqrt => go!(|v| v.sqrt()),
        Rsqrt => go!(|v| v.sqrt().recip()),
        Sin | Cos if F::DTYPE != DType::F32 || !within::<F>(x, super::math::TRIG_FAST_LIMIT) => {
            if op == Sin { go!(|v| v.sin()) } else { go!(|v| v.cos()) }
        }
        Sin => go_fma!(|v, FMA| v.vsin::<FMA>()),
        Cos => go_fma!(|v, FMA| v.vcos::<FMA>()),
        Tan => go!(|v| v.tan()),
        Asin => go!(|v| v.asin()),
        Acos => go!(|v| v.acos()),
        Atan => go!(|v| v.atan()),
        Sinh => go!(|v| v.sinh()),
        Cosh => go!(|v| v.cosh()),
        Tanh => go_fma!(|v, FMA| v.vtanh::<FMA>()),
        Asinh => go!(|v| v.asinh()),
        Acosh => go!(|v| v.acosh()),
        Atanh => go!(|v| v.atanh()),
        Sigmoid => go_fma!(|v, FMA| F::one() / (F::one() + (-v).vexp::<FMA>())),
        Logit => go!(|v| (v / (F::one() - v)).ln()),
        Erf => go!(|v| v.erf()),
        Erfc => go!(|v| v.erfc()),
        Erfinv => go!(|v| v.erfinv()),
        Reciprocal => go!(|v| v.recip()),
        Gelu => go_fma!(|v, FMA| c(0.5) * v * (F::one() + (v * F::FRAC_1_SQRT_2()).verf::<FMA>())),
        GeluTanh => {
            let k = c((2.0 / std::f64::consts::PI).sqrt());
            go_fma!(|v, FMA| c(0.5) * v * (F::one() + (k * (v + c(0.044715) * v * v * v)).vtanh::<FMA>()))
        }
        Silu => go_fma!(|v, FMA| v / (F::one() + (-v).vexp::<FMA>())),
        Mish => go!(|v| v * softplus(v, F::one(), c(20.0)).tanh()),
        Softplus { beta, threshold } => {
            let (b, t) = (c(beta), c(threshold));
            go!(|v| softplus(v, b, t))
        }
        Elu { alpha } => {
            let a = c(alpha);
            go!(|v| if v > F::zero() { v } else { a * v.exp_m1() })
        }
        LeakyRelu { slope } => {
            let s = c(slope);
            go!(|v| if v > F::zero() { v } else { v * s })
        }
        PowScalar(e) => {
            let ef = c(e);
            if e == 2.0 {
                go!(|v| v * v)
            } else if e == 0.5 {
                go!(|v| v.sqrt())
            } else if e.fract() == 0.0 && e.abs() < 64.0 {
                let n = e as i32;
                go!(|v| v.powi(n))
            } else {
                go!(|v| v.powf(ef))
            }
        }
        IsNan | IsInf | IsFinite | LogicalNot | SignBit | BitNot => unreachable!("not a float-valued op"),
    }
    Ok(())
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

fn int_kernel(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    with_dtype!(x.dtype(), T => {
        int_kernel_t::<T>(op, x, out)
    })
}

fn int_kernel_t<T: crate::dtype::Element>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    // Integers go through i64 (wrapping like PyTorch's C++ integer arithmetic).
    let z = T::elem_zero();
    macro_rules! go {
        (|$v:ident| $e:expr) => {
            map1::<T, T, _>(x, out, |$v: T| T::from_i64({ let $v = $v.to_i64(); $e }))
        };
    }
    match op {
        Neg => go!(|v| v.wrapping_neg()),
        Abs => go!(|v| v.wrapping_abs()),
        Sign => go!(|v| v.signum()),
        Square => go!(|v| v.wrapping_mul(v)),
        Relu => map1::<T, T, _>(x, out, move |v| if v > z { v } else { z }),
        Floor | Ceil | Round | Trunc => map1::<T, T, _>(x, out, |v| v),
        Hardtanh { min, max } => go!(|v| (v as f64).clamp(min, max) as i64),
        BitNot => {
            if T::DTYPE == DType::Bool {
                map1::<T, T, _>(x, out, |v| T::from_bool(!v.to_bool()))
            } else {
                go!(|v| !v)
            }
        }
        PowScalar(e) => {
            let n = e as u32;
            go!(|v| v.wrapping_pow(n))
        }
        _ => bail!(DType, "{}: not implemented for '{}'", op.name(), x.dtype()),
    }
    Ok(())
}

fn predicate_kernel(op: UnaryOp, x: &Tensor, out: &Tensor) {
    with_dtype!(x.dtype(), T => {
        let float = T::DTYPE.is_float();
        match op {
            IsNan => map1::<T, bool, _>(x, out, |v| float && v.to_f64().is_nan()),
            IsInf => map1::<T, bool, _>(x, out, |v| float && v.to_f64().is_infinite()),
            IsFinite => map1::<T, bool, _>(x, out, |v| !float || v.to_f64().is_finite()),
            LogicalNot => map1::<T, bool, _>(x, out, |v| !v.to_bool()),
            SignBit => map1::<T, bool, _>(x, out, |v| v.to_f64().is_sign_negative()),
            _ => unreachable!("not a predicate"),
        }
    })
}
