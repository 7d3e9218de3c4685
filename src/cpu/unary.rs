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

/// sin / cos / tan / sinc: the f32 polynomials on every chunk whose |x| are all small enough for
/// their reduction, libm on the others (f64: libm).
fn trig_kernel<F: FloatMath>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    use std::f64::consts::PI;
    let limit = F::c(super::math::TRIG_FAST_LIMIT / if op == UnaryOp::Sinc { PI } else { 1.0 });
    let pi = F::c(PI);
    // sinc: sin(pi x) / (pi x), 1 at 0 (PyTorch's formula, in the input's precision).
    let sinc = move |s: F, v: F| if v == F::zero() { F::one() } else { s / (v * pi) };
    let small = move |v: F| v.abs() <= limit || v.is_nan();
    if F::DTYPE != DType::F32 {
        match op {
            UnaryOp::Sin => map1::<F, F, _>(x, out, move |v: F| v.sin()),
            UnaryOp::Cos => map1::<F, F, _>(x, out, move |v: F| v.cos()),
            UnaryOp::Tan => map1::<F, F, _>(x, out, move |v: F| v.tan()),
            UnaryOp::Sinc => map1::<F, F, _>(x, out, move |v: F| sinc((v * pi).sin(), v)),
            _ => bail!(Runtime, "internal error: trig_kernel got {:?}", op),
        }
        return Ok(());
    }
    match op {
        UnaryOp::Sin => map1_guarded::<F, _, _, _, _>(x, out, small, |v: F| v.vsin::<true>(), |v: F| v.vsin::<false>(), |v: F| v.sin()),
        UnaryOp::Cos => map1_guarded::<F, _, _, _, _>(x, out, small, |v: F| v.vcos::<true>(), |v: F| v.vcos::<false>(), |v: F| v.cos()),
        UnaryOp::Tan => map1_guarded::<F, _, _, _, _>(x, out, small, |v: F| v.vtan::<true>(), |v: F| v.vtan::<false>(), |v: F| v.tan()),
        UnaryOp::Sinc => map1_guarded::<F, _, _, _, _>(
            x, out, small,
            move |v: F| sinc((v * pi).vsin::<true>(), v), move |v: F| sinc((v * pi).vsin::<false>(), v),
            move |v: F| sinc((v * pi).sin(), v),
        ),
        _ => bail!(Runtime, "internal error: trig_kernel got {:?}", op),
    }
    Ok(())
}

/// Elements per guarded chunk: the check and the kernel then read it from L1.
const GUARD_CHUNK: usize = 1024;

/// `out = f(x)` where `f` is the vectorised `fma` / `plain` kernel on every chunk of
/// `GUARD_CHUNK` elements whose elements all satisfy `ok`, the scalar `slow` kernel on the other
/// chunks. Runs come from `staged`, so transposed and strided views are gathered into cache-sized
/// tiles first (a separate pre-pass over the input in logical order walked a transposed view
/// column by column: 6x slower than the kernel itself).
fn map1_guarded<F, K, P, Q, S>(x: &Tensor, out: &Tensor, ok: K, fma: P, plain: Q, slow: S)
where
    F: FloatMath,
    K: Fn(F) -> bool + Sync,
    P: Fn(F) -> F + Sync,
    Q: Fn(F) -> F + Sync,
    S: Fn(F) -> F + Sync,
{
    let frame = super::wide::frame::<true>();
    // SAFETY: `staged` hands unit-stride (or broadcast: stride 0) runs of `n` valid elements.
    unsafe {
        super::staged([x, out], &|p: [*mut u8; 2], s: [isize; 2], n: usize| {
            let (a, o) = (p[0] as *const F, p[1] as *mut F);
            let mut i = 0;
            while i < n {
                let m = GUARD_CHUNK.min(n - i);
                let (ca, co) = (a.offset(i as isize * s[0]), o.add(i));
                // A fold without early exit, so that it vectorises.
                let mut all = true;
                for j in 0..(if s[0] == 0 { 1 } else { m }) {
                    all &= ok(*ca.add(j));
                }
                if !all {
                    // In the AVX2 frame where the CPU has it (a vectorisable fallback vectorises).
                    super::loops_run(ca, s[0], co, m, frame != super::wide::Frame::Plain, &slow);
                } else {
                    super::wide::run1(frame, ca, s[0], co, m, &fma, &plain);
                }
                i += m;
            }
        })
    }
}

/// polygamma of orders 1 to `POLYGAMMA_MAX_N`: the vectorised f32 kernel of `fspecial` on every
/// chunk with no negative element (the reflection formula needs an accurate sin of pi x far from
/// 0), the f64 function on the others (and for order 0, digamma).
fn polygamma_kernel<F: FloatMath>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    use super::fspecial::{lanes, polygamma_pos_f32, POLYGAMMA_MAX_N};
    use super::special::polygamma;
    let UnaryOp::Polygamma { n } = op else { bail!(Runtime, "internal error: polygamma_kernel got {:?}", op) };
    let slow = move |v: F| super::special::via(v, |t| polygamma(n, t));
    // -0.0 and NaN count as not negative.
    let ok = |v: F| !(v < F::zero());
    if F::DTYPE == DType::F32 && n == 1.0 {
        // Trigamma: a recurrence and a short series (a few divisions), not the Hurwitz zeta.
        let f = move |v: F| lanes(v, super::fspecial::trigamma_pos_f32, |t| polygamma(1.0, t));
        map1_guarded::<F, _, _, _, _>(x, out, ok, f, f, slow);
    } else if F::DTYPE == DType::F32 && n == n.trunc() && (1.0..=POLYGAMMA_MAX_N).contains(&n) {
        let k = n as u32;
        let scale = (if k % 2 == 1 { 1.0 } else { -1.0 }) * (1..=k).map(|i| i as f64).product::<f64>();
        let at_inf = polygamma(n, f64::INFINITY) as f32;
        let f = move |v: F| lanes(v, |t| polygamma_pos_f32(k, scale, at_inf, t), |t| polygamma(n, t));
        map1_guarded::<F, _, _, _, _>(x, out, ok, f, f, slow);
    } else {
        map1::<F, F, _>(x, out, slow);
    }
    Ok(())
}

/// lgamma: the vectorised f32 kernel of `fspecial` on every chunk with only positive (or NaN)
/// elements, libm's f64 lgamma on the others (the reflection near the poles) and for f64.
fn lgamma_kernel<F: FloatMath>(_op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    let slow = |v: F| super::special::via(v, super::special::lgamma);
    if F::DTYPE == DType::F32 {
        let fma = |v: F| super::fspecial::lanes(v, super::fspecial::lgamma_pos_f32::<true>, super::special::lgamma);
        let plain = |v: F| super::fspecial::lanes(v, super::fspecial::lgamma_pos_f32::<false>, super::special::lgamma);
        map1_guarded::<F, _, _, _, _>(x, out, |v: F| !(v <= F::zero()), fma, plain, slow);
    } else {
        map1::<F, F, _>(x, out, slow);
    }
    Ok(())
}

/// airy_ai: the f32 kernel of `fspecial` on chunks with every element at or above
/// `AIRY_FAST_MIN` (or NaN), the f64 function elsewhere and for f64.
fn airy_ai_kernel<F: FloatMath>(_op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    use super::fspecial::{airy_ai_f32, lanes, AIRY_FAST_MIN};
    let slow = |v: F| super::special::via(v, super::special::airy_ai);
    if F::DTYPE != DType::F32 {
        map1::<F, F, _>(x, out, slow);
        return Ok(());
    }
    let lo = F::c(AIRY_FAST_MIN as f64);
    let fma = |v: F| lanes(v, airy_ai_f32::<true>, super::special::airy_ai);
    let plain = |v: F| lanes(v, airy_ai_f32::<false>, super::special::airy_ai);
    map1_guarded::<F, _, _, _, _>(x, out, move |v: F| !(v < lo), fma, plain, slow);
    Ok(())
}

/// erfinv: for f32, Giles' centre polynomial alone on chunks with every |x| <= `ERFINV_CENTRE_MAX`
/// (most data: the tail is |x| > 0.9966), the full kernel (both polynomials, a square root) on
/// the others; the f64 function for f64.
fn erfinv_kernel<F: FloatMath>(_op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    use super::fspecial::{erfinv_centre_f32, erfinv_f32, lanes, ERFINV_CENTRE_MAX};
    if F::DTYPE != DType::F32 {
        map1::<F, F, _>(x, out, |v: F| F::c(super::math::erfinv_f64(Element::to_f64(v))));
        return Ok(());
    }
    let max = F::c(ERFINV_CENTRE_MAX as f64);
    let f64fn = super::math::erfinv_f64;
    let fma = |v: F| lanes(v, erfinv_centre_f32::<true>, f64fn);
    let plain = |v: F| lanes(v, erfinv_centre_f32::<false>, f64fn);
    // The full kernel without fused multiply-adds: `map1_guarded` runs it in the AVX2 frame only
    // where the CPU has AVX2 (then FMA too), but one closure serves both frames.
    let full = |v: F| lanes(v, erfinv_f32::<false>, f64fn);
    map1_guarded::<F, _, _, _, _>(x, out, move |v: F| v.abs() <= max, fma, plain, full);
    Ok(())
}

/// spherical_bessel_j0 = sin(x) / x (its Taylor series below 0.5): the f32 sine polynomial on
/// chunks with every |x| within its reduction's range, the f64 function elsewhere and for f64.
fn spherical_j0_kernel<F: FloatMath>(_op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    let slow = |v: F| super::special::via(v, super::special::spherical_bessel_j0);
    if F::DTYPE != DType::F32 {
        map1::<F, F, _>(x, out, slow);
        return Ok(());
    }
    let limit = F::c(super::math::TRIG_FAST_LIMIT);
    #[inline(always)]
    fn j0<F: FloatMath, const FMA: bool>(v: F) -> F {
        let x2 = v * v;
        let c = |k: f64| F::c(1.0 / k);
        // 1 - x^2/6 (1 - x^2/20 (1 - x^2/42 (1 - x^2/72))): below f32 rounding for |x| < 0.5.
        let series = F::one() - x2 * c(6.0) * (F::one() - x2 * c(20.0) * (F::one() - x2 * c(42.0) * (F::one() - x2 * c(72.0))));
        let s = v.vsin::<FMA>() / v;
        if v.abs() < F::c(0.5) { series } else { s }
    }
    map1_guarded::<F, _, _, _, _>(x, out, move |v: F| v.abs() <= limit || v.is_nan(), j0::<F, true>, j0::<F, false>, slow);
    Ok(())
}

/// bessel_j0/j1/y0/y1: the f32 kernels of `fspecial` on chunks with every |x| within the sine
/// polynomials' range, the f64 functions elsewhere and for f64.
fn bessel_jy_kernel<F: FloatMath>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    use super::fspecial::{j0_f32, j1_f32, lanes, y0_f32, y1_f32};
    use super::special as sp;
    let f64_fn: fn(f64) -> f64 = match op {
        UnaryOp::BesselJ0 => sp::bessel_j0,
        UnaryOp::BesselJ1 => sp::bessel_j1,
        UnaryOp::BesselY0 => sp::bessel_y0,
        UnaryOp::BesselY1 => sp::bessel_y1,
        _ => bail!(Runtime, "internal error: bessel_jy_kernel got {:?}", op),
    };
    let slow = move |v: F| super::special::via(v, f64_fn);
    if F::DTYPE != DType::F32 {
        map1::<F, F, _>(x, out, slow);
        return Ok(());
    }
    let limit = F::c(super::math::TRIG_FAST_LIMIT);
    let ok = move |v: F| v.abs() <= limit || v.is_nan();
    // One monomorphised loop per function (a function pointer in the loop would stay an
    // out-of-line call and keep it scalar).
    macro_rules! run {
        ($k:ident) => {
            map1_guarded::<F, _, _, _, _>(x, out, ok, move |v: F| lanes(v, $k::<true>, f64_fn), move |v: F| lanes(v, $k::<false>, f64_fn), slow)
        };
    }
    match op {
        UnaryOp::BesselJ0 => run!(j0_f32),
        UnaryOp::BesselJ1 => run!(j1_f32),
        UnaryOp::BesselY0 => run!(y0_f32),
        _ => run!(y1_f32),
    }
    Ok(())
}

/// round(x, decimals) as PyTorch: nearbyint(x * 10^d) / 10^d, and for d < 0 nearbyint(x / 10^-d)
/// * 10^-d, with the power rounded to the input's dtype once (computed outside the loop: a
/// `powi` call per element kept the loop scalar).
fn round_decimals_kernel<F: FloatMath>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    let UnaryOp::RoundDecimals { decimals } = op else { bail!(Runtime, "internal error: round_decimals_kernel got {:?}", op) };
    let d = decimals as i32;
    let p = F::c(10f64.powi(d.abs()));
    if d < 0 {
        map1::<F, F, _>(x, out, move |v: F| round_half_even(v / p) * p);
    } else {
        map1::<F, F, _>(x, out, move |v: F| round_half_even(v * p) / p);
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
                // Square-and-multiply over the 7 bits of |e| (a fixed count: it unrolls), in f64
                // and rounded once: in f32 the roundings of the steps added up to ~12 ulp (x ** 30).
                let (mut r, mut b) = (1f64, v.to_f64());
                for bit in 0..7 {
                    r = if (n >> bit) & 1 == 1 { r * b } else { r };
                    b *= b;
                }
                F::c(if e < 0.0 { 1.0 / r } else { r })
            })
        }
        _ => {
            let ef = F::c(e);
            // Not a small integer: no exact-integer path to take (`fmath::pow_f32`).
            map1_fma::<F, F, _, _>(x, out, move |v: F| v.vpow_real::<true>(ef), move |v: F| v.vpow_real::<false>(ef))
        }
    }
}

fn int_kernel(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    with_dtype!(x.dtype(), T => int_kernel_t::<T>(op, x, out))
}

fn predicate_kernel(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    with_dtype!(x.dtype(), T => predicate_kernel_t::<T>(op, x, out))
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

