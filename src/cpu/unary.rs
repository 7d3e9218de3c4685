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
    if x.dtype().is_complex() {
        return super::complex::unary(op, x, out);
    }
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
        map1_fma::<$F, $F, _, _>($x, $out, move |$v: $F| { const FMA: bool = true; $e }, move |$v: $F| { const FMA: bool = false; $e })
    };
    ($F:ident, $x:ident, $out:ident; fn $f:ident) => { return $f::<$F>(op_of!(), $x, $out) };
    ($F:ident, $x:ident, $out:ident; |$v:ident| $e:expr) => { map1::<$F, $F, _>($x, $out, move |$v: $F| $e) };
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
        map1::<$T, $T, _>($x, $out, move |v: $T| $T::from_i64({ let $v = v.to_i64(); $e } & mask))
    }};
    ($T:ident, $x:ident, $out:ident, $op:ident;) => { bail!(DType, "{}: not implemented for '{}'", $op.name(), $x.dtype()) };
}

/// The predicate kernel of a `pred` row, on the element type.
macro_rules! pred_arm {
    (pred, $T:ident, $x:ident, $out:ident; |$v:ident| $e:expr) => { map1::<$T, bool, _>($x, $out, move |$v: $T| $e) };
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

/// sin / cos / tan / sinc: the f32 polynomials when every |x| is small enough for their
/// reduction, else libm.
fn trig_kernel<F: FloatMath>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    use std::f64::consts::PI;
    let limit = super::math::TRIG_FAST_LIMIT / if op == UnaryOp::Sinc { PI } else { 1.0 };
    let fast = F::DTYPE == DType::F32 && within::<F>(x, limit);
    let pi = F::c(PI);
    // sinc: sin(pi x) / (pi x), 1 at 0 (PyTorch's formula, in the input's precision).
    let sinc = move |s: F, v: F| if v == F::zero() { F::one() } else { s / (v * pi) };
    match (op, fast) {
        (UnaryOp::Sin, true) => map1_fma::<F, F, _, _>(x, out, move |v: F| v.vsin::<true>(), |v: F| v.vsin::<false>()),
        (UnaryOp::Cos, true) => map1_fma::<F, F, _, _>(x, out, move |v: F| v.vcos::<true>(), |v: F| v.vcos::<false>()),
        (UnaryOp::Tan, true) => map1_fma::<F, F, _, _>(x, out, move |v: F| v.vtan::<true>(), |v: F| v.vtan::<false>()),
        (UnaryOp::Sinc, true) => map1_fma::<F, F, _, _>(
            x, out, move |v: F| sinc((v * pi).vsin::<true>(), v), move |v: F| sinc((v * pi).vsin::<false>(), v),
        ),
        (UnaryOp::Sin, false) => map1::<F, F, _>(x, out, move |v: F| v.sin()),
        (UnaryOp::Cos, false) => map1::<F, F, _>(x, out, move |v: F| v.cos()),
        (UnaryOp::Tan, false) => map1::<F, F, _>(x, out, move |v: F| v.tan()),
        (UnaryOp::Sinc, false) => map1::<F, F, _>(x, out, move |v: F| sinc((v * pi).sin(), v)),
        _ => bail!(Runtime, "internal error: trig_kernel got {:?}", op),
    }
    Ok(())
}

/// polygamma of orders 1 to `POLYGAMMA_MAX_N`: the vectorised f32 kernel of `fspecial` when no
/// element is negative (the reflection formula needs an accurate sin of pi x far from 0), the f64
/// function otherwise (and for order 0, digamma).
fn polygamma_kernel<F: FloatMath>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    use super::fspecial::{lanes, polygamma_pos_f32, POLYGAMMA_MAX_N};
    use super::special::polygamma;
    let UnaryOp::Polygamma { n } = op else { bail!(Runtime, "internal error: polygamma_kernel got {:?}", op) };
    if F::DTYPE == DType::F32 && n == 1.0 && no_negative::<F>(x) {
        // Trigamma: a recurrence and a short series (a few divisions), not the Hurwitz zeta.
        map1::<F, F, _>(x, out, move |v: F| lanes(v, super::fspecial::trigamma_pos_f32, |t| polygamma(1.0, t)));
    } else if F::DTYPE == DType::F32 && n == n.trunc() && (1.0..=POLYGAMMA_MAX_N).contains(&n) && no_negative::<F>(x) {
        let k = n as u32;
        let scale = (if k % 2 == 1 { 1.0 } else { -1.0 }) * (1..=k).map(|i| i as f64).product::<f64>();
        let at_inf = polygamma(n, f64::INFINITY) as f32;
        map1::<F, F, _>(x, out, move |v: F| lanes(v, |t| polygamma_pos_f32(k, scale, at_inf, t), |t| polygamma(n, t)));
    } else {
        map1::<F, F, _>(x, out, move |v: F| super::special::via(v, |t| polygamma(n, t)));
    }
    Ok(())
}

/// `PowScalar` through `pow_scalar_into`.
fn pow_scalar_kernel<F: FloatMath>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    let UnaryOp::PowScalar { exponent: e } = op else { bail!(Runtime, "internal error: pow_scalar_kernel got {:?}", op) };
    pow_scalar_into::<F>(e, x, out);
    Ok(())
}

/// `out = x^e` for a scalar exponent (also `x.pow(2)` and `x ** 3.0` through the binary op):
/// multiplies, square roots and reciprocals for the common exponents (PyTorch's special cases),
/// repeated squaring for other integers up to 64 (as libgcc's `powi`), the vectorised `pow`
/// otherwise. Every branch vectorises.
pub(super) fn pow_scalar_into<F: FloatMath>(e: f64, x: &Tensor, out: &Tensor) {
    let one = F::one();
    match e {
        0.0 => map1::<F, F, _>(x, out, move |_| one),
        1.0 => map1::<F, F, _>(x, out, |v: F| v),
        2.0 => map1::<F, F, _>(x, out, |v: F| v * v),
        3.0 => map1::<F, F, _>(x, out, |v: F| v * v * v),
        0.5 => map1::<F, F, _>(x, out, |v: F| v.sqrt()),
        -0.5 => map1::<F, F, _>(x, out, move |v: F| one / v.sqrt()),
        -1.0 => map1::<F, F, _>(x, out, move |v: F| one / v),
        -2.0 => map1::<F, F, _>(x, out, move |v: F| one / (v * v)),
        _ if e.fract() == 0.0 && e.abs() <= 64.0 => {
            let n = e.abs() as u32;
            map1::<F, F, _>(x, out, move |v: F| {
                // Square-and-multiply over the 7 bits of |e| (a fixed count: it unrolls).
                let (mut r, mut b) = (one, v);
                for bit in 0..7 {
                    r = if (n >> bit) & 1 == 1 { r * b } else { r };
                    b = b * b;
                }
                if e < 0.0 { one / r } else { r }
            })
        }
        _ => {
            let ef = F::c(e);
            map1_fma::<F, F, _, _>(x, out, move |v: F| v.vpow::<true>(ef), move |v: F| v.vpow::<false>(ef))
        }
    }
}

fn int_kernel(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    with_dtype!(x.dtype(), T => int_kernel_t::<T>(op, x, out))
}

fn predicate_kernel(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    with_dtype!(x.dtype(), T => predicate_kernel_t::<T>(op, x, out))
}

/// Whether every element of a float tensor has |x| <= limit (NaN counts as inside).
fn within<F: FloatMath>(x: &Tensor, limit: f64) -> bool {
    let lim = F::from_f64(limit);
    !any_run_max::<F>(x, |v: F| v.abs(), move |big: F| big > lim)
}

/// Whether no element of a float tensor is below zero (-0.0 and NaN count as not).
fn no_negative<F: FloatMath>(x: &Tensor) -> bool {
    !any_run_max::<F>(x, |v: F| -v, |big: F| big > F::zero())
}

/// Whether `hit` holds for the largest `key(v)` of some run of the tensor (a max-fold that
/// vectorises; NaN keys are skipped).
fn any_run_max<F: FloatMath>(x: &Tensor, key: impl Fn(F) -> F + Sync, hit: impl Fn(F) -> bool + Sync) -> bool {
    use std::sync::atomic::{AtomicBool, Ordering};
    let found = AtomicBool::new(false);
    {
        let p = super::iter::SendPtr(unsafe { x.data_ptr::<F>() });
        super::iter::for_each_run(x.shape(), [x.strides()], |[o], n, [s]| {
            // SAFETY: offsets from the view's own layout.
            let mut big = F::neg_infinity();
            for i in 0..n as isize {
                let v = key(unsafe { *p.get().offset(o + i * s) });
                big = if v > big { v } else { big };
            }
            if hit(big) {
                found.store(true, Ordering::Relaxed);
            }
        });
    }
    found.load(Ordering::Relaxed)
}

/// log(1 + e^(beta v)) / beta, linear above `threshold` (exp keeps denormal results, so the
/// far-negative tail is e^(beta v) / beta, as in libm).
#[inline(always)]
fn softplus<F: FloatMath, const FMA: bool>(v: F, beta: F, threshold: F) -> F {
    let s = (v * beta).vexp_full::<FMA>().vlog1p::<FMA>() / beta;
    if v * beta > threshold { v } else { s }
}

/// Round half to even, like NumPy and PyTorch.
#[inline(always)]
fn round_half_even<F: FloatMath>(v: F) -> F {
    v.round_even()
}

